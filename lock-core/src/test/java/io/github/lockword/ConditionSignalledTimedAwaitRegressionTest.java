// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Date;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
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
                Arguments.of("awaitUntil", (TimedAwait) (c, ms) ->
                        c.awaitUntil(new Date(System.currentTimeMillis() + ms))));
    }

    static Stream<RwLock> locks() {
        return Stream.of(new RwLock(), new RwLock(true), RwLock.builder().build(),
                RwLock.builder().checked(true).build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timedAwaits")
    void signalledAwaitReturnsTrueEvenIfTheLockCameBackAfterTheDeadline(String name, TimedAwait await)
            throws Exception {
        locks().forEach(lock -> runScenario(lock, name, await));
    }

    private void runScenario(RwLock lock, String name, TimedAwait await) {
        Condition c = lock.writeLock().newCondition();
        AtomicReference<Boolean> result = new AtomicReference<>();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread t1 = newStartedThread("awaiter", () -> {
            lock.lockWrite();
            try {
                waiting.countDown();
                result.set(await.await(c, 50));
                assertTrue(lock.isWriteLockedByCurrentThread(), "await returns holding the write lock");
            } finally {
                lock.unlockWrite();
            }
        });
        try {
            await(waiting);
            waitForBlockedOn(c, t1);
            lock.lockWrite();
            try {
                c.signal();
                Thread.sleep(120); // the waiter's 50 ms run out while we hold the lock
            } finally {
                lock.unlockWrite();
            }
            awaitTermination(t1);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertEquals(Boolean.TRUE, result.get(), name + " on " + lock + ": a signalled waiter returns true");
        assertWord(0, lock);
    }

    @org.junit.jupiter.api.Test
    void signalledAwaitNanosReportsTheTimeLeftWhichMayBeNegative() throws Exception {
        RwLock lock = new RwLock();
        Condition c = lock.writeLock().newCondition();
        AtomicLong left = new AtomicLong(Long.MAX_VALUE);
        CountDownLatch waiting = new CountDownLatch(1);
        Thread t1 = newStartedThread("awaiter", () -> {
            lock.lockWrite();
            try {
                waiting.countDown();
                left.set(c.awaitNanos(MILLISECONDS.toNanos(50)));
            } finally {
                lock.unlockWrite();
            }
        });
        await(waiting);
        waitForBlockedOn(c, t1);
        lock.lockWrite();
        try {
            c.signal();
            Thread.sleep(120);
        } finally {
            lock.unlockWrite();
        }
        awaitTermination(t1);
        assertTrue(left.get() <= 0, "50 ms given, ~130 ms spent: the time left is not positive: " + left.get());
        assertTrue(left.get() > -MILLISECONDS.toNanos(LONG_DELAY_MS), "but it is the time left, not a sentinel");
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
