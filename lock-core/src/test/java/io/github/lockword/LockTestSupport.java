// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.lockword.seam.FaultSeam;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Shared machinery of the lock-core contract tests, after the JSR-166 TCK's {@code JSR166TestCase}:
 * helper threads whose failures fail the test, bounded polling for "thread X is now parked on the
 * lock" (never sleep-and-hope), and the assertions every class uses (word values, misuse).
 *
 * <p>Timing: {@link #LONG_DELAY_MS} only bounds waits for something that must happen (a test that
 * passes never waits that long); {@link #SHORT_DELAY_MS} is used for timeouts that are expected to
 * expire and for "is still blocked" checks; {@link #TIMEOUT_SLACK_MS} is how late a timed-out call
 * may return on a loaded two-core machine.
 *
 * <p>Every test runs under a {@link Timeout} in a separate thread, so a regression that turns an
 * expected exception into a park of the test thread itself (which no interrupt can end) fails that
 * test instead of hanging the suite.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class LockTestSupport {

    static final long LONG_DELAY_MS = 10_000;
    static final long SHORT_DELAY_MS = 50;
    static final long TIMEOUT_SLACK_MS = 1_000;

    static final long R = LockState.ONE_READER;
    static final long U = LockState.UPGRADABLE;
    static final long W = LockState.WRITER;
    static final long WP = LockState.WRITER_PARKED;
    static final long P = LockState.PARKED;

    /** A body for a helper thread; anything it throws fails the test. */
    @FunctionalInterface
    interface ThreadBody {
        void run() throws Throwable;
    }

    private final AtomicReference<Throwable> threadFailure = new AtomicReference<>();
    private final List<Thread> startedThreads = new CopyOnWriteArrayList<>();

    /** Records a failure of a helper thread; the first one is rethrown after the test. */
    final void threadFailed(Throwable t) {
        if (!threadFailure.compareAndSet(null, t)) {
            threadFailure.get().addSuppressed(t);
        }
    }

    /** Wraps a body so that whatever it throws is recorded as the test's failure. */
    final Runnable checked(ThreadBody body) {
        return () -> {
            try {
                body.run();
            } catch (Throwable t) {
                threadFailed(t);
            }
        };
    }

    /** Starts a daemon platform thread running {@code body}; the test fails if it throws or outlives the test. */
    final Thread newStartedThread(String name, ThreadBody body) {
        Thread t = new Thread(checked(body), name);
        t.setDaemon(true);
        return track(t, true);
    }

    /** Registers a thread (started elsewhere, e.g. a virtual thread) for the end-of-test checks. */
    final Thread track(Thread t, boolean start) {
        startedThreads.add(t);
        if (start) {
            t.start();
        }
        return t;
    }

    @AfterEach
    final void tearDownThreads() throws Throwable {
        Thread.interrupted(); // never leak the test thread's interrupt status into the next test
        long deadline = System.nanoTime() + MILLISECONDS.toNanos(LONG_DELAY_MS);
        List<String> stuck = new ArrayList<>();
        for (Thread t : startedThreads) {
            long left = MILLISECONDS.convert(deadline - System.nanoTime(), NANOSECONDS);
            t.join(Math.max(1, left));
            if (t.isAlive()) {
                stuck.add(stackOf(t));
                t.interrupt();
            }
        }
        startedThreads.clear();
        Throwable f = threadFailure.getAndSet(null);
        if (f != null) {
            throw f;
        }
        if (!stuck.isEmpty()) {
            fail("helper threads still running after the test:\n" + String.join("\n", stuck));
        }
    }

    /**
     * A listener that runs {@code action} when {@code victim} reports a contended acquisition, i.e.
     * after it set its park bit and before it parks: the place to plant a word a park must refuse.
     */
    static LockListener whenContended(AtomicReference<Thread> victim, Runnable action) {
        return new LockListener() {
            @Override
            public void contended(RwLock lock, LockMode mode, long word) {
                if (Thread.currentThread() == victim.get()) {
                    action.run();
                }
            }
        };
    }

    /** An acquisition mode for tests that run the same steps in each. */
    enum Mode {
        READ,
        UPGRADABLE,
        WRITE
    }

    /** The word share a holder of {@code mode} adds. */
    static long shareOf(Mode mode) {
        return mode == Mode.WRITE ? W : mode == Mode.UPGRADABLE ? R | U : R;
    }

    static void acquire(RwLock lock, Mode mode) {
        switch (mode) {
            case READ:
                lock.lockRead();
                break;
            case UPGRADABLE:
                lock.lockUpgradable();
                break;
            default:
                lock.lockWrite();
        }
    }

    static boolean tryAcquire(RwLock lock, Mode mode, long millis) throws InterruptedException {
        switch (mode) {
            case READ:
                return lock.tryLockRead(millis, MILLISECONDS);
            case UPGRADABLE:
                return lock.tryLockUpgradable(millis, MILLISECONDS);
            default:
                return lock.tryLockWrite(millis, MILLISECONDS);
        }
    }

    static void release(RwLock lock, Mode mode) {
        release(lock, mode, false);
    }

    /** Releases {@code mode}; {@code fair} uses the {@code unlock*Fair} form where there is one. */
    static void release(RwLock lock, Mode mode, boolean fair) {
        switch (mode) {
            case READ:
                lock.unlockRead();
                break;
            case UPGRADABLE:
                if (fair) {
                    lock.unlockUpgradableFair();
                } else {
                    lock.unlockUpgradable();
                }
                break;
            default:
                if (fair) {
                    lock.unlockWriteFair();
                } else {
                    lock.unlockWrite();
                }
        }
    }

    /** Waits for {@code t} to end (bounded) and fails with its stack if it does not. */
    static void awaitTermination(Thread t) throws InterruptedException {
        t.join(LONG_DELAY_MS);
        if (t.isAlive()) {
            String stack = stackOf(t);
            t.interrupt();
            fail("thread did not terminate within " + LONG_DELAY_MS + " ms:\n" + stack);
        }
    }

    static String stackOf(Thread t) {
        StringBuilder sb = new StringBuilder()
                .append('"')
                .append(t.getName())
                .append("\" ")
                .append(t.getState());
        Object blocker = LockSupport.getBlocker(t);
        if (blocker != null) {
            sb.append(" blocker=").append(blocker);
        }
        for (StackTraceElement e : t.getStackTrace()) {
            sb.append("\n\tat ").append(e);
        }
        return sb.toString();
    }

    /** Polls {@code condition} until it holds; fails after {@link #LONG_DELAY_MS} with {@code state}. */
    static void waitUntil(String what, BooleanSupplier condition, Supplier<String> state) {
        long deadline = System.nanoTime() + MILLISECONDS.toNanos(LONG_DELAY_MS);
        int polls = 0;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + LONG_DELAY_MS + " ms waiting for " + what + "; " + state.get());
            }
            if (++polls < 100) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(MILLISECONDS.toNanos(1));
            }
        }
    }

    /**
     * Whether {@code t} is queued on {@code lock} (MAIN or WRITER queue), or, on a read-biased lock,
     * holds WRITER and waits for biased readers to leave (outside the parking lot: the counterpart
     * of the WRITER queue).
     */
    static boolean isQueuedOn(RwLock lock, Thread t) {
        for (ParkingLot.Parked p : lock.parkedThreads()) {
            if (p.thread == t) {
                return true;
            }
        }
        return isRevoking(lock, t);
    }

    /**
     * The parking-lot key {@code t} is queued under on {@code lock}, or -1. A read-biased lock's
     * writer waiting for biased readers counts as {@link RwLock#KEY_WRITER}: it is the WRITER holder
     * waiting for readers, as in the WRITER queue.
     */
    static int queueKeyOf(RwLock lock, Thread t) {
        for (ParkingLot.Parked p : lock.parkedThreads()) {
            if (p.thread == t) {
                return p.key;
            }
        }
        return isRevoking(lock, t) ? RwLock.KEY_WRITER : -1;
    }

    static boolean isWaitingState(Thread t) {
        Thread.State s = t.getState();
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
    }

    /**
     * Whether {@code t} is the writer (or upgrader) of a read-biased lock that holds the word's write
     * lock and waits for biased readers to leave (it parks outside the parking lot's queues).
     */
    static boolean isRevoking(RwLock lock, Thread t) {
        return lock instanceof InstrumentedRwLock il && il.revokingThread() == t;
    }

    /**
     * Waits until {@code t} is queued on {@code lock} (or, on a read-biased lock, waits for biased
     * readers to leave) and actually asleep with the lock as its blocker.
     */
    static void waitForParked(RwLock lock, Thread t) {
        waitUntil(
                t.getName() + " to park on the lock",
                () -> isQueuedOn(lock, t) && LockSupport.getBlocker(t) == lock && isWaitingState(t),
                () -> lock + ", queue=" + lock.getQueueLength() + ", " + stackOf(t));
    }

    /** Waits until {@code t} is asleep with {@code blocker} (e.g. a Condition) as its blocker. */
    static void waitForBlockedOn(Object blocker, Thread t) {
        waitUntil(
                t.getName() + " to park on " + blocker,
                () -> LockSupport.getBlocker(t) == blocker && isWaitingState(t),
                () -> stackOf(t));
    }

    /** Waits until the lock's queues hold exactly {@code n} threads. */
    static void waitForQueueLength(RwLock lock, int n) {
        waitUntil(
                "queue length " + n, () -> lock.getQueueLength() == n, () -> lock + ", queue=" + lock.getQueueLength());
    }

    /**
     * The lock's state as one word: the word itself, with a read-biased lock's biased read shares
     * (held on the global slot table, not in the word) added to its reader count. For every other
     * lock, exactly {@link RwLock#stateWord()}.
     */
    static long effectiveWord(RwLock lock) {
        return lock.stateWord() + lock.biasedReadShares() * R;
    }

    /**
     * Asserts the lock's state, printing both words decoded: {@link #effectiveWord}, which is the raw
     * word except that a read-biased lock's biased readers count as readers.
     */
    static void assertWord(long expected, RwLock lock) {
        long actual = effectiveWord(lock);
        if (expected != actual) {
            fail("lock word: expected " + LockState.explain(expected) + " but was " + LockState.explain(actual) + " ("
                    + lock + ")");
        }
    }

    static void assertWordValid(RwLock lock) {
        long s = lock.stateWord();
        assertTrue(LockState.violations(s).isEmpty(), () -> "invalid word " + LockState.explain(s));
    }

    /** How toString() and exceptions name the lock: {@code RwLock@hash}, or {@code RwLock(name)@hash}. */
    static String lockId(RwLock lock) {
        String hash = Integer.toHexString(System.identityHashCode(lock));
        String name = lock.getName();
        return name == null ? "RwLock@" + hash : "RwLock(" + name + ")@" + hash;
    }

    /**
     * Asserts that {@code op} throws {@link IllegalMonitorStateException} whose message names the lock
     * and its decoded state, and leaves the word exactly as it was.
     */
    static IllegalMonitorStateException assertMisuse(RwLock lock, Executable op) {
        return assertMisuse(lock, lockId(lock), op);
    }

    static IllegalMonitorStateException assertMisuse(RwLock lock, String expectedId, Executable op) {
        long before = lock.stateWord();
        long biasedBefore = lock.biasedReadShares();
        IllegalMonitorStateException e = assertThrows(IllegalMonitorStateException.class, op);
        assertEquals(LockState.hex(before), LockState.hex(lock.stateWord()), "misuse changed the word");
        assertEquals(biasedBefore, lock.biasedReadShares(), "misuse changed the biased read shares");
        String msg = String.valueOf(e.getMessage());
        assertTrue(msg.contains(expectedId), () -> "message does not name the lock " + expectedId + ": " + msg);
        String state = LockState.describe(before, biasedBefore);
        assertTrue(msg.contains(state), () -> "message does not decode the state '" + state + "': " + msg);
        return e;
    }

    static long elapsedMillisSince(long startNanos) {
        return MILLISECONDS.convert(System.nanoTime() - startNanos, NANOSECONDS);
    }

    /** Asserts that a call that timed out after {@code timeoutMillis} took at least that and not much more. */
    static void assertTimedOutWithin(long timeoutMillis, long startNanos, long endNanos) {
        long elapsed = MILLISECONDS.convert(endNanos - startNanos, NANOSECONDS);
        assertTrue(
                elapsed >= timeoutMillis,
                () -> "returned after " + elapsed + " ms, before its timeout " + timeoutMillis + " ms");
        assertTrue(
                elapsed < timeoutMillis + TIMEOUT_SLACK_MS,
                () -> "returned after " + elapsed + " ms, more than timeout " + timeoutMillis + " ms + slack "
                        + TIMEOUT_SLACK_MS + " ms");
    }

    static void await(CountDownLatch latch) throws InterruptedException {
        assertTrue(latch.await(LONG_DELAY_MS, MILLISECONDS), "latch not released within " + LONG_DELAY_MS + " ms");
    }

    /**
     * A point where a thread spins (yielding) until the test opens it. Used in fault-seam pause points
     * and listener callbacks, where a thread must not park through LockSupport (the lock relies on
     * the permits).
     */
    static final class SpinGate {
        private final AtomicBoolean reached = new AtomicBoolean();
        private final AtomicBoolean open = new AtomicBoolean();

        /**
         * Called by the thread to hold: marks the gate reached and spins until it is opened (at most
         * {@link #LONG_DELAY_MS}, so a failed test never leaves a thread spinning).
         */
        void pass() {
            reached.set(true);
            long deadline = System.nanoTime() + MILLISECONDS.toNanos(LONG_DELAY_MS);
            while (!open.get()) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("gate not opened within " + LONG_DELAY_MS + " ms");
                }
                Thread.yield();
            }
        }

        boolean reached() {
            return reached.get();
        }

        void awaitReached(String what) {
            waitUntil(what, reached::get, () -> "");
        }

        void open() {
            open.set(true);
        }
    }

    /**
     * A helper thread that takes a hold with {@code acquire}, reports it, and keeps it until
     * {@link #release()}, then gives it back with {@code release}. For holds the test thread itself
     * must not own (the write owner is checked on unlock).
     */
    final class Holder {
        final Thread thread;
        private final CountDownLatch held = new CountDownLatch(1);
        private final CountDownLatch letGo = new CountDownLatch(1);

        Holder(String name, ThreadBody acquire, ThreadBody release) throws InterruptedException {
            thread = newStartedThread(name, () -> {
                acquire.run();
                held.countDown();
                await(letGo);
                release.run();
            });
            await(held);
        }

        /** Lets the holder release and waits until it has. */
        void release() throws InterruptedException {
            letGo.countDown();
            awaitTermination(thread);
        }
    }

    final Holder holdWrite(RwLock lock) throws InterruptedException {
        return new Holder("write-holder", lock::lockWrite, lock::unlockWrite);
    }

    final Holder holdRead(RwLock lock) throws InterruptedException {
        return new Holder("read-holder", lock::lockRead, lock::unlockRead);
    }

    final Holder holdUpgradable(RwLock lock) throws InterruptedException {
        return new Holder("upgradable-holder", lock::lockUpgradable, lock::unlockUpgradable);
    }

    // ============================================================================ parking lot

    /** Recording park callbacks (for tests of {@link ParkingLot} on its own). */
    static class Callbacks implements ParkingLot.ParkCallbacks {
        final boolean valid;
        final AtomicInteger validations = new AtomicInteger();
        final AtomicInteger beforeSleeps = new AtomicInteger();
        final List<Boolean> timedOut = new CopyOnWriteArrayList<>();

        Callbacks(boolean valid) {
            this.valid = valid;
        }

        Callbacks() {
            this(true);
        }

        @Override
        public boolean validate() {
            validations.incrementAndGet();
            return valid;
        }

        @Override
        public void beforeSleep() {
            beforeSleeps.incrementAndGet();
        }

        @Override
        public void timedOut(boolean wasLastThreadOnKey) {
            timedOut.add(wasLastThreadOnKey);
        }
    }

    /** A thread parked through {@link ParkingLot#park}, and what the park returned. */
    final class Parker {
        final Thread thread;
        final Callbacks callbacks;
        final AtomicLong result = new AtomicLong(Long.MIN_VALUE);
        final AtomicBoolean interruptedAfter = new AtomicBoolean();
        final AtomicLong returnedAfterNanos = new AtomicLong();

        Parker(
                String name,
                Object lock,
                int key,
                long parkToken,
                Callbacks callbacks,
                long timeoutMillis,
                boolean interruptible,
                FaultSeam seam) {
            this.callbacks = callbacks;
            this.thread = newStartedThread(name, () -> {
                long start = System.nanoTime();
                boolean timed = timeoutMillis >= 0;
                long deadline = start + MILLISECONDS.toNanos(Math.max(0, timeoutMillis));
                long r = ParkingLot.park(lock, key, callbacks, parkToken, timed, deadline, interruptible, seam);
                returnedAfterNanos.set(System.nanoTime() - start);
                interruptedAfter.set(Thread.interrupted());
                result.set(r);
            });
        }

        long join() throws InterruptedException {
            awaitTermination(thread);
            return result.get();
        }
    }
}
