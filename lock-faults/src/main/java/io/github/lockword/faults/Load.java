// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.faults;

import io.github.lockword.LockState;
import io.github.lockword.RwLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The demo's unscripted load: readers that hold the lock about as long as the writers are willing to
 * wait, and writers looping {@code tryLockWrite} with a short timeout; no pause points, no chaos.
 * Several lanes (say the faulty lock and the fixed one) run side by side, at the same time and in the
 * same JVM, so they see the same machine and the same JIT state.
 *
 * <p>Every thread checks its lane's word after every operation. When it sees a corrupt word it
 * records it and moves its lane on to a fresh lock (a corrupt lock is dead: every later acquisition
 * only waits), so a lane can count several corruptions.
 */
final class Load {

    /** What to run. */
    static final class Settings {
        final int readers;
        final int writers;
        final long readHoldMinNanos;
        final long readHoldMaxNanos;
        final long readTimeoutNanos;
        final long writeTimeoutNanos;
        final long writerPauseMaxNanos;

        Settings(
                int readers,
                int writers,
                long readHoldMinNanos,
                long readHoldMaxNanos,
                long readTimeoutNanos,
                long writeTimeoutNanos,
                long writerPauseMaxNanos) {
            this.readers = readers;
            this.writers = writers;
            this.readHoldMinNanos = readHoldMinNanos;
            this.readHoldMaxNanos = readHoldMaxNanos;
            this.readTimeoutNanos = readTimeoutNanos;
            this.writeTimeoutNanos = writeTimeoutNanos;
            this.writerPauseMaxNanos = writerPauseMaxNanos;
        }

