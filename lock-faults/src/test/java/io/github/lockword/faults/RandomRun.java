// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.faults;

import io.github.lockword.LockState;
import io.github.lockword.RwLock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;

/**
 * A randomized multi-thread run over every operation of {@link RwLock}: plain, interruptible,
 * timed and try acquisitions of all three modes, upgrades, downgrades, recursive reads and write
 * conditions. After every operation the thread checks the word against the layout's invariants;
 * inside every critical section it checks mutual exclusion with its own counters; every timed
 * operation must return within its timeout plus {@link #TOLERANCE_NANOS}; and the run must end
 * (every thread done) with the word at 0.
 */
final class RandomRun {

    /** How late a timed operation may return before it counts as stuck past its deadline. */
    static final long TOLERANCE_NANOS = TimeUnit.MILLISECONDS.toNanos(1500);

    private static final int MAX_FAILURES = 20;

    /** What a run saw. */
    static final class Report {
        final List<String> failures = new ArrayList<>();
        final Map<String, Long> ops = new TreeMap<>();
        long acquired;
        long timedOut;
        long interruptedExceptions;
        long absorbedInterrupts;
        long maxOvershootNanos;
        long finalWord;

        long total() {
            return ops.values().stream().mapToLong(Long::longValue).sum();
        }

        @Override
        public String toString() {
            return String.format(
                    "ops=%d acquired=%d timedOut=%d interruptedEx=%d absorbedInterrupts=%d "
                            + "maxOvershoot=%.1f ms finalWord=%s failures=%s%n  by op: %s",
                    total(),
                    acquired,
                    timedOut,
                    interruptedExceptions,
                    absorbedInterrupts,
                    maxOvershootNanos / 1e6,
                    LockState.hex(finalWord),
                    failures,
                    ops);
        }
    }

    private final RwLock lock;
    private final Condition condition;
    private final AtomicInteger readersIn = new AtomicInteger();
    private final AtomicInteger writersIn = new AtomicInteger();
    private final AtomicInteger upgradersIn = new AtomicInteger();
    private final AtomicLong maxOvershoot = new AtomicLong();
    private final Report report = new Report();

    private RandomRun(RwLock lock) {
        this.lock = lock;
        this.condition = lock.writeLock().newCondition();
    }

    /** Runs {@code threads} threads for {@code duration}; returns when all are done or stuck. */
    static Report run(RwLock lock, int threads, Duration duration, long seed) throws InterruptedException {
        return new RandomRun(lock).go(threads, duration, seed);
    }

