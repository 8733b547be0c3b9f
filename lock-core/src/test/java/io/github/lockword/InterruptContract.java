// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Interrupts. Interruptible and timed acquisitions throw {@link InterruptedException} when the
 * thread is interrupted on entry (even if the lock is free) or while parked — in the MAIN queue or
 * while a writer or upgrader waits for readers — clear the interrupt status, and leave the word
 * exactly as if the call never happened (waiters held up by a withdrawn writer are woken).
 * Uninterruptible acquisitions ({@code lockRead}, {@code lockWrite}, {@code lockUpgradable},
 * {@code lockReadRecursive}, {@code upgrade}, the views' {@code lock()}) keep waiting and return
 * with the interrupt status still set; non-waiting {@code tryLock*()} ignore it.
 *
 * <p>A group of the {@link RwLockContract} suite: every variant of the lock runs it.
 */
public abstract class InterruptContract extends ContractGroup {

    protected InterruptContract(RwLockContract variant) {
        super(variant);
    }

    @FunctionalInterface
    interface Acquire {
        void acquire(RwLock lock) throws InterruptedException;
    }

    @FunctionalInterface
    interface Release {
        void release(RwLock lock);
    }

    private static Acquire timed(TimedAcquire op, long ms) {
        return lock -> assertTrue(op.tryIt(lock, ms, MILLISECONDS), "timed acquisition failed");
    }

    @FunctionalInterface
    interface TimedAcquire {
        boolean tryIt(RwLock lock, long timeout, java.util.concurrent.TimeUnit unit) throws InterruptedException;
    }

    private static Arguments op(String name, Acquire acquire, Release release) {
        return Arguments.of(name, acquire, release);
    }

    static Stream<Arguments> interruptibleReads() {
        return Stream.of(
                op("lockReadInterruptibly", RwLock::lockReadInterruptibly, RwLock::unlockRead),
                op("tryLockRead(timeout)", timed(RwLock::tryLockRead, LONG_DELAY_MS), RwLock::unlockRead),
                op(
                        "tryLockReadRecursive(timeout)",
                        timed(RwLock::tryLockReadRecursive, LONG_DELAY_MS),
                        RwLock::unlockRead),
                op("readLock().lockInterruptibly", l -> l.readLock().lockInterruptibly(), RwLock::unlockRead),
                op(
                        "readLock().tryLock(timeout)",
                        timed((l, t, u) -> l.readLock().tryLock(t, u), LONG_DELAY_MS),
                        RwLock::unlockRead),
                op("lockUpgradableInterruptibly", RwLock::lockUpgradableInterruptibly, RwLock::unlockUpgradable),
                op(
                        "tryLockUpgradable(timeout)",
                        timed(RwLock::tryLockUpgradable, LONG_DELAY_MS),
                        RwLock::unlockUpgradable));
    }

    static Stream<Arguments> interruptibleWrites() {
        return Stream.of(
                op("lockWriteInterruptibly", RwLock::lockWriteInterruptibly, RwLock::unlockWrite),
                op("tryLockWrite(timeout)", timed(RwLock::tryLockWrite, LONG_DELAY_MS), RwLock::unlockWrite),
                op("writeLock().lockInterruptibly", l -> l.writeLock().lockInterruptibly(), RwLock::unlockWrite),
                op(
                        "writeLock().tryLock(timeout)",
                        timed((l, t, u) -> l.writeLock().tryLock(t, u), LONG_DELAY_MS),
                        RwLock::unlockWrite));
    }

    static Stream<Arguments> interruptibleUpgradables() {
        return interruptibleReads().filter(a -> ((String) a.get()[0]).contains("Upgradable"));
    }

    /** Every acquisition that can park and is interruptible. */
    static Stream<Arguments> interruptibleWaits() {
        return Stream.concat(interruptibleReads(), interruptibleWrites());
    }

    static Stream<Arguments> interruptibleAcquisitions() {
        return Stream.concat(
                interruptibleWaits(),
                Stream.of(
                        op("tryLockRead(0)", timed(RwLock::tryLockRead, 0), RwLock::unlockRead),
                        op("tryLockWrite(0)", timed(RwLock::tryLockWrite, 0), RwLock::unlockWrite),
                        op("tryLockUpgradable(-1)", timed(RwLock::tryLockUpgradable, -1), RwLock::unlockUpgradable)));
    }

    // ------------------------------------------------------------------------ interrupted on entry

    @ParameterizedTest(name = "{0}")
    @MethodSource("interruptibleAcquisitions")
    void interruptedOnEntryThrowsEvenWhenTheLockIsFree(String name, Acquire acquire, Release release) {
        RwLock lock = newLock();
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> acquire.acquire(lock));
        assertFalse(Thread.interrupted(), "the interrupt status must be cleared when InterruptedException is thrown");
        assertWord(0, lock);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("interruptibleAcquisitions")
    void interruptedOnEntryThrowsWhenTheLockIsHeldAndLeavesTheWord(String name, Acquire acquire, Release release)
            throws InterruptedException {
        RwLock lock = newLock();
        Holder writer = holdWrite(lock);
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> acquire.acquire(lock));
        assertFalse(Thread.interrupted());
        assertWord(W, lock);
        assertEquals(0, lock.getQueueLength());
        writer.release();
        assertWord(0, lock);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("interruptibleAcquisitions")
    void afterAnInterruptTheSameCallAcquires(String name, Acquire acquire, Release release)
            throws InterruptedException {
        RwLock lock = newLock();
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> acquire.acquire(lock));
        acquire.acquire(lock);
        release.release(lock);
        assertWord(0, lock);
    }

    @Test
    void timedUpgradeInterruptedOnEntryThrowsAndKeepsUpgradable() {
        RwLock lock = newLock();
        lock.lockUpgradable();
        for (long timeout : new long[] {LONG_DELAY_MS, 0, -1}) {
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> lock.tryUpgrade(timeout, MILLISECONDS));
            assertFalse(Thread.interrupted());
            assertWord(R | U, lock);
        }
        lock.unlockUpgradable();
        assertWord(0, lock);
    }

    @Test
    void nonWaitingTryLocksIgnoreAndKeepTheInterruptStatus() {
        RwLock lock = newLock();
        Thread.currentThread().interrupt();
        assertTrue(lock.tryLockRead());
        lock.unlockRead();
        assertTrue(lock.tryLockWrite());
        lock.unlockWrite();
        assertTrue(lock.tryLockUpgradable());
        assertTrue(lock.tryUpgrade());
        lock.unlockWrite();
        assertTrue(lock.readLock().tryLock());
        lock.unlockRead();
        assertTrue(lock.writeLock().tryLock());
        lock.unlockWrite();
        assertTrue(Thread.interrupted());
        assertWord(0, lock);
    }

    @Test
    void uninterruptibleAcquisitionsOfAFreeLockSucceedAndKeepTheInterruptStatus() {
        RwLock lock = newLock();
        Thread.currentThread().interrupt();
        lock.lockRead();
        lock.lockReadRecursive();
        lock.unlockRead();
        lock.unlockRead();
        lock.lockWrite();
        lock.unlockWrite();
        lock.lockUpgradable();
        lock.upgrade();
        lock.unlockWrite();
        lock.readLock().lock();
        lock.unlockRead();
        lock.writeLock().lock();
        lock.unlockWrite();
        assertTrue(Thread.interrupted());
        assertWord(0, lock);
    }

    // ---------------------------------------------------------------------- interrupted while parked

    /** Interrupts a thread parked in {@code acquire} and checks the InterruptedException and the word. */
    private void interruptWhileParked(RwLock lock, Acquire acquire, Release release, long wordBefore, int expectedKey)
            throws InterruptedException {
        AtomicBoolean threw = new AtomicBoolean();
        Thread t = newStartedThread("waiter", () -> {
            try {
                acquire.acquire(lock);
                release.release(lock);
            } catch (InterruptedException expected) {
                assertFalse(Thread.currentThread().isInterrupted(), "interrupt status not cleared");
                threw.set(true);
            }
        });
        waitForParked(lock, t);
        assertEquals(expectedKey, queueKeyOf(lock, t));
        t.interrupt();
        awaitTermination(t);
        assertTrue(threw.get(), "no InterruptedException");
        assertWord(wordBefore, lock);
        assertEquals(0, lock.getQueueLength());
        assertFalse(lock.hasQueuedThreads());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("interruptibleWaits")
    void interruptedWhileParkedBehindAWriterThrowsAndLeavesTheWord(String name, Acquire acquire, Release release)
            throws InterruptedException {
        RwLock lock = newLock();
        Holder writer = holdWrite(lock);
        interruptWhileParked(lock, acquire, release, W, RwLock.KEY_MAIN);
        writer.release();
        assertWord(0, lock);
        // The lock is fully usable afterwards.
        acquire.acquire(lock);
        release.release(lock);
        assertWord(0, lock);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("interruptibleUpgradables")
    void interruptedWhileParkedBehindAnUpgradableHolderThrowsAndLeavesTheWord(
            String name, Acquire acquire, Release release) throws InterruptedException {
        RwLock lock = newLock();
        Holder upgradable = holdUpgradable(lock);
        interruptWhileParked(lock, acquire, release, R | U, RwLock.KEY_MAIN);
        upgradable.release();
        assertWord(0, lock);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("interruptibleWrites")
    void interruptedWhileWaitingForReadersThrowsAndGivesWriterBack(String name, Acquire acquire, Release release)
            throws InterruptedException {
        RwLock lock = newLock();
        Holder reader = holdRead(lock);
        interruptWhileParked(lock, acquire, release, R, RwLock.KEY_WRITER);
        assertTrue(lock.tryLockRead(), "WRITER was not given back");
        lock.unlockRead();
        reader.release();
        assertWord(0, lock);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("interruptibleWrites")
    void interruptedWhileWaitingBehindAnotherWriterThrowsAndLeavesTheWord(String name, Acquire acquire, Release release)
            throws InterruptedException {
        RwLock lock = newLock();
        Holder writer = holdWrite(lock);
        interruptWhileParked(lock, acquire, release, W, RwLock.KEY_MAIN);
        writer.release();
        assertWord(0, lock);
    }

    @Test
    void interruptedTimedUpgradeThrowsAndKeepsUpgradable() throws InterruptedException {
        RwLock lock = newLock();
        Holder reader = holdRead(lock);
        CountDownLatch holdsU = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        AtomicBoolean threw = new AtomicBoolean();
        Thread upgrader = newStartedThread("upgrader", () -> {
            lock.lockUpgradable();
            holdsU.countDown();
            try {
                lock.tryUpgrade(LONG_DELAY_MS, MILLISECONDS);
                lock.unlockWrite();
            } catch (InterruptedException expected) {
                threw.set(true);
                assertFalse(Thread.currentThread().isInterrupted());
                await(checked);
                lock.unlockUpgradable();
            }
        });
        await(holdsU);
        waitForParked(lock, upgrader);
        assertEquals(RwLock.KEY_WRITER, queueKeyOf(lock, upgrader));
        assertWord(R | W | wp(lock), lock);
        upgrader.interrupt();
        waitUntil("the upgrader to give up", threw::get, lock::toString);
        assertWord(2 * R | U, lock);
        assertFalse(lock.tryLockUpgradable(), "the upgrader must still hold its upgradable lock");
        checked.countDown();
        awaitTermination(upgrader);
        assertWord(R, lock);
        reader.release();
        assertWord(0, lock);
    }

    @Test
    void interruptedWriterWakesTheReadersItHeldUp() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockRead();
        AtomicBoolean threw = new AtomicBoolean();
        Thread writer = newStartedThread("writer", () -> {
            try {
                lock.lockWriteInterruptibly();
                lock.unlockWrite();
            } catch (InterruptedException expected) {
                threw.set(true);
            }
        });
        waitForParked(lock, writer);
        AtomicBoolean readerIn = new AtomicBoolean();
        Thread reader = newStartedThread("reader", () -> {
            lock.lockRead();
            readerIn.set(true);
            lock.unlockRead();
        });
        waitForParked(lock, reader);
        assertWord(R | W | wp(lock) | P, lock);
        writer.interrupt();
        awaitTermination(writer);
        assertTrue(threw.get());
        awaitTermination(reader); // entered while we still read: the writer's give-back woke it
        assertTrue(readerIn.get());
        assertWord(R, lock);
        lock.unlockRead();
        assertWord(0, lock);
    }

    @Test
    void interruptingOneOfSeveralWaitersKeepsTheOthersQueued() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockWrite();
        AtomicBoolean firstIn = new AtomicBoolean();
        Thread first = newStartedThread("first", () -> {
            lock.lockReadInterruptibly();
            firstIn.set(true);
            lock.unlockRead();
        });
        waitForParked(lock, first);
        AtomicBoolean threw = new AtomicBoolean();
        Thread second = newStartedThread("second", () -> {
            try {
                lock.lockWriteInterruptibly();
                lock.unlockWrite();
            } catch (InterruptedException expected) {
                threw.set(true);
            }
        });
        waitForParked(lock, second);
        second.interrupt();
        awaitTermination(second);
        assertTrue(threw.get());
        assertWord(W | P, lock); // PARKED stays: `first` is still queued
        assertEquals(1, lock.getQueueLength());
        lock.unlockWrite();
        awaitTermination(first);
        assertTrue(firstIn.get());
        assertWord(0, lock);
    }

    // --------------------------------------------------------------------------- uninterruptible

    static Stream<Arguments> uninterruptible() {
        return Stream.of(
                Arguments.of("lockRead", "write"),
                Arguments.of("lockReadRecursive", "write"),
                Arguments.of("readLock().lock", "write"),
                Arguments.of("lockWrite", "write"),
                Arguments.of("lockWrite", "read"),
                Arguments.of("writeLock().lock", "read"),
                Arguments.of("lockUpgradable", "upgradable"),
                Arguments.of("upgrade", "read"));
    }

    @ParameterizedTest(name = "{0} blocked by {1}")
    @MethodSource("uninterruptible")
    void uninterruptibleAcquisitionKeepsWaitingAndKeepsTheInterruptStatus(String name, String blockedBy)
            throws InterruptedException {
        RwLock lock = newLock();
        Holder holder = blockedBy.equals("write")
                ? holdWrite(lock)
                : blockedBy.equals("read") ? holdRead(lock) : holdUpgradable(lock);
        AtomicBoolean acquired = new AtomicBoolean();
        AtomicBoolean interruptedOnReturn = new AtomicBoolean();
        CountDownLatch ready = new CountDownLatch(1);
        Thread t = newStartedThread("waiter", () -> {
            if (name.equals("upgrade")) {
                lock.lockUpgradable();
            }
            ready.countDown();
            switch (name) {
                case "lockRead":
                    lock.lockRead();
                    break;
                case "lockReadRecursive":
                    lock.lockReadRecursive();
                    break;
                case "readLock().lock":
                    lock.readLock().lock();
                    break;
                case "lockWrite":
                    lock.lockWrite();
                    break;
                case "writeLock().lock":
                    lock.writeLock().lock();
                    break;
                case "lockUpgradable":
                    lock.lockUpgradable();
                    break;
                case "upgrade":
                    lock.upgrade();
                    break;
                default:
                    throw new AssertionError(name);
            }
            acquired.set(true);
            interruptedOnReturn.set(Thread.currentThread().isInterrupted());
            Thread.interrupted();
            if (lock.isWriteLockedByCurrentThread()) {
                lock.unlockWrite();
            } else if ((lock.stateWord() & U) != 0 && name.equals("lockUpgradable")) {
                lock.unlockUpgradable();
            } else {
                lock.unlockRead();
            }
        });
        await(ready);
        waitForParked(lock, t);
        long parkedWord = effectiveWord(lock);
        t.interrupt();
        // The waiter consumes the interrupt (its status reads false again) and parks again.
        waitUntil(
                "the waiter to absorb the interrupt and park again",
                () -> !t.isInterrupted() && isQueuedOn(lock, t) && isWaitingState(t),
                () -> stackOf(t));
        assertFalse(acquired.get());
        assertWord(parkedWord, lock);
        holder.release();
        awaitTermination(t);
        assertTrue(acquired.get());
        assertTrue(interruptedOnReturn.get(), "the interrupt status must be set again on return");
        assertWord(0, lock);
    }
}
