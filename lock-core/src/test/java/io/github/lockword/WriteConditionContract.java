// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Conditions of the write lock ({@code writeLock().newCondition()}), after the TCK's
 * {@code ReentrantReadWriteLockTest} condition tests: {@code await}, {@code awaitNanos},
 * {@code await(long, TimeUnit)}, {@code awaitUntil}, {@code awaitUninterruptibly}, {@code signal},
 * {@code signalAll}. Awaiting or signalling without holding the write lock throws
 * {@link IllegalMonitorStateException} and changes nothing; await releases the write lock while
 * waiting and re-acquires it before returning (normally, on timeout and with
 * {@link InterruptedException}); signal wakes the longest waiter; interrupts follow the
 * {@code Condition} contract.
 *
 * <p>A group of the {@link RwLockContract} suite: every variant of the lock runs it.
 */
public abstract class WriteConditionContract extends ContractGroup {

    protected WriteConditionContract(RwLockContract variant) {
        super(variant);
    }

    /** One way of awaiting; returns normally when signalled (timed forms: with time to spare). */
    @FunctionalInterface
    interface Await {
        void await(Condition c) throws InterruptedException;
    }

    static Stream<Arguments> awaits() {
        return Stream.of(
                Arguments.of("await", (Await) Condition::await),
                Arguments.of(
                        "awaitNanos", (Await) c -> assertTrue(c.awaitNanos(MILLISECONDS.toNanos(LONG_DELAY_MS)) > 0)),
                Arguments.of("await(time, unit)", (Await) c -> assertTrue(c.await(LONG_DELAY_MS, MILLISECONDS))),
                Arguments.of("awaitUntil", (Await)
                        c -> assertTrue(c.awaitUntil(new Date(System.currentTimeMillis() + LONG_DELAY_MS)))),
                Arguments.of("awaitUninterruptibly", (Await) Condition::awaitUninterruptibly));
    }

    static Stream<Arguments> interruptibleAwaits() {
        return awaits().filter(a -> !a.get()[0].equals("awaitUninterruptibly"));
    }

    // ------------------------------------------------------------------------------- ownership

    @ParameterizedTest(name = "{0}")
    @MethodSource("awaits")
    void awaitWithoutTheWriteLockThrows(String name, Await await) throws InterruptedException {
        RwLock lock = newLock();
        Condition c = lock.writeLock().newCondition();
        assertMisuse(lock, () -> await.await(c)); // unlocked
        lock.lockRead();
        assertMisuse(lock, () -> await.await(c)); // read only
        lock.unlockRead();
        lock.lockUpgradable();
        assertMisuse(lock, () -> await.await(c)); // upgradable only
        lock.unlockUpgradable();
        Holder writer = holdWrite(lock);
        assertMisuse(lock, () -> await.await(c)); // another thread writes
        writer.release();
        RwLock other = newLock();
        other.lockWrite();
        assertMisuse(lock, () -> await.await(c)); // the write lock of another lock
        other.unlockWrite();
        assertWord(0, lock);
    }

    @Test
    void signalWithoutTheWriteLockThrows() throws InterruptedException {
        RwLock lock = newLock();
        Condition c = lock.writeLock().newCondition();
        assertMisuse(lock, c::signal);
        assertMisuse(lock, c::signalAll);
        lock.lockRead();
        assertMisuse(lock, c::signal);
        assertMisuse(lock, c::signalAll);
        lock.unlockRead();
        Holder writer = holdWrite(lock);
        assertMisuse(lock, c::signal);
        assertMisuse(lock, c::signalAll);
        writer.release();
        assertWord(0, lock);
    }