        /**
         * The demo's load per lane: 2 readers holding 1.0-1.1 ms, 1 writer looping tryLockWrite(1 ms)
         * with pauses of 0-0.1 ms. Read holds about as long as the writer's patience make its timeout
         * land near the last reader's release, which is where issue 465 lives. More writers do not
         * help: only the one holding WRITER waits for readers; the others wait in the MAIN queue.
         */
        static Settings demo() {
            return new Settings(2, 1, 1_000_000L, 1_100_000L, 5_000_000L, 1_000_000L, 100_000L);
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%d readers holding %.1f-%.1f ms, %d writer%s looping tryLockWrite(%d ms)",
                    readers,
                    readHoldMinNanos / 1e6,
                    readHoldMaxNanos / 1e6,
                    writers,
                    writers == 1 ? "" : "s",
                    writeTimeoutNanos / 1_000_000L);
        }
    }

    /** What happened in one lane. */
    static final class Result {
        final String label;
        long ops;
        long acquired;
        long timedOut;
        volatile int corruptions;
        final Map<Long, Integer> corruptWords = new LinkedHashMap<>();
        long firstCorruptionNanos = -1;
        long elapsedNanos;
        Throwable unexpected;

        Result(String label) {
            this.label = label;
        }
    }

    private Load() {}

    /**
     * Runs one lane per factory, all at once, for at least {@code duration}; then, if the first lane
     * has not corrupted yet, on until it does or {@code maxDuration} has passed.
     */
    static List<Result> run(
            Settings settings,
            Duration duration,
            Duration maxDuration,
            List<String> labels,
            List<Supplier<RwLock>> factories)
            throws InterruptedException {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long hardEnd = start + Math.max(duration.toNanos(), maxDuration.toNanos());
        List<Result> results = new ArrayList<>();
        for (String label : labels) {
            results.add(new Result(label));
        }
        Result watched = results.get(0);
        List<Thread> threads = new ArrayList<>();
        List<long[]> counts = new ArrayList<>();
        for (int lane = 0; lane < factories.size(); lane++) {
            Supplier<RwLock> newLock = factories.get(lane);
            Result result = results.get(lane);
            AtomicReference<RwLock> current = new AtomicReference<>(newLock.get());
            for (int i = 0; i < settings.readers + settings.writers; i++) {
                boolean reader = i < settings.readers;
                long[] mine = new long[3];
                counts.add(mine);
                SplittableRandom rnd = new SplittableRandom(0x465L * 31 + lane * 101L + i);
                Thread t = new Thread(
                        () -> {
                            try {
                                while (true) {
                                    long now = System.nanoTime();
                                    if (now - hardEnd >= 0 || (now - end >= 0 && watched.corruptions > 0)) {
                                        break;
                                    }
                                    RwLock lock = current.get();
                                    boolean ok =
                                            reader ? readOnce(lock, settings, rnd) : writeOnce(lock, settings, rnd);
                                    mine[0]++;
                                    mine[ok ? 1 : 2]++;
                                    final long w = lock.stateWord();
                                    if (!LockState.isValid(w)) {
                                        corrupted(result, current, lock, w, newLock, start);
                                    }
                                }
                            } catch (Throwable e) {
                                synchronized (result) {
                                    if (result.unexpected == null) {
                                        result.unexpected = e;
                                    }
                                }
                            }
                        },
                        labels.get(lane) + (reader ? "-reader-" : "-writer-") + i);
                t.setDaemon(true);
                threads.add(t);
            }
        }
        threads.forEach(Thread::start);
        long joinMillis = TimeUnit.NANOSECONDS.toMillis(hardEnd - start) + 10_000;
        for (Thread t : threads) {
            t.join(Math.max(1, joinMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
            if (t.isAlive()) {
                Result r = results.get(
                        labels.indexOf(t.getName().substring(0, t.getName().indexOf('-'))));
                synchronized (r) {
                    if (r.unexpected == null) {
                        r.unexpected = new IllegalStateException(t.getName() + " is stuck");
                    }
                }
            }
        }
        long elapsed = System.nanoTime() - start;
        int perLane = settings.readers + settings.writers;
        for (int i = 0; i < counts.size(); i++) {
            Result r = results.get(i / perLane);
            long[] c = counts.get(i);
            r.ops += c[0];
            r.acquired += c[1];
            r.timedOut += c[2];
            r.elapsedNanos = elapsed;
        }
        return results;
    }

    // ------------------------------------------------------------------------------ child JVM

    /** The argument that makes {@link Demo#main} run the load and print its results for a parent. */
    static final String CHILD_ARG = "--load-child";

    /** The demo's lanes, in order: the faulty lock first (the run waits for it to corrupt), then the fixed one. */
    static final List<String> DEMO_LANES = List.of("faulty", "fixed");

    private static final String LANE = "LANE";

    /**
     * Runs the demo's two lanes in a child JVM started with {@code jvmFlags} (the JDK and the class or
     * module path of this JVM), and returns their results; a failure of the child becomes the first
     * result's {@link Result#unexpected}.
     */
    static List<Result> runInChildJvm(Duration duration, Duration maxDuration, List<String> jvmFlags)
            throws InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + java.io.File.separator + "bin" + java.io.File.separator + "java");
        cmd.addAll(jvmFlags);
        String modulePath = System.getProperty("jdk.module.path");
        if (modulePath != null
                && !modulePath.isEmpty()
                && Load.class.getModule().isNamed()) {
            cmd.addAll(List.of("-p", modulePath, "-m", Load.class.getModule().getName() + "/" + Demo.class.getName()));
        } else {
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Demo.class.getName()));
        }
        cmd.addAll(List.of(CHILD_ARG, Long.toString(duration.toMillis()), Long.toString(maxDuration.toMillis())));
        List<Result> results = new ArrayList<>();
        for (String label : DEMO_LANES) {
            results.add(new Result(label));
        }
        StringBuilder other = new StringBuilder();
        try {
            long waitMillis = Math.max(duration.toMillis(), maxDuration.toMillis()) + 30_000;
            Finished f = runBounded(cmd, waitMillis);
            String text = f.output;
            int parsed = 0;
            for (String line : text.split("\\R")) {
                if (line.startsWith(LANE + "|")) {
                    decode(line, results);
                    parsed++;
                } else if (!line.isBlank()) {
                    other.append(line).append('\n');
                }
            }
            if (f.exitCode != 0 || parsed != DEMO_LANES.size()) {
                throw new IllegalStateException("the load's JVM exited with " + f.exitCode + " and printed:\n" + text);
            }
        } catch (IOException | IllegalStateException e) {
            results.get(0).unexpected = e;
        }
        if (other.length() > 0 && results.get(0).unexpected == null) {
            results.get(0).unexpected = new IllegalStateException("the load's JVM printed:\n" + other);
        }
        return results;
    }

    /** What a child JVM printed (stdout and stderr together) and its exit code. */
    static final class Finished {
        final int exitCode;
        final String output;

        Finished(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }
    }

    /**
     * Runs {@code cmd} to its end, but never longer than {@code waitMillis}: its output goes to a
     * temporary file, not a pipe, so waiting for it cannot block on reading (reading a pipe to its
     * end first would make the time limit useless). A child still running at the limit is killed
     * and the call throws with what it had printed.
     */
    static Finished runBounded(List<String> cmd, long waitMillis) throws IOException, InterruptedException {
        Path out = Files.createTempFile("lockword-child-", ".log");
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            boolean done = p.waitFor(waitMillis, TimeUnit.MILLISECONDS);
            if (!done) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (!done) {
                throw new IllegalStateException(
                        "the child JVM did not finish in " + waitMillis + " ms and was killed; it printed:\n" + text);
            }
            return new Finished(p.exitValue(), text);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** In the child JVM: runs the demo's lanes and prints one {@code LANE|...} line per lane. */
    static void childMain(String[] args) throws InterruptedException {
        Duration duration = Duration.ofMillis(Long.parseLong(args[1]));
        Duration max = Duration.ofMillis(Long.parseLong(args[2]));
        List<Result> results = run(
                Settings.demo(),
                duration,
                max,
                DEMO_LANES,
                List.of(() -> FaultyLocks.create(Fault.ISSUE_465), RwLock::new));
        for (Result r : results) {
            System.out.println(encode(r));
        }
    }

    private static String encode(Result r) {
        StringBuilder words = new StringBuilder();
        r.corruptWords.forEach((w, n) -> words.append(words.length() == 0 ? "" : ";")
                .append(Long.toHexString(w))
                .append('=')
                .append(n));
        String unexpected = r.unexpected == null
                ? ""
                : String.valueOf(r.unexpected).replace('|', '/').replace('\n', ' ');
        return String.join(
                "|",
                LANE,
                r.label,
                Long.toString(r.ops),
                Long.toString(r.acquired),
                Long.toString(r.timedOut),
                Integer.toString(r.corruptions),
                Long.toString(r.firstCorruptionNanos),
                Long.toString(r.elapsedNanos),
                words,
                unexpected);
    }

    private static void decode(String line, List<Result> results) {
        String[] f = line.split("\\|", -1);
        Result r = results.get(DEMO_LANES.indexOf(f[1]));
        r.ops = Long.parseLong(f[2]);
        r.acquired = Long.parseLong(f[3]);
        r.timedOut = Long.parseLong(f[4]);
        r.corruptions = Integer.parseInt(f[5]);
        r.firstCorruptionNanos = Long.parseLong(f[6]);
        r.elapsedNanos = Long.parseLong(f[7]);
        if (!f[8].isEmpty()) {
            for (String kv : f[8].split(";")) {
                String[] p = kv.split("=");
                r.corruptWords.put(Long.parseUnsignedLong(p[0], 16), Integer.parseInt(p[1]));
            }
        }
        if (!f[9].isEmpty()) {
            r.unexpected = new IllegalStateException(f[9]);
        }
    }

    private static boolean readOnce(RwLock lock, Settings s, SplittableRandom rnd) throws InterruptedException {
        if (!lock.tryLockRead(s.readTimeoutNanos, TimeUnit.NANOSECONDS)) {
            return false;
        }
        LockSupport.parkNanos(s.readHoldMinNanos + rnd.nextLong(s.readHoldMaxNanos - s.readHoldMinNanos + 1));
        lock.unlockRead();
        return true;
    }

    private static boolean writeOnce(RwLock lock, Settings s, SplittableRandom rnd) throws InterruptedException {
        boolean ok = lock.tryLockWrite(s.writeTimeoutNanos, TimeUnit.NANOSECONDS);
        if (ok) {
            lock.unlockWrite();
        }
        if (s.writerPauseMaxNanos > 0) {
            LockSupport.parkNanos(rnd.nextLong(s.writerPauseMaxNanos + 1));
        }
        return ok;
    }

    private static void corrupted(
            Result result,
            AtomicReference<RwLock> current,
            RwLock lock,
            long word,
            Supplier<RwLock> newLock,
            long start) {
        if (!current.compareAndSet(lock, newLock.get())) {
            return; // a thread of this lane already recorded this lock
        }
        long at = System.nanoTime() - start;
        synchronized (result) {
            result.corruptions++;
            result.corruptWords.merge(word, 1, Integer::sum);
            if (result.firstCorruptionNanos < 0) {
                result.firstCorruptionNanos = at;
            }
        }
    }
}
