// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.stress.fray;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import kotlinx.serialization.json.Json;
import org.pastalab.fray.core.TestRunner;
import org.pastalab.fray.core.command.Configuration;
import org.pastalab.fray.core.command.ExecutionInfo;
import org.pastalab.fray.core.command.MethodExecutor;
import org.pastalab.fray.core.command.NetworkDelegateType;
import org.pastalab.fray.core.command.SystemTimeDelegateType;
import org.pastalab.fray.core.observers.TimelineCoverageType;
import org.pastalab.fray.core.randomness.ControlledRandom;
import org.pastalab.fray.core.randomness.Randomness;
import org.pastalab.fray.core.randomness.RandomnessProvider;
import org.pastalab.fray.core.scheduler.PCTScheduler;
import org.pastalab.fray.core.scheduler.POSScheduler;
import org.pastalab.fray.core.scheduler.RandomScheduler;
import org.pastalab.fray.core.scheduler.Scheduler;

/**
 * Runs one {@link Scenarios} method under Fray for up to N iterations, the way fray-junit's
 * {@code @FrayTest} does (a {@code MethodExecutor} in a fresh class loader per iteration, the POS
 * scheduler), with three differences that the tests need: the iteration count comes from a
 * system property rather than from an annotation constant, the scheduler's randomness is seeded
 * (so a run, and the iteration at which a faulty lock fails, is reproducible), and the caller gets
 * the outcome (the error Fray found, at which iteration, where its replay files are) instead of an
 * exception, so that a test can require a failure.
 *
 * <p>Options shared by every run:
 * <ul>
 *   <li>Fray's mocked clock ({@code SystemTimeDelegateType.MOCK}, {@value #VIRTUAL_TIME_DELTA_NS}
 *       ns per {@code nanoTime()} call and per scheduling step) with timed blocking honoured
 *       ({@code ignoreTimedBlock = false}): a timed park times out once the mocked clock passes its
 *       deadline, while other threads still run, instead of only when nothing else can run.</li>
 *   <li>{@code interleaveMemoryOps = true} (the CLI's {@code -m}): without it Fray does not
 *       schedule at the lock's VarHandle operations on its word, and no schedule can put the last
 *       reader's release between a timed-out writer's leaving the queue and its give-back
 *       (3,000 iterations found nothing; with it, about 30).</li>
 *   <li>{@code resetClassLoader = false}, unlike {@code @FrayTest}'s default: in a fresh class
 *       loader every iteration links the lock's lambdas and classes again, which adds hundreds of
 *       scheduling points inside the first slow-path call of each thread, and the runs were 10-20
 *       times slower. The lock keeps no state between iterations except the parking lot's table,
 *       whose queues are empty when an iteration ends.</li>
 * </ul>
 */
final class FrayRunner {

    /** Mocked nanoseconds per {@code nanoTime()} call and per scheduling step (Fray's default). */
    static final long VIRTUAL_TIME_DELTA_NS = 100_000L;
    /** Fray's own limit on one run, in seconds; a run that hits it fails the test (too few iterations). */
    static final int RUN_TIMEOUT_S = 3_600;

    /** What one Fray run found. */
    static final class Outcome {
        final String name;
        /** The error Fray reported (assertion, exception or deadlock), or null. */
        final Throwable bug;
        /** Iterations run, including the failing one. */
        final int iterations;

        final long millis;
        final Path report;
        final long timelines;

        Outcome(String name, Throwable bug, int iterations, long millis, Path report, long timelines) {
            this.name = name;
            this.bug = bug;
            this.iterations = iterations;
            this.millis = millis;
            this.report = report;
            this.timelines = timelines;
        }

        @Override
        public String toString() {
            return String.format(
                    "%s: %s after %,d iteration(s) in %.1f s (%.0f/s), %,d timelines; report %s",
                    name,
                    bug == null ? "no error" : "ERROR " + bug,
                    iterations,
                    millis / 1000.0,
                    iterations * 1000.0 / Math.max(1, millis),
                    timelines,
                    report);
        }
    }

    private FrayRunner() {}

    /** Iterations per test for the fixed locks: {@code -Dfray.iterations} (default {@code dflt}). */
    static int iterations(int dflt) {
        return Integer.getInteger("fray.iterations", dflt);
    }