    @Test
    void signalWithoutTheWriteLockDoesNotWakeAWaiter() throws InterruptedException {
        RwLock lock = newLock();
        Condition c = lock.writeLock().newCondition();
        AtomicBoolean woke = new AtomicBoolean();
        Thread waiter = newStartedThread("waiter", () -> {
            lock.lockWrite();
            c.await();
            woke.set(true);
            lock.unlockWrite();
        });
        waitForBlockedOn(c, waiter);
        assertThrows(IllegalMonitorStateException.class, c::signal);
        assertThrows(IllegalMonitorStateException.class, c::signalAll);
        Thread.sleep(SHORT_DELAY_MS / 2);
        assertFalse(woke.get());
        assertSame(c, LockSupport.getBlocker(waiter));
        lock.lockWrite();
        c.signal();
        lock.unlockWrite();
        awaitTermination(waiter);
        assertTrue(woke.get());
    }

    @Test
    void signalWithNoWaitersIsHarmless() {
        RwLock lock = newLock();
        Condition c = lock.writeLock().newCondition();
        lock.lockWrite();
        c.signal();
        c.signalAll();
        assertWord(W, lock);
        assertTrue(lock.isWriteLockedByCurrentThread());
        lock.unlockWrite();
        assertWord(0, lock);
    }

    // ------------------------------------------------------------------------ release / reacquire

    @ParameterizedTest(name = "{0}")
    @MethodSource("awaits")
    void awaitReleasesTheLockAndReacquiresItBeforeReturning(String name, Await await) throws InterruptedException {
        RwLock lock = newLock();
        Condition c = lock.writeLock().newCondition();
        AtomicBoolean returned = new AtomicBoolean();
        Thread waiter = newStartedThread("waiter", () -> {
            lock.lockWrite();
            await.await(c);
            returned.set(true);
            assertTrue(lock.isWriteLockedByCurrentThread(), "await returned without the write lock");
            assertWord(W, lock);
            lock.unlockWrite();
        });
        waitForBlockedOn(c, waiter);
        // The waiter released the write lock while waiting.
        assertWord(0, lock);
        lock.lockWrite();
        c.signal();
        // Signalled, it must now wait for us to release the lock: it parks on the lock itself.
        waitForParked(lock, waiter);
        assertFalse(returned.get(), "await returned while another thread held the write lock");
        assertWord(W | P, lock);
        lock.unlockWrite();
        awaitTermination(waiter);
        assertTrue(returned.get());
        assertWord(0, lock);
    }

    @Test
    void readersCanEnterWhileTheWriterAwaits() throws InterruptedException {
        RwLock lock = newLock();
        Condition c = lock.writeLock().newCondition();
        Thread waiter = newStartedThread("waiter", () -> {
            lock.lockWrite();
            c.await();
            lock.unlockWrite();
        });
        waitForBlockedOn(c, waiter);
        assertTrue(lock.tryLockRead());
        lock.unlockRead();
        lock.lockWrite();
        c.signalAll();
        lock.unlockWrite();
        awaitTermination(waiter);
        assertWord(0, lock);
    }

    // ---------------------------------------------------------------------------------- timeouts

    @Test
    void awaitNanosTimesOutAndReturnsANonPositiveRemainder() throws InterruptedException {
        RwLock lock = newLock();
        Condition c = lock.writeLock().newCondition();
        lock.lockWrite();
        long timeout = MILLISECONDS.toNanos(SHORT_DELAY_MS);
        long start = System.nanoTime();
        long remaining = c.awaitNanos(timeout);
        assertTimedOutWithin(SHORT_DELAY_MS, start, System.nanoTime());
        assertTrue(remaining <= 0, "remaining " + remaining);
        assertTrue(lock.isWriteLockedByCurrentThread());
        assertWord(W, lock);
        lock.unlockWrite();
    }

    @Test
    void timedAwaitTimesOutAndReturnsFalse() throws InterruptedException {
        RwLock lock = newLock();
        Condition c = lock.writeLock().newCondition();
        lock.lockWrite();
        long start = System.nanoTime();
        assertFalse(c.await(SHORT_DELAY_MS, MILLISECONDS));
        assertTimedOutWithin(SHORT_DELAY_MS, start, System.nanoTime());
        assertTrue(lock.isWriteLockedByCurrentThread());
        assertWord(W, lock);
        lock.unlockWrite();
    }