    private Report go(int threads, Duration duration, long seed) throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        List<Thread> workers = new ArrayList<>();
        List<Worker> states = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Worker w = new Worker(new SplittableRandom(seed * 1000 + i), end);
            states.add(w);
            Thread t = new Thread(w, "random-" + i);
            t.setDaemon(true);
            workers.add(t);
        }
        workers.forEach(Thread::start);
        long joinDeadline = end + TimeUnit.SECONDS.toNanos(20);
        for (Thread t : workers) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinDeadline - System.nanoTime())));
            if (t.isAlive()) {
                StringBuilder sb =
                        new StringBuilder(t.getName() + " stuck 20 s after the run ended; lock " + lock + "; stack:");
                for (StackTraceElement e : t.getStackTrace()) {
                    sb.append("\n    at ").append(e);
                }
                fail(sb.toString());
            }
        }
        synchronized (report) {
            for (Worker w : states) {
                w.ops.forEach((k, v) -> report.ops.merge(k, v, Long::sum));
                report.acquired += w.acquired;
                report.timedOut += w.timedOut;
                report.interruptedExceptions += w.interruptedExceptions;
                report.absorbedInterrupts += w.absorbedInterrupts;
            }
            report.maxOvershootNanos = maxOvershoot.get();
            report.finalWord = lock.stateWord();
            return report;
        }
    }

    private void fail(String what) {
        synchronized (report) {
            if (report.failures.size() < MAX_FAILURES) {
                report.failures.add(what);
            }
        }
    }

    private final class Worker implements Runnable {
        private final SplittableRandom rnd;
        private final long end;
        final Map<String, Long> ops = new TreeMap<>();
        long acquired;
        long timedOut;
        long interruptedExceptions;
        long absorbedInterrupts;

        Worker(SplittableRandom rnd, long end) {
            this.rnd = rnd;
            this.end = end;
        }

        @Override
        public void run() {
            try {
                while (System.nanoTime() - end < 0) {
                    String op = oneOp();
                    ops.merge(op, 1L, Long::sum);
                    if (Thread.interrupted()) {
                        absorbedInterrupts++; // an uninterruptible wait kept an interrupt for us
                    }
                    final long w = lock.stateWord();
                    List<String> v = LockState.violations(w);
                    if (!v.isEmpty()) {
                        fail("after " + op + ": " + LockState.explain(w));
                    }
                }
            } catch (Throwable t) {
                fail(Thread.currentThread().getName() + " threw " + t + stack(t));
            }
        }

        private String oneOp() throws Exception {
            switch (rnd.nextInt(14)) {
                case 0:
                    lock.lockRead();
                    read();
                    return "lockRead";
                case 1: {
                    long t = timeout();
                    try {
                        if (timed(t, () -> lock.tryLockRead(t, TimeUnit.NANOSECONDS))) {
                            read();
                        }
                    } catch (InterruptedException e) {
                        interruptedExceptions++;
                    }
                    return "tryLockRead(t)";
                }
                case 2:
                    try {
                        lock.lockReadInterruptibly();
                        read();
                    } catch (InterruptedException e) {
                        interruptedExceptions++;
                    }
                    return "lockReadInterruptibly";
                case 3:
                    lock.lockWrite();
                    write();
                    return "lockWrite";
                case 4: {
                    long t = timeout();
                    try {
                        if (timed(t, () -> lock.tryLockWrite(t, TimeUnit.NANOSECONDS))) {
                            write();
                        }
                    } catch (InterruptedException e) {
                        interruptedExceptions++;
                    }
                    return "tryLockWrite(t)";
                }
                case 5:
                    try {
                        lock.lockWriteInterruptibly();
                        write();
                    } catch (InterruptedException e) {
                        interruptedExceptions++;
                    }
                    return "lockWriteInterruptibly";
                case 6:
                    if (lock.tryLockWrite()) {
                        acquired++;
                        write();
                    }
                    return "tryLockWrite";
                case 7:
                    lock.lockUpgradable();
                    upgradable(false);
                    return "lockUpgradable";
                case 8: {
                    long t = timeout();
                    try {
                        if (timed(t, () -> lock.tryLockUpgradable(t, TimeUnit.NANOSECONDS))) {
                            upgradable(false);
                        }
                    } catch (InterruptedException e) {
                        interruptedExceptions++;
                    }
                    return "tryLockUpgradable(t)";
                }
                case 9:
                    lock.lockWrite();
                    enterWrite("downgrade");
                    work();
                    // W -> R: count ourselves a reader before the lock lets other readers in.
                    readersIn.incrementAndGet();
                    writersIn.decrementAndGet();
                    lock.downgrade();
                    work();
                    readersIn.decrementAndGet();
                    lock.unlockRead();
                    return "lockWrite+downgrade";
                case 10:
                    lock.lockWrite();
                    enterWrite("downgradeToUpgradable");
                    work();
                    upgradersIn.incrementAndGet();
                    writersIn.decrementAndGet();
                    lock.downgradeToUpgradable();
                    upgradable(true);
                    return "lockWrite+downgradeToUpgradable";
                case 11:
                    lock.lockRead();
                    enterRead("recursive");
                    lock.lockReadRecursive();
                    work();
                    lock.unlockRead();
                    readersIn.decrementAndGet();
                    lock.unlockRead();
                    acquired++;
                    return "lockReadRecursive";
                case 12:
                    lock.lockWrite();
                    enterWrite("condition");
                    writersIn.decrementAndGet();
                    try {
                        condition.awaitNanos(rnd.nextLong(1_000_000L));
                    } catch (InterruptedException e) {
                        interruptedExceptions++;
                    } finally {
                        // await re-acquired the write lock before it returned or threw
                        enterWrite("after await");
                        work();
                        writersIn.decrementAndGet();
                        lock.unlockWrite();
                    }
                    return "condition.awaitNanos";
                default:
                    if (lock.tryLockRead()) {
                        acquired++;
                        read();
                    }
                    return "tryLockRead";
            }
        }

        /** Holding a read lock (already acquired): check, work, release. */
        private void read() {
            acquired++;
            enterRead("read");
            work();
            readersIn.decrementAndGet();
            lock.unlockRead();
        }

        /** Holding the write lock: check, work, maybe signal the condition, release. */
        private void write() {
            acquired++;
            enterWrite("write");
            work();
            if (rnd.nextInt(4) == 0) {
                condition.signalAll();
            }
            writersIn.decrementAndGet();
            lock.unlockWrite();
        }

        /** Holding the upgradable lock (already counted in upgradersIn or not): one of its exits. */
        private void upgradable(boolean counted) throws InterruptedException {
            acquired++;
            if (counted) {
                checkUpgradable();
            } else {
                enterUpgradable();
            }
            work();
            switch (rnd.nextInt(5)) {
                case 0:
                    upgradersIn.decrementAndGet();
                    lock.unlockUpgradable();
                    return;
                case 1:
                    lock.upgrade();
                    upgradersIn.decrementAndGet();
                    enterWrite("upgrade");
                    work();
                    writersIn.decrementAndGet();
                    lock.unlockWrite();
                    return;
                case 2: {
                    long t = timeout();
                    boolean up;
                    try {
                        up = timed(t, () -> lock.tryUpgrade(t, TimeUnit.NANOSECONDS));
                    } catch (InterruptedException e) {
                        interruptedExceptions++;
                        up = false; // we keep the upgradable lock
                    }
                    if (up) {
                        upgradersIn.decrementAndGet();
                        enterWrite("tryUpgrade(t)");
                        work();
                        writersIn.decrementAndGet();
                        lock.unlockWrite();
                    } else {
                        checkUpgradable();
                        upgradersIn.decrementAndGet();
                        lock.unlockUpgradable();
                    }
                    return;
                }
                case 3:
                    readersIn.incrementAndGet();
                    upgradersIn.decrementAndGet();
                    lock.downgradeUpgradable();
                    work();
                    readersIn.decrementAndGet();
                    lock.unlockRead();
                    return;
                default:
                    if (lock.tryUpgrade()) {
                        upgradersIn.decrementAndGet();
                        enterWrite("tryUpgrade");
                        work();
                        writersIn.decrementAndGet();
                        lock.unlockWrite();
                    } else {
                        upgradersIn.decrementAndGet();
                        lock.unlockUpgradable();
                    }
            }
        }

        private void enterRead(String where) {
            readersIn.incrementAndGet();
            if (writersIn.get() != 0) {
                fail("mutual exclusion: a reader (" + where + ") is in with a writer; " + lock);
            }
        }

        private void enterWrite(String where) {
            int w = writersIn.incrementAndGet();
            int r = readersIn.get();
            int u = upgradersIn.get();
            if (w != 1 || r != 0 || u != 0) {
                fail("mutual exclusion: a writer (" + where + ") is in with writers=" + w + " readers=" + r
                        + " upgraders=" + u + "; " + lock);
            }
        }

        private void enterUpgradable() {
            int u = upgradersIn.incrementAndGet();
            if (u != 1 || writersIn.get() != 0) {
                fail("mutual exclusion: an upgradable reader is in with upgraders=" + u + " writers=" + writersIn.get()
                        + "; " + lock);
            }
        }

        private void checkUpgradable() {
            if (upgradersIn.get() != 1 || writersIn.get() != 0) {
                fail("mutual exclusion: holding U with upgraders=" + upgradersIn.get() + " writers=" + writersIn.get()
                        + "; " + lock);
            }
        }

        private long timeout() {
            int k = rnd.nextInt(10);
            return k == 0 ? 0 : k < 8 ? rnd.nextLong(200_000L) : rnd.nextLong(3_000_000L);
        }

        private boolean timed(long timeoutNanos, TimedOp op) throws InterruptedException {
            long start = System.nanoTime();
            boolean ok;
            try {
                ok = op.call();
            } catch (InterruptedException e) {
                overshoot(System.nanoTime() - start - timeoutNanos);
                throw e;
            }
            overshoot(System.nanoTime() - start - timeoutNanos);
            if (ok) {
                return true;
            }
            timedOut++;
            return false;
        }

        private void overshoot(long over) {
            if (over > 0) {
                maxOvershoot.accumulateAndGet(over, Math::max);
                if (over > TOLERANCE_NANOS) {
                    fail(String.format("a timed operation returned %.1f ms after its deadline; %s", over / 1e6, lock));
                }
            }
        }

        private void work() {
            int n = rnd.nextInt(4);
            if (n == 0) {
                Thread.yield();
            } else {
                for (int i = n * 20; i > 0; i--) {
                    Thread.onSpinWait();
                }
            }
        }
    }

    @FunctionalInterface
    private interface TimedOp {
        boolean call() throws InterruptedException;
    }

    private static String stack(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (StackTraceElement e : t.getStackTrace()) {
            sb.append("\n    at ").append(e);
        }
        return sb.toString();
    }
}
