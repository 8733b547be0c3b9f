// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Date;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Regression test: a timed {@code await} that was signalled, but got the write lock back only after
 * its deadline, returned false, so a caller trusting that {@code false} lost the signal.
 * {@code ReentrantReadWriteLock} returns true there, and so does this lock since the fix:
 * whether the waiter was signalled comes from the park, never from the clock. {@code awaitNanos}
 * reports the time left, which may be zero or negative then, as the JDK's conditions do.
 *
 * <p>The scenario of the report: T1 awaits with a 50 ms timeout; the test thread takes the write
 * lock, signals well before the deadline and keeps the lock 120 ms more; T1 returns at ~130 ms.
 */
class ConditionSignalledTimedAwaitRegressionTest extends LockTestSupport {

    /** One timed way of awaiting, with a timeout of {@code ms}; returns "was signalled". */
    @FunctionalInterface
    interface TimedAwait {
        boolean await(Condition c, long ms) throws InterruptedException;
    }

    static Stream<Arguments> timedAwaits() {
        return Stream.of(
                Arguments.of("await(time, unit)", (TimedAwait) (c, ms) -> c.await(ms, MILLISECONDS)),
                Arguments.of(
                        "awaitUntil", (TimedAwait) (c, ms) -> c.awaitUntil(new Date(System.currentTimeMillis() + ms))));
    }

    static Stream<RwLock> locks() {
        return Stream.of(
                new RwLock(),
                new RwLock(true),
                RwLock.builder().build(),
                RwLock.builder().checked(true).build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timedAwaits")
    void signalledAwaitReturnsTrueEvenIfTheLockCameBackAfterTheDeadline(String name, TimedAwait await)
            throws Exception {
        locks().forEach(lock -> runScenario(lock, name, await));
    }

    private void runScenario(RwLock lock, String name, TimedAwait await) {
        // 50 ms as in the report; on a loaded machine the waiter may run out of time before the
        // signaller gets the lock, so a run where it was no longer queued at the signal is retried
        // with a longer timeout (the signaller always holds the lock well past the waiter's deadline).
        for (long timeoutMs = 50; timeoutMs <= 3_200; timeoutMs *= 4) {
            long ms = timeoutMs;
            Object result = awaitScenario(lock, timeoutMs, c -> await.await(c, ms));
            if (result != null) {
                assertEquals(Boolean.TRUE, result, name + " on " + lock + ": a signalled waiter returns true");
                assertWord(0, lock);
                return;
            }
        }
        throw new AssertionError("the waiter was never still queued when signalled");
    }

    /** One awaiting step of the waiter (its result: a Boolean, or awaitNanos's Long). */
    @FunctionalInterface
    interface Step {
        Object run(Condition c) throws InterruptedException;
    }

    /**
     * T1 takes the write lock and awaits with {@code timeoutMs}; this thread takes the write lock (so
     * T1 is queued on the condition or already timed out), signals if T1 is still queued, holds the
     * lock until well past T1's deadline, and releases. Returns T1's result, or null if T1 was no
     * longer queued at the signal.
     */
    private Object awaitScenario(RwLock lock, long timeoutMs, Step step) {
        Condition c = lock.writeLock().newCondition();
        AtomicReference<Object> result = new AtomicReference<>();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread t1 = newStartedThread("awaiter", () -> {
            lock.lockWrite();
            try {
                waiting.countDown();
                result.set(step.run(c));
                assertTrue(lock.isWriteLockedByCurrentThread(), "await returns holding the write lock");
            } finally {
                lock.unlockWrite();
            }
        });
        boolean queued;
        try {
            await(waiting);
            lock.lockWrite(); // returns once T1 released the lock inside await
            try {
                queued = ParkingLot.count(c, RwLock.KEY_CONDITION) == 1;
                if (queued) {
                    c.signal();
                }
                Thread.sleep(timeoutMs + 70); // T1's time runs out while we hold the lock
            } finally {
                lock.unlockWrite();
            }
            awaitTermination(t1);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return queued ? result.get() : null;
    }

    @org.junit.jupiter.api.Test
    void signalledAwaitNanosReportsTheTimeLeftWhichMayBeNegative() throws Exception {
        RwLock lock = new RwLock();
        for (long timeoutMs = 50; timeoutMs <= 3_200; timeoutMs *= 4) {
            long ms = timeoutMs;
            Object left = awaitScenario(lock, timeoutMs, c -> c.awaitNanos(MILLISECONDS.toNanos(ms)));
            if (left != null) {
                long l = (Long) left;
                assertTrue(l <= 0, ms + " ms given, more spent: the time left is not positive: " + l);
                assertTrue(l > -MILLISECONDS.toNanos(LONG_DELAY_MS), "but it is the time left, not a sentinel");
                return;
            }
        }
        throw new AssertionError("the waiter was never still queued when signalled");
    }

    @org.junit.jupiter.api.Test
    void anUnsignalledTimedAwaitStillReturnsFalse() throws Exception {
        RwLock lock = new RwLock();
        Condition c = lock.writeLock().newCondition();
        lock.lockWrite();
        try {
            assertFalse(c.await(20, MILLISECONDS));
            assertFalse(c.awaitUntil(new Date(System.currentTimeMillis() + 20)));
            assertTrue(c.awaitNanos(MILLISECONDS.toNanos(20)) <= 0);
            assertTrue(lock.isWriteLockedByCurrentThread());
        } finally {
            lock.unlockWrite();
        }
        assertWord(0, lock);
    }
}