    @Test
    void awaitUntilTimesOutAndReturnsFalse() throws InterruptedException {
        RwLock lock = newLock();
        Condition c = lock.writeLock().newCondition();
        lock.lockWrite();
        long start = System.nanoTime();
        Date deadline = new Date(System.currentTimeMillis() + SHORT_DELAY_MS);
        assertFalse(c.awaitUntil(deadline));
        // Date has millisecond resolution and the wall clock is not monotonic: allow 1 ms early.
        assertTrue(System.currentTimeMillis() >= deadline.getTime() - 1, "returned before the deadline");
        assertTrue(elapsedMillisSince(start) < SHORT_DELAY_MS + TIMEOUT_SLACK_MS);
        assertTrue(lock.isWriteLockedByCurrentThread());
        lock.unlockWrite();
        assertWord(0, lock);
    }

    @Test
    void zeroNegativeAndPastTimeoutsReturnAtOnceStillHoldingTheLock() throws InterruptedException {
        RwLock lock = newLock();
        Condition c = lock.writeLock().newCondition();
        lock.lockWrite();
        long start = System.nanoTime();
        assertTrue(c.awaitNanos(0) <= 0);
        assertTrue(c.awaitNanos(-1) <= 0);
        assertTrue(c.awaitNanos(Long.MIN_VALUE) <= 0);
        assertFalse(c.await(0, MILLISECONDS));
        assertFalse(c.await(-1, TimeUnit.DAYS));
        assertFalse(c.awaitUntil(new Date(System.currentTimeMillis() - 10_000)));
        assertTrue(elapsedMillisSince(start) < TIMEOUT_SLACK_MS);
        assertTrue(lock.isWriteLockedByCurrentThread());
        assertWord(W, lock);
        lock.unlockWrite();
    }

    @Test
    void nullTimeUnitOrDeadlineThrowsNullPointerException() {
        RwLock lock = newLock();
        Condition c = lock.writeLock().newCondition();
        lock.lockWrite();
        assertThrows(NullPointerException.class, () -> c.await(1, null));
        assertThrows(NullPointerException.class, () -> c.awaitUntil(null));
        assertTrue(lock.isWriteLockedByCurrentThread());
        assertWord(W, lock);
        lock.unlockWrite();
    }

    @Test
    void signalledTimedAwaitReportsTimeLeft() throws InterruptedException {
        RwLock lock = newLock();
        Condition c = lock.writeLock().newCondition();
        AtomicLong remaining = new AtomicLong();
        long timeout = MILLISECONDS.toNanos(LONG_DELAY_MS);
        Thread waiter = newStartedThread("waiter", () -> {
            lock.lockWrite();
            remaining.set(c.awaitNanos(timeout));
            lock.unlockWrite();
        });
        waitForBlockedOn(c, waiter);
        lock.lockWrite();
        c.signal();
        lock.unlockWrite();
        awaitTermination(waiter);
        assertTrue(remaining.get() > 0 && remaining.get() <= timeout, "remaining " + remaining.get());
    }

    @Test
    void hugeAwaitNanosWaitsForASignal() throws InterruptedException {
        RwLock lock = newLock();
        Condition c = lock.writeLock().newCondition();
        AtomicLong remaining = new AtomicLong();
        Thread waiter = newStartedThread("waiter", () -> {
            lock.lockWrite();
            remaining.set(c.awaitNanos(Long.MAX_VALUE));
            lock.unlockWrite();
        });
        waitForBlockedOn(c, waiter);
        Thread.sleep(20);
        assertTrue(waiter.isAlive(), "a huge timeout expired at once");
        lock.lockWrite();
        c.signal();
        lock.unlockWrite();
        awaitTermination(waiter);
        assertTrue(remaining.get() > 0, "remaining " + remaining.get());
    }

    // -------------------------------------------------------------------------- signal / signalAll

