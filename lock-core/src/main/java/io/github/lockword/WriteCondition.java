// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import java.util.Date;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * A {@link Condition} of an {@link RwLock}'s write lock, with the semantics of
 * {@code ReentrantReadWriteLock.WriteLock.newCondition()}: the caller must hold the write lock;
 * {@code await} releases it while waiting and re-acquires it (uninterruptibly) before returning.
 *
 * <p>Waiters park in the global parking lot under this condition's identity. The write lock is
 * released in the park's before-sleep step, after the waiter is enqueued, so a signal sent by the
 * next holder of the lock cannot be missed. A waiter that was signalled always returns as
 * signalled, even if its time ran out or it was interrupted at the same moment (then its interrupt
 * status stays set), and even if it got the write lock back only after its deadline: then
 * {@code await(time, unit)} and {@code awaitUntil} return true, and {@code awaitNanos} returns the
 * time left, which may be zero or negative (as the JDK's conditions do).
 */
final class WriteCondition implements Condition {

    private final RwLock lock;

    WriteCondition(RwLock lock) {
        this.lock = lock;
    }

    /** Releases the write lock once this thread is queued. */
    private final class Release implements ParkingLot.ParkCallbacks {
        @Override
        public boolean validate() {
            return true;
        }

        @Override
        public void beforeSleep() {
            lock.unlockWrite();
        }
    }

    private void requireOwner(String op) {
        if (!lock.isWriteLockedByCurrentThread()) {
            throw lock.misuse("Condition." + op, "the current thread does not hold the write lock");
        }
    }

    /** Parks until signalled, timed out or interrupted; re-acquires the write lock; returns the park result. */
    private long awaitCore(String op, boolean timed, long deadline, boolean interruptible) {
        requireOwner(op);
        long r = ParkingLot.park(
                this, RwLock.KEY_CONDITION, new Release(), 0L, timed, deadline, interruptible, lock.config.seam);
        boolean interrupted = Thread.interrupted();
        lock.lockWrite();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return r;
    }

    @Override
    public void await() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (awaitCore("await()", false, 0L, true) == ParkingLot.INTERRUPTED) {
            throw new InterruptedException();
        }
    }

    @Override
    public void awaitUninterruptibly() {
        awaitCore("awaitUninterruptibly()", false, 0L, false);
    }

    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
        return timedAwait("awaitNanos()", nanosTimeout).remainingNanos;
    }

    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        return timedAwait("await(time, unit)", unit.toNanos(time)).signalled;
    }

    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
        long millis = deadline.getTime() - System.currentTimeMillis();
        return timedAwait("awaitUntil()", TimeUnit.MILLISECONDS.toNanos(millis)).signalled;
    }

    /**
     * The outcome of a timed wait. {@code signalled} comes from the park itself, never from the
     * clock: a waiter that was signalled just before its deadline, and then waited past it for the
     * write lock, was still signalled (the signal was used up on it), as with
     * {@code ReentrantReadWriteLock}'s conditions.
     */
    private static final class TimedOutcome {
        final boolean signalled;
        final long remainingNanos;

        TimedOutcome(boolean signalled, long remainingNanos) {
            this.signalled = signalled;
            this.remainingNanos = remainingNanos;
        }
    }

    private TimedOutcome timedAwait(String op, long nanosTimeout) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        long deadline = deadline(System.nanoTime(), Math.max(0L, nanosTimeout));
        long r = awaitCore(op, true, deadline, true);
        if (r == ParkingLot.INTERRUPTED) {
            throw new InterruptedException();
        }
        // Time left, measured as the JDK does: it may be <= 0 for a signalled waiter that got the
        // write lock back late. Wrap-safe: only differences of nanoTime values are compared.
        return new TimedOutcome(r != ParkingLot.TIMED_OUT, deadline - System.nanoTime());
    }

    /**
     * The deadline {@code nanos} after {@code now}, in {@link System#nanoTime()} terms. It may wrap
     * past {@code Long.MAX_VALUE}: callers only ever compute {@code deadline - now}, which stays
     * right for any {@code nanos} in {@code [0, Long.MAX_VALUE]} and any sign of {@code now}.
     */
    static long deadline(long now, long nanos) {
        return now + nanos;
    }

    @Override
    public void signal() {
        requireOwner("signal()");
        ParkingLot.unparkOne(this, RwLock.KEY_CONDITION, (n, more, fair) -> ParkingLot.TOKEN_NORMAL, lock.config.seam);
    }

    @Override
    public void signalAll() {
        requireOwner("signalAll()");
        ParkingLot.unparkAll(this, RwLock.KEY_CONDITION, lock.config.seam);
    }

    @Override
    public String toString() {
        return lock + ".writeLock().newCondition()@" + Integer.toHexString(System.identityHashCode(this));
    }
}