    /** The seed of the first iteration: {@code -Dfray.seed} (default 465). */
    static long seed() {
        return Long.getLong("fray.seed", 465L);
    }

    /**
     * Runs {@code Scenarios.<scenario>()} against {@code lock} for {@code iterations} iterations or
     * until Fray finds an error.
     */
    static Outcome explore(String scenario, FrayLock lock, int iterations) {
        Random seeds = new Random(seed() ^ scenario.hashCode() ^ ((long) lock.ordinal() << 32));
        RandomnessProvider provider =
                () -> new ControlledRandom(new ArrayList<>(), new ArrayList<>(), new Random(seeds.nextLong()));
        Scheduler scheduler = newScheduler(System.getProperty("fray.scheduler", "pos"), provider.getRandomness());
        return run(scenario, lock, iterations, scheduler, provider, false, reportDir(scenario, lock));
    }

    static Scheduler newScheduler(String name, Randomness r) {
        switch (name) {
            case "pos":
                return new POSScheduler(r);
            case "pct":
                return new PCTScheduler(r);
            case "random":
                return new RandomScheduler(r);
            default:
                throw new IllegalArgumentException("fray.scheduler: pos, pct or random, not " + name);
        }
    }

    /** Runs the schedule Fray saved in {@code recording} (a report's {@code recording} directory) once. */
    static Outcome replay(String scenario, FrayLock lock, Path recording) throws IOException {
        Randomness recorded = Json.Default.decodeFromString(
                Randomness.Companion.serializer(), Files.readString(recording.resolve("random.json")));
        Scheduler scheduler = new POSScheduler(recorded);
        RandomnessProvider provider = () -> recorded;
        return run(
                scenario,
                lock,
                1,
                scheduler,
                provider,
                true,
                recording.getParent().resolveSibling(recording.getParent().getFileName() + "-replay"));
    }

    private static Outcome run(
            String scenario,
            FrayLock lock,
            int iterations,
            Scheduler scheduler,
            RandomnessProvider provider,
            boolean replay,
            Path report) {
        List<String> classPath = new ArrayList<>(
                Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator)));
        MethodExecutor executor = new MethodExecutor(
                Scenarios.class.getName(), scenario, List.of(), classPath, Map.of(FrayLock.PROPERTY, lock.name()));
        Configuration config = new Configuration(
                new ExecutionInfo(executor, false, true, -1), // interleaveMemoryOps: see the class comment,
                report,
                iterations,
                RUN_TIMEOUT_S,
                scheduler,
                provider,
                false, // fullSchedule
                false, // exploreMode: stop at the first error
                true, // noExitWhenBugFound
                replay,
                false, // noFray
                false, // dummyRun
                NetworkDelegateType.NONE,
                SystemTimeDelegateType.MOCK,
                VIRTUAL_TIME_DELTA_NS,
                false, // ignoreTimedBlock: timed parks time out on the mocked clock
                false, // sleepAsYield
                false, // resetClassLoader: see the class comment
                false, // redirectStdout
                false, // abortThreadExecutionAfterMainExit
                false, // resolveRacingOperationStackTraceHash
                TimelineCoverageType.RESOURCE_ORDERING);
        // The scenario reads the lock from this property in Fray's class loader (MethodExecutor
        // sets it in beforeExecution; set here too for clarity of the JVM's state in reports).
        System.setProperty(FrayLock.PROPERTY, lock.name());
        long t0 = System.nanoTime();
        Throwable bug = new TestRunner(config).run();
        long millis = (System.nanoTime() - t0) / 1_000_000;
        int done = bug == null ? config.getCurrentIteration() : config.getCurrentIteration() + 1;
        long timelines = config.getTimelineCoverage() == null
                ? 0
                : config.getTimelineCoverage().getCoverage();
        return new Outcome(scenario + "[" + lock + "]", bug, done, millis, report, timelines);
    }

    static Path reportDir(String scenario, FrayLock lock) {
        Path base = Paths.get(System.getProperty("fray.workDir", "target/fray/fray-report"));
        return base.resolve(scenario + "-" + lock);
    }
}
