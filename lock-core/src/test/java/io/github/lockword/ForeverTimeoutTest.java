// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lockword.seam.FaultSeam;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Where "wait forever" begins: a timeout of {@link RwLock#FOREVER_NANOS} or more is an untimed
 * wait, one nanosecond less is a timed one. The two cannot be told apart by the clock (both are
 * decades), so the lock runs through a seam whose {@code expireDeadlineNow} makes every timed park's
 * deadline pass at once (the parking lot consults it only for timed parks): a timed call then gives
 * up as soon as it parks, an untimed one sleeps until the lock is released and succeeds. Checked for
 * {@code tryLockRead}, {@code tryLockUpgradable} (both through {@code tryAcquireTimed}),
 * {@code tryLockWrite} (waiting for a reader to leave) and {@code tryUpgrade}.
 *
 * <p>Mutants it kills (each applied by hand, the test failing, then restored): {@code nanos >=
 * FOREVER_NANOS} as {@code nanos > FOREVER_NANOS} and as always false (always timed) in
 * {@code tryAcquireTimed}, {@code tryLockWrite(long, TimeUnit)} and {@code tryUpgrade(long, TimeUnit)}.
 */
class ForeverTimeoutTest extends LockTestSupport {

    private static final long FOREVER = RwLock.FOREVER_NANOS;

    /** Every timed park's deadline passes the moment it would sleep. */
    private static RwLock lockWhoseDeadlinesExpireAtOnce() {
        return FaultSeam.newLock("deadlines-expire", false, new FaultSeam() {
            @Override
            public boolean expireDeadlineNow(Object lock) {
                return true;
            }
        });
    }

    @FunctionalInterface
    private interface TimedCall {
        boolean call(RwLock lock, long nanos) throws InterruptedException;
    }

    // ------------------------------------------------------------------ tryLockRead / tryLockUpgradable

    @Test
    void tryLockReadForForeverWaitsUntilTheWriterLeaves() throws InterruptedException {
        behindAWriter((l, n) -> l.tryLockRead(n, NANOSECONDS), R);
    }

    @Test
    void tryLockUpgradableForForeverWaitsUntilTheWriterLeaves() throws InterruptedException {
        behindAWriter((l, n) -> l.tryLockUpgradable(n, NANOSECONDS), R | U);
    }

    private void behindAWriter(TimedCall call, long share) throws InterruptedException {
        RwLock lock = lockWhoseDeadlinesExpireAtOnce();
        lock.lockWrite();
        // One nanosecond short of forever: a timed wait, which the seam ends at its first park.
        AtomicReference<Boolean> timed = new AtomicReference<>();
        Thread t = newStartedThread("timed", () -> timed.set(call.call(lock, FOREVER - 1)));
        awaitTermination(t);
        assertEquals(Boolean.FALSE, timed.get(), "a wait of FOREVER_NANOS - 1 was not timed");
        assertWord(W, lock);

        // Forever: untimed, so the seam cannot end it; it gets in once the writer leaves.
        AtomicReference<Boolean> forever = new AtomicReference<>();
        Thread f = newStartedThread("forever", () -> forever.set(call.call(lock, FOREVER)));
        waitForParkedOrDone(lock, f);
        assertTrue(f.isAlive(), () -> "a wait of FOREVER_NANOS returned " + forever.get() + " while the writer held");
        lock.unlockWrite();
        awaitTermination(f);
        assertEquals(Boolean.TRUE, forever.get());
        assertWord(share, lock);
    }

    // ------------------------------------------------------------------ tryLockWrite

    @Test
    void tryLockWriteForForeverWaitsUntilTheReaderLeaves() throws InterruptedException {
        RwLock lock = lockWhoseDeadlinesExpireAtOnce();
        lock.lockRead();
        AtomicReference<Boolean> timed = new AtomicReference<>();
        Thread t = newStartedThread("timed-writer", () -> {
            timed.set(lock.tryLockWrite(FOREVER - 1, NANOSECONDS));
            assertFalse(lock.isWriteLockedByCurrentThread());
        });
        awaitTermination(t);
        assertEquals(Boolean.FALSE, timed.get(), "a wait of FOREVER_NANOS - 1 was not timed");
        assertWord(R, lock);

        AtomicReference<Boolean> forever = new AtomicReference<>();
        Thread f = newStartedThread("forever-writer", () -> {
            forever.set(lock.tryLockWrite(FOREVER, NANOSECONDS));
            if (forever.get()) {
                lock.unlockWrite();
            }
        });
        waitForParkedOrDone(lock, f);
        assertTrue(f.isAlive(), () -> "a wait of FOREVER_NANOS returned " + forever.get() + " while a reader was in");
        assertEquals(RwLock.KEY_WRITER, queueKeyOf(lock, f), "the writer does not wait for the reader");
        lock.unlockRead();
        awaitTermination(f);
        assertEquals(Boolean.TRUE, forever.get());
        assertWord(0, lock);
    }

    // ------------------------------------------------------------------ tryUpgrade

    @Test
    void tryUpgradeForForeverWaitsUntilTheOtherReaderLeaves() throws InterruptedException {
        RwLock lock = lockWhoseDeadlinesExpireAtOnce();
        lock.lockRead();
        AtomicReference<Boolean> timed = new AtomicReference<>();
        Thread t = newStartedThread("timed-upgrader", () -> {
            lock.lockUpgradable();
            timed.set(lock.tryUpgrade(FOREVER - 1, NANOSECONDS));
            lock.unlockUpgradable(); // it kept its upgradable lock
        });
        awaitTermination(t);
        assertEquals(Boolean.FALSE, timed.get(), "a wait of FOREVER_NANOS - 1 was not timed");
        assertWord(R, lock);

        AtomicReference<Boolean> forever = new AtomicReference<>();
        Thread f = newStartedThread("forever-upgrader", () -> {
            lock.lockUpgradable();
            forever.set(lock.tryUpgrade(FOREVER, NANOSECONDS));
            if (forever.get()) {
                lock.unlockWrite();
            } else {
                lock.unlockUpgradable();
            }
        });
        waitForParkedOrDone(lock, f);
        assertTrue(
                f.isAlive(),
                () -> "a wait of FOREVER_NANOS returned " + forever.get() + " while another reader was in");
        lock.unlockRead();
        awaitTermination(f);
        assertEquals(Boolean.TRUE, forever.get());
        assertWord(0, lock);
    }

    /** Waits until {@code t} sleeps on the lock, or has returned (what a mutant that times out does). */
    private static void waitForParkedOrDone(RwLock lock, Thread t) {
        waitUntil(
                t.getName() + " to park on the lock or return",
                () -> !t.isAlive() || (isQueuedOn(lock, t) && LockSupport.getBlocker(t) == lock && isWaitingState(t)),
                () -> lock + ", " + stackOf(t));
    }
}
