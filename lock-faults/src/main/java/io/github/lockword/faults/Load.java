package io.github.lockword.faults;

import io.github.lockword.LockState;
import io.github.lockword.RwLock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The demo's unscripted load: readers that hold the lock briefly and writers looping
 * {@code tryLockWrite} with a short timeout, no pause points. Every thread checks the word after
 * every operation; when one sees a corrupt word it records it and moves everybody on to a fresh
 * lock (a corrupt lock is dead: every later acquisition only waits).
 */
final class Load {

    /** What to run. */
    static final class Settings {
        final int readers;
        final int writers;
        final Duration duration;
        final long readHoldMaxNanos;
        final long readTimeoutNanos;
        final long writeTimeoutNanos;
        final long writerPauseMaxNanos;
        long readHoldMinNanos;
        /** If set, the run goes on after {@link #duration} until the first corruption, up to this. */
        Duration maxDuration;

        Settings(int readers, int writers, Duration duration, long readHoldMaxNanos, long readTimeoutNanos,
                 long writeTimeoutNanos, long writerPauseMaxNanos) {
            this.writerPauseMaxNanos = writerPauseMaxNanos;
            this.readers = readers;
            this.writers = writers;
            this.duration = duration;
            this.readHoldMaxNanos = readHoldMaxNanos;
            this.readTimeoutNanos = readTimeoutNanos;
            this.writeTimeoutNanos = writeTimeoutNanos;
        }

        /**
         * The demo's load: 2 readers holding 1.0-1.1 ms, 1 writer looping tryLockWrite(1 ms) with
         * pauses of 0-0.1 ms. Read holds about as long as the writer's patience make its timeout
         * land near the last reader's release, which is where issue 465 lives. More writers do not
         * help: only the one holding WRITER waits for readers; the others wait in the MAIN queue.
         */
        static Settings demo(Duration duration) {
            Settings s = new Settings(2, 1, duration, 1_100_000L, 5_000_000L, 1_000_000L, 100_000L);
            s.readHoldMinNanos = 1_000_000L;
            return s;
        }

        /** These settings, but the run goes on after {@code duration} until a corruption, up to {@code max}. */
        Settings extendedUntilCorrupted(Duration max) {
            Settings s = new Settings(readers, writers, duration, readHoldMaxNanos, readTimeoutNanos,
                    writeTimeoutNanos, writerPauseMaxNanos);
            s.readHoldMinNanos = readHoldMinNanos;
            s.maxDuration = max;
            return s;
        }

        @Override
        public String toString() {
            return readers + " readers holding " + ms(readHoldMinNanos) + "-" + ms(readHoldMaxNanos) + " ms, "
                    + writers + (writers == 1 ? " writer" : " writers") + " looping tryLockWrite("
                    + Long.toString(writeTimeoutNanos / 1_000_000L) + " ms)";
        }

        private static String ms(long nanos) {
            return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
        }
    }

    /** What happened. */
    static final class Result {
        final String label;
        long ops;
        long acquired;
        long timedOut;
        volatile int corruptions;
        final Map<Long, Integer> corruptWords = new LinkedHashMap<>();
        long firstCorruptionNanos = -1;
        long elapsedNanos;
        RwLock firstCorrupted;
        Throwable unexpected;

        Result(String label) {
            this.label = label;
        }
    }

    private Load() {
    }

    static Result run(String label, Supplier<RwLock> newLock, Settings settings) throws InterruptedException {
        Result result = new Result(label);
        AtomicReference<RwLock> current = new AtomicReference<>(newLock.get());
        long start = System.nanoTime();
        long end = start + settings.duration.toNanos();
        long hardEnd = settings.maxDuration == null ? end : start + settings.maxDuration.toNanos();
        List<Thread> threads = new ArrayList<>();
        long[][] counts = new long[settings.readers + settings.writers][3];
        for (int i = 0; i < settings.readers + settings.writers; i++) {
            final boolean reader = i < settings.readers;
            final long[] mine = counts[i];
            final SplittableRandom rnd = new SplittableRandom(0x465L * 31 + i);
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        long now = System.nanoTime();
                        if (now - hardEnd >= 0 || (now - end >= 0 && (hardEnd == end || result.corruptions > 0))) {
                            break;
                        }
                        RwLock lock = current.get();
                        boolean ok;
                        if (reader) {
                            ok = lock.tryLockRead(settings.readTimeoutNanos, TimeUnit.NANOSECONDS);
                            if (ok) {
                                LockSupport.parkNanos(settings.readHoldMinNanos
                                        + rnd.nextLong(settings.readHoldMaxNanos - settings.readHoldMinNanos + 1));
                                lock.unlockRead();
                            }
                        } else {
                            ok = lock.tryLockWrite(settings.writeTimeoutNanos, TimeUnit.NANOSECONDS);
                            if (ok) {
                                lock.unlockWrite();
                            }
                            if (settings.writerPauseMaxNanos > 0) {
                                LockSupport.parkNanos(rnd.nextLong(settings.writerPauseMaxNanos + 1));
                            }
                        }
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
            }, label + (reader ? "-reader-" : "-writer-") + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(Math.max(settings.duration.toMillis(),
                    settings.maxDuration == null ? 0 : settings.maxDuration.toMillis()) + 10_000);
            if (t.isAlive() && result.unexpected == null) {
                result.unexpected = new IllegalStateException(t.getName() + " is stuck: " + current.get());
            }
        }
        result.elapsedNanos = System.nanoTime() - start;
        for (long[] c : counts) {
            result.ops += c[0];
            result.acquired += c[1];
            result.timedOut += c[2];
        }
        return result;
    }

    private static void corrupted(Result result, AtomicReference<RwLock> current, RwLock lock, long word,
                                  Supplier<RwLock> newLock, long start) {
        if (!current.compareAndSet(lock, newLock.get())) {
            return; // somebody already recorded this lock
        }
        long at = System.nanoTime() - start;
        synchronized (result) {
            result.corruptions++;
            result.corruptWords.merge(word, 1, Integer::sum);
            if (result.firstCorrupted == null) {
                result.firstCorrupted = lock;
                result.firstCorruptionNanos = at;
            }
        }
    }
}
