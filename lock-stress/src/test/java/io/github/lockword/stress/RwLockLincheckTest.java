// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.stress;

import io.github.lockword.RwLock;
import io.github.lockword.faults.Chaos;
import io.github.lockword.faults.FaultyLocks;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Lincheck against the fixed lock, the fair lock, and what the builder returns (the instrumented
 * lock, with hold tracking, in checked mode, and read-biased), in both modes: model checking explores thread switches at
 * every shared-memory access under sequential consistency; stress runs real threads, which can
 * show what sequential consistency hides (JCTools' practice). Both check every history of
 * {@link LockedCounter} against {@link GuardedCounterSpec}.
 *
 * <p>Under model checking {@code System.nanoTime()} is a constant, so no deadline passes by
 * itself and the timed paths would only ever succeed. {@link FixedTimeouts} therefore runs the
 * fixed algorithm through lock-faults' seam with every timed park expiring at once: each timed
 * attempt that has to park takes the timeout and give-back path. {@link Issue465LincheckTest}
 * runs exactly that model check against the faulty locks.
 */
class RwLockLincheckTest {

    /** Invocations per race scenario; see {@link #raceModelChecking()}. */
    static final int RACE_INVOCATIONS = 5_000;

    /** Model-checking iterations for the built and checked locks (Fixed and Fair: 20). */
    static final int VARIANT_MODEL_ITERATIONS = 10;

    /** Lincheck's loop bound for the read-biased lock: above the 1,024-slot scan of a revocation. */
    static final int READ_BIAS_LOOP_BOUND = 1_100;

    /** Stress iterations for the built and checked locks (Fixed and Fair: 5). */
    static final int VARIANT_STRESS_ITERATIONS = 2;

    /** The fixed lock, default (eventually fair) policy. */
    public static class Fixed extends LockedCounter {
        public Fixed() {
            super(new RwLock());
        }
    }

    /** The fixed lock with {@code fair = true}: every unlock with waiters hands off. */
    public static class Fair extends LockedCounter {
        public Fair() {
            super(new RwLock(true));
        }
    }

    /**
     * What {@code RwLock.builder().build()} returns: the instrumented lock, recording write and
     * upgradable holds around the same algorithm.
     */
    public static class Built extends LockedCounter {
        public Built() {
            super(RwLock.builder().build());
        }
    }

    /**
     * The instrumented lock in checked mode: per-thread read holds and the self-deadlock checks.
     * No operation of {@link LockedCounter} is a misuse, so none may throw here.
     */
    public static class Checked extends LockedCounter {
        public Checked() {
            super(RwLock.builder().checked(true).build());
        }
    }

    /**
     * The read-biased lock (BRAVO): reads on the global slot table while the bias is on, writers
     * and upgraders revoke and wait for them. Under model checking {@code System.nanoTime()} is a
     * constant, so each revocation's inhibit time is 0 and the bias comes back with the next read
     * on the word: revocation and re-biasing interleave as often as the scenarios allow.
     */
    public static class ReadBiased extends LockedCounter {
        public ReadBiased() {
            super(RwLock.builder().readBiased(true).build());
        }
    }

    /** The fixed algorithm (no fault) with every timed park's deadline passing at once. */
    public static class FixedTimeouts extends LockedCounter {
        public FixedTimeouts() {
            super(FaultyLocks.builder().chaos(expireEveryTimedPark()).build());
        }
    }

    /**
     * The fixed algorithm under random chaos at the parking seam (no interrupts: interruptible
     * operations would throw, which the specification does not allow).
     */
    public static class FixedChaos extends LockedCounter {
        public FixedChaos() {
            super(FaultyLocks.builder()
                    .chaos(Chaos.builder()
                            .spuriousWakeups(0.2, 11)
                            .earlyTimeouts(0.2, 12)
                            .lateUnparks(0.2, 13, Duration.ofNanos(10_000))
                            .build())
                    .build());
        }
    }

    @Test
    void modelCheckingFixed() {
        modelChecking().check(Fixed.class);
    }

    @Test
    void modelCheckingFair() {
        modelChecking().check(Fair.class);
    }

    /*
     * The built and checked locks run the same word algorithm as Fixed with bookkeeping around it
     * (hold records, per-thread read holds), so they get half of Fixed's model-checking iterations
     * and two fifths of its stress iterations: enough to explore the bookkeeping's interleavings
     * without doubling the module's test time (see lock-stress/README.md for the cost).
     */

    @Test
    void modelCheckingBuilt() {
        modelChecking().iterations(VARIANT_MODEL_ITERATIONS).check(Built.class);
    }

    @Test
    void modelCheckingChecked() {
        modelChecking().iterations(VARIANT_MODEL_ITERATIONS).check(Checked.class);
    }

    /**
     * A revocation scans all 1,024 slots of the visible-readers table: a bounded loop, but far
     * longer than the loop bound after which Lincheck calls an execution hung (about 50 iterations),
     * so this check raises the bound above the table size.
     */
    @Test
    void modelCheckingReadBiased() {
        modelChecking()
                .iterations(VARIANT_MODEL_ITERATIONS)
                .loopBound(READ_BIAS_LOOP_BOUND)
                .check(ReadBiased.class);
    }

    @Test
    void modelCheckingFixedWithTimeouts() {
        modelChecking().check(FixedTimeouts.class);
    }

    @Test
    void raceModelCheckingFixedWithTimeouts() {
        raceModelChecking().check(FixedTimeouts.class);
    }

    @Test
    void stressFixed() {
        stress().check(Fixed.class);
    }

    @Test
    void stressFair() {
        stress().check(Fair.class);
    }

    @Test
    void stressBuilt() {
        stress().iterations(VARIANT_STRESS_ITERATIONS).check(Built.class);
    }

    @Test
    void stressChecked() {
        stress().iterations(VARIANT_STRESS_ITERATIONS).check(Checked.class);
    }

    @Test
    void stressReadBiased() {
        stress().iterations(VARIANT_STRESS_ITERATIONS).check(ReadBiased.class);
    }

    @Test
    void stressFixedUnderChaos() {
        stress().check(FixedChaos.class);
    }

    /** Every timed park expires before it sleeps: deterministic, so model checking can replay it. */
    static Chaos expireEveryTimedPark() {
        return Chaos.builder().earlyTimeouts(1.0, 1).build();
    }

    /** The model-checking configuration for random scenarios. */
    static ModelCheckingOptions modelChecking() {
        return new ModelCheckingOptions()
                .sequentialSpecification(GuardedCounterSpec.class)
                .iterations(20)
                .invocationsPerIteration(500)
                .threads(2)
                .actorsPerThread(2)
                .actorsBefore(1)
                .actorsAfter(1);
    }

    /**
     * The model check of the two races of parking_lot issue 465, shared with
     * {@link Issue465LincheckTest}: a reader against a near-zero-timeout writer, and against a
     * near-zero-timeout upgrade, each followed by a check of the word. Random scenarios rarely
     * contain those pairs, and the corrupting interleaving needs four well-placed thread switches
     * (one of them after the writer's spin loop), so these scenarios get many more invocations
     * than the random ones. (Lincheck finds the faulty locks' corruption here within 100
     * invocations; the fixed lock gets 50 times that.)
     */
    static ModelCheckingOptions raceModelChecking() {
        return new ModelCheckingOptions()
                .sequentialSpecification(GuardedCounterSpec.class)
                .addCustomScenario(raceScenario("probeWrite"))
                .addCustomScenario(raceScenario("probeUpgrade"))
                .iterations(0)
                .invocationsPerIteration(Integer.getInteger("lockword.lincheck.raceInvocations", RACE_INVOCATIONS));
    }

    /** {@code read() || probe()}, then {@code checkWord()}. */
    static ExecutionScenario raceScenario(String probe) {
        List<List<Actor>> parallel = List.of(List.of(actor("read")), List.of(actor(probe)));
        return new ExecutionScenario(List.of(), parallel, List.of(actor("checkWord")), null);
    }

    /**
     * A Lincheck actor for the no-argument operation {@code name} of {@link LockedCounter}. Java has
     * no KFunction references for Lincheck's scenario DSL, so this uses the constructor of Lincheck
     * 3.7's {@code Actor} (method, arguments, and five flags that are all off for a plain,
     * non-suspending operation).
     */
    private static Actor actor(String name) {
        try {
            Method m = LockedCounter.class.getMethod(name);
            return new Actor(m, List.of(), false, false, false, false, false);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(name, e);
        }
    }

    /**
     * Stress mode: real threads, so its speed depends on the machine's load (Lincheck's runner
     * spins at the start of each invocation); kept small because jcstress covers the real-hardware
     * side far more thoroughly.
     */
    static StressOptions stress() {
        return new StressOptions()
                .sequentialSpecification(GuardedCounterSpec.class)
                .iterations(5)
                .invocationsPerIteration(1_000)
                .threads(2)
                .actorsPerThread(3)
                .actorsBefore(1)
                .actorsAfter(1);
    }
}