    @Test
    void signalWakesTheLongestWaiterOnly() throws InterruptedException {
        RwLock lock = newLock();
        Condition c = lock.writeLock().newCondition();
        List<String> woke = new CopyOnWriteArrayList<>();
        Thread[] waiters = new Thread[3];
        for (int i = 0; i < waiters.length; i++) {
            String name = "waiter-" + i;
            waiters[i] = newStartedThread(name, () -> {
                lock.lockWrite();
                c.await();
                woke.add(name);
                lock.unlockWrite();
            });
            waitForBlockedOn(c, waiters[i]);
        }
        for (int i = 0; i < waiters.length; i++) {
            lock.lockWrite();
            c.signal();
            lock.unlockWrite();
            awaitTermination(waiters[i]);
            assertEquals("waiter-" + i, woke.get(i));
            for (int j = i + 1; j < waiters.length; j++) {
                assertSame(c, LockSupport.getBlocker(waiters[j]), "signal woke more than one waiter");
            }
        }
        assertWord(0, lock);
    }

    @Test
    void signalAllWakesEveryWaiter() throws InterruptedException {
        RwLock lock = newLock();
        Condition c = lock.writeLock().newCondition();
        Thread[] waiters = new Thread[4];
        for (int i = 0; i < waiters.length; i++) {
            final int k = i;
            waiters[i] = newStartedThread("waiter-" + i, () -> {
                lock.lockWrite();
                switch (k) {
                    case 0:
                        c.await();
                        break;
                    case 1:
                        assertTrue(c.await(LONG_DELAY_MS, MILLISECONDS));
                        break;
                    case 2:
                        assertTrue(c.awaitNanos(MILLISECONDS.toNanos(LONG_DELAY_MS)) > 0);
                        break;
                    default:
                        c.awaitUninterruptibly();
                        break;
                }
                assertTrue(lock.isWriteLockedByCurrentThread());
                lock.unlockWrite();
            });
            waitForBlockedOn(c, waiters[i]);
        }
        lock.lockWrite();
        c.signalAll();
        lock.unlockWrite();
        for (Thread t : waiters) {
            awaitTermination(t);
        }
        assertWord(0, lock);
    }

    @Test
    void conditionsOfOneLockAreIndependent() throws InterruptedException {
        RwLock lock = newLock();
        Condition notEmpty = lock.writeLock().newCondition();
        Condition notFull = lock.writeLock().newCondition();
        AtomicBoolean woke = new AtomicBoolean();
        Thread waiter = newStartedThread("waiter", () -> {
            lock.lockWrite();
            notEmpty.await();
            woke.set(true);
            lock.unlockWrite();
        });
        waitForBlockedOn(notEmpty, waiter);
        lock.lockWrite();
        notFull.signalAll();
        lock.unlockWrite();
        Thread.sleep(SHORT_DELAY_MS / 2);
        assertFalse(woke.get(), "a signal on another condition woke the waiter");
        assertSame(notEmpty, LockSupport.getBlocker(waiter));
        lock.lockWrite();
        notEmpty.signal();
        lock.unlockWrite();
        awaitTermination(waiter);
        assertTrue(woke.get());
    }

    @Test
    void producerConsumerHandshake() throws InterruptedException {
        RwLock lock = newLock();
        Condition changed = lock.writeLock().newCondition();
        int[] slot = {0}; // 0 = empty
        int items = 500;
        Thread consumer = newStartedThread("consumer", () -> {
            for (int i = 1; i <= items; i++) {
                lock.lockWrite();
                while (slot[0] == 0) {
                    changed.await();
                }
                assertEquals(i, slot[0]);
                slot[0] = 0;
                changed.signalAll();
                lock.unlockWrite();
            }
        });
        for (int i = 1; i <= items; i++) {
            lock.lockWrite();
            while (slot[0] != 0) {
                assertTrue(changed.await(LONG_DELAY_MS, MILLISECONDS), "consumer stalled");
            }
            slot[0] = i;
            changed.signal();
            lock.unlockWrite();
        }
        awaitTermination(consumer);
        assertWord(0, lock);
    }

    // -------------------------------------------------------------------------------- interrupts

    @ParameterizedTest(name = "{0}")
    @MethodSource("interruptibleAwaits")
    void interruptedBeforeAwaitThrowsAndKeepsTheLock(String name, Await await) {
        RwLock lock = newLock();
        Condition c = lock.writeLock().newCondition();
        lock.lockWrite();
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> await.await(c));
        assertFalse(Thread.interrupted());
        assertTrue(lock.isWriteLockedByCurrentThread());
        assertWord(W, lock);
        lock.unlockWrite();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("interruptibleAwaits")
    void interruptedWhileAwaitingThrowsAfterReacquiringTheLock(String name, Await await) throws InterruptedException {
        RwLock lock = newLock();
        Condition c = lock.writeLock().newCondition();
        AtomicBoolean threw = new AtomicBoolean();
        Thread waiter = newStartedThread("waiter", () -> {
            lock.lockWrite();
            try {
                await.await(c);
            } catch (InterruptedException expected) {
                threw.set(true);
                assertFalse(Thread.currentThread().isInterrupted(), "interrupt status not cleared");
                assertTrue(lock.isWriteLockedByCurrentThread(), "InterruptedException before re-acquiring");
                assertWord(W, lock);
            }
            lock.unlockWrite();
        });
        waitForBlockedOn(c, waiter);
        waiter.interrupt();
        awaitTermination(waiter);
        assertTrue(threw.get());
        assertWord(0, lock);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("interruptibleAwaits")
    void interruptedAwaiterWaitsForTheLockBeforeThrowing(String name, Await await) throws InterruptedException {
        RwLock lock = newLock();
        Condition c = lock.writeLock().newCondition();
        AtomicBoolean threw = new AtomicBoolean();
        Thread waiter = newStartedThread("waiter", () -> {
            lock.lockWrite();
            try {
                await.await(c);
            } catch (InterruptedException expected) {
                threw.set(true);
                assertTrue(lock.isWriteLockedByCurrentThread());
            }
            lock.unlockWrite();
        });
        waitForBlockedOn(c, waiter);
        lock.lockWrite();
        waiter.interrupt();
        waitForParked(lock, waiter); // woken by the interrupt, now waiting for the write lock
        assertFalse(threw.get(), "threw InterruptedException without the write lock");
        lock.unlockWrite();
        awaitTermination(waiter);
        assertTrue(threw.get());
        assertWord(0, lock);
    }

    @Test
    void awaitUninterruptiblyKeepsWaitingAndKeepsTheInterruptStatus() throws InterruptedException {
        RwLock lock = newLock();
        Condition c = lock.writeLock().newCondition();
        AtomicBoolean returned = new AtomicBoolean();
        AtomicBoolean interruptedOnReturn = new AtomicBoolean();
        Thread waiter = newStartedThread("waiter", () -> {
            lock.lockWrite();
            c.awaitUninterruptibly();
            returned.set(true);
            interruptedOnReturn.set(Thread.interrupted());
            assertTrue(lock.isWriteLockedByCurrentThread());
            lock.unlockWrite();
        });
        waitForBlockedOn(c, waiter);
        waiter.interrupt();
        waitUntil(
                "the waiter to absorb the interrupt and wait again",
                () -> !waiter.isInterrupted() && LockSupport.getBlocker(waiter) == c && isWaitingState(waiter),
                () -> stackOf(waiter));
        assertFalse(returned.get());
        lock.lockWrite();
        c.signal();
        lock.unlockWrite();
        awaitTermination(waiter);
        assertTrue(returned.get());
        assertTrue(interruptedOnReturn.get(), "the interrupt status must be set on return");
        assertWord(0, lock);
    }

    @Test
    void conditionToStringNamesItsLock() {
        RwLock lock = newLock();
        Condition c = lock.writeLock().newCondition();
        assertTrue(c.toString().contains(lockId(lock)), c.toString());
        assertTrue(c.toString().contains("newCondition"), c.toString());
    }
}
