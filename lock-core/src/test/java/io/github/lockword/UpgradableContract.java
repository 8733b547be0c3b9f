// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The upgradable read lock and the mode changes: {@code lockUpgradable},
 * {@code lockUpgradableInterruptibly}, {@code tryLockUpgradable}, {@code tryLockUpgradable(long,
 * TimeUnit)}, {@code unlockUpgradable}, {@code unlockUpgradableFair}, {@code upgrade},
 * {@code tryUpgrade}, {@code tryUpgrade(long, TimeUnit)}, {@code downgrade},
 * {@code downgradeToUpgradable} and {@code downgradeUpgradable}: the word after each, what the
 * upgradable holder shares and excludes, and which waiters each downgrade lets in.
 *
 * <p>A group of the {@link RwLockContract} suite: every variant of the lock runs it.
 */
public abstract class UpgradableContract extends ContractGroup {

    protected UpgradableContract(RwLockContract variant) {
        super(variant);
    }

    @Test
    void lockUpgradableCountsAsOneReaderPlusUpgradable() {
        RwLock lock = newLock();
        lock.lockUpgradable();
        assertWord(R | U, lock);
        assertTrue(lock.isLocked());
        assertFalse(lock.isWriteLocked());
        assertEquals(1, lock.getReadLockCount());
        assertNull(lock.writeOwner());
        lock.unlockUpgradable();
        assertWord(0, lock);
    }

    @Test
    void everyUpgradableAcquisitionOnAFreeLockTakesReaderPlusUpgradable() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockUpgradableInterruptibly();
        assertWord(R | U, lock);
        lock.unlockUpgradable();
        assertTrue(lock.tryLockUpgradable());
        assertWord(R | U, lock);
        lock.unlockUpgradableFair();
        assertWord(0, lock);
        assertTrue(lock.tryLockUpgradable(0, MILLISECONDS));
        lock.unlockUpgradable();
        assertTrue(lock.tryLockUpgradable(LONG_DELAY_MS, MILLISECONDS));
        assertWord(R | U, lock);
        lock.unlockUpgradable();
        assertWord(0, lock);
    }

    @Test
    void upgradableSharesWithReadersAndExcludesWritersAndUpgradables() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockUpgradable();
        Thread other = newStartedThread("other", () -> {
            assertTrue(lock.tryLockRead());
            assertFalse(lock.tryLockUpgradable());
            assertFalse(lock.tryLockWrite());
            if (checkedMode()) {
                // Checked mode: this thread now holds a read, and a timed request for the upgradable
                // or write lock by a read holder is refused before it looks at the word, even with a
                // zero timeout (the plain lock just fails the try).
                assertMisuse(lock, () -> lock.tryLockUpgradable(0, MILLISECONDS));
                assertMisuse(lock, () -> lock.tryLockWrite(0, MILLISECONDS));
            } else {
                assertFalse(lock.tryLockUpgradable(0, MILLISECONDS));
                assertFalse(lock.tryLockWrite(0, MILLISECONDS));
            }
            assertWord(2 * R | U, lock);
            lock.unlockRead();
        });
        awaitTermination(other);
        assertWord(R | U, lock);
        lock.unlockUpgradable();
    }

    @Test
    void upgradableEntersWhileReadersHoldTheLock() {
        RwLock lock = newLock();
        lock.lockRead();
        lock.lockRead();
        assertTrue(lock.tryLockUpgradable());
        assertWord(3 * R | U, lock);
        lock.unlockUpgradable();
        lock.unlockRead();
        lock.unlockRead();
        assertWord(0, lock);
    }

    @Test
    void secondUpgradableWaitsForTheFirst() throws InterruptedException {
        for (int mode = 0; mode < 3; mode++) {
            RwLock lock = newLock();
            lock.lockUpgradable();
            AtomicBoolean acquired = new AtomicBoolean();
            final int m = mode;
            Thread t = newStartedThread("upgradable-" + mode, () -> {
                switch (m) {
                    case 0:
                        lock.lockUpgradable();
                        break;
                    case 1:
                        lock.lockUpgradableInterruptibly();
                        break;
                    default:
                        assertTrue(lock.tryLockUpgradable(LONG_DELAY_MS, MILLISECONDS));
                        break;
                }
                acquired.set(true);
                lock.unlockUpgradable();
            });
            waitForParked(lock, t);
            assertWord(R | U | P, lock);
            assertFalse(acquired.get());
            lock.unlockUpgradable();
            awaitTermination(t);
            assertTrue(acquired.get());
            assertWord(0, lock);
        }
    }

    @Test
    void writerWaitsForTheUpgradableHolderInTheMainQueue() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockUpgradable();
        Thread writer = newStartedThread("writer", () -> {
            lock.lockWrite();
            lock.unlockWrite();
        });
        waitForParked(lock, writer);
        assertEquals(RwLock.KEY_MAIN, queueKeyOf(lock, writer), "U blocks writers before they claim WRITER");
        assertWord(R | U | P, lock);
        lock.unlockUpgradable();
        awaitTermination(writer);
        assertWord(0, lock);
    }

    @Test
    void upgradeWhenAloneIsImmediate() {
        RwLock lock = newLock();
        lock.lockUpgradable();
        lock.upgrade();
        assertWord(W, lock);
        assertTrue(lock.isWriteLocked());
        assertTrue(lock.isWriteLockedByCurrentThread());
        assertSame(Thread.currentThread(), lock.writeOwner());
        lock.unlockWrite();
        assertWord(0, lock);
    }

    @Test
    void upgradeWaitsForOtherReadersAndNoNewReaderGetsIn() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockRead();
        CountDownLatch holdsU = new CountDownLatch(1);
        AtomicBoolean upgraded = new AtomicBoolean();
        Thread upgrader = newStartedThread("upgrader", () -> {
            lock.lockUpgradable();
            holdsU.countDown();
            lock.upgrade();
            upgraded.set(true);
            assertTrue(lock.isWriteLockedByCurrentThread());
            assertWord(W, lock);
            lock.unlockWrite();
        });
        await(holdsU);
        waitForParked(lock, upgrader);
        assertEquals(RwLock.KEY_WRITER, queueKeyOf(lock, upgrader));
        assertWord(R | W | wp(lock), lock);
        assertFalse(lock.tryLockRead(), "writer preference: no new plain reader during an upgrade");
        assertFalse(lock.tryLockUpgradable());
        assertFalse(upgraded.get());
        lock.unlockRead();
        awaitTermination(upgrader);
        assertTrue(upgraded.get());
        assertWord(0, lock);
    }

    @Test
    void tryUpgradeSucceedsOnlyForTheSoleReader() {
        RwLock lock = newLock();
        lock.lockUpgradable();
        lock.lockReadRecursive();
        assertWord(2 * R | U, lock);
        assertFalse(lock.tryUpgrade());
        assertWord(2 * R | U, lock);
        lock.unlockRead();
        assertTrue(lock.tryUpgrade());
        assertWord(W, lock);
        assertTrue(lock.isWriteLockedByCurrentThread());
        lock.unlockWrite();
        assertWord(0, lock);
    }

    @Test
    void tryUpgradeKeepsParkedBitWhenThreadsWait() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockUpgradable();
        Thread waiter = newStartedThread("upgradable-waiter", () -> {
            lock.lockUpgradable();
            lock.unlockUpgradable();
        });
        waitForParked(lock, waiter);
        assertWord(R | U | P, lock);
        assertTrue(lock.tryUpgrade());
        assertWord(W | P, lock);
        lock.unlockWrite();
        awaitTermination(waiter);
        assertWord(0, lock);
    }

    @Test
    void timedTryUpgradeSucceedsWhenTheReaderLeavesInTime() throws InterruptedException {
        RwLock lock = newLock();
        Holder reader = holdRead(lock);
        AtomicBoolean result = new AtomicBoolean();
        CountDownLatch holdsU = new CountDownLatch(1);
        Thread upgrader = newStartedThread("upgrader", () -> {
            lock.lockUpgradable();
            holdsU.countDown();
            result.set(lock.tryUpgrade(LONG_DELAY_MS, MILLISECONDS));
            if (result.get()) {
                lock.unlockWrite();
            } else {
                lock.unlockUpgradable();
            }
        });
        await(holdsU);
        waitForParked(lock, upgrader);
        assertWord(R | W | wp(lock), lock);
        reader.release();
        awaitTermination(upgrader);
        assertTrue(result.get());
        assertWord(0, lock);
    }

    @Test
    void timedTryUpgradeTimesOutKeepingTheUpgradableLock() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockUpgradable();
        Holder reader = holdRead(lock);
        assertWord(2 * R | U, lock);
        long start = System.nanoTime();
        assertFalse(lock.tryUpgrade(SHORT_DELAY_MS, MILLISECONDS));
        assertTimedOutWithin(SHORT_DELAY_MS, start, System.nanoTime());
        assertWord(2 * R | U, lock);
        assertNull(lock.writeOwner());
        assertFalse(lock.tryUpgrade(0, MILLISECONDS));
        assertFalse(lock.tryUpgrade(-1, MILLISECONDS));
        assertWord(2 * R | U, lock);
        reader.release();
        assertTrue(lock.tryUpgrade(0, MILLISECONDS));
        assertWord(W, lock);
        lock.unlockWrite();
        assertWord(0, lock);
    }

    @Test
    void downgradeTurnsTheWriteLockIntoARead() {
        RwLock lock = newLock();
        lock.lockWrite();
        lock.downgrade();
        assertWord(R, lock);
        assertNull(lock.writeOwner());
        assertFalse(lock.isWriteLockedByCurrentThread());
        assertTrue(lock.tryLockRead());
        lock.unlockRead();
        lock.unlockRead();
        assertWord(0, lock);
    }

    @Test
    void downgradeLetsParkedReadersInWhileTheDowngraderReads() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockWrite();
        CountDownLatch readersIn = new CountDownLatch(2);
        CountDownLatch readersMayLeave = new CountDownLatch(1);
        Thread[] readers = new Thread[2];
        for (int i = 0; i < readers.length; i++) {
            readers[i] = newStartedThread("reader-" + i, () -> {
                lock.lockRead();
                readersIn.countDown();
                await(readersMayLeave);
                lock.unlockRead();
            });
            waitForParked(lock, readers[i]);
        }
        assertWord(W | P, lock);
        lock.downgrade();
        await(readersIn); // both got in while we still hold our read
        assertWord(3 * R, lock);
        readersMayLeave.countDown();
        for (Thread t : readers) {
            awaitTermination(t);
        }
        assertWord(R, lock);
        lock.unlockRead();
        assertWord(0, lock);
    }

    @Test
    void writerWokenByDowngradeWaitsForTheDowngradersRead() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockWrite();
        AtomicBoolean wrote = new AtomicBoolean();
        Thread writer = newStartedThread("writer", () -> {
            lock.lockWrite();
            wrote.set(true);
            lock.unlockWrite();
        });
        waitForParked(lock, writer);
        assertWord(W | P, lock);
        lock.downgrade();
        // parking_lot wakes up to and including the first writer; it claims WRITER again and now
        // waits in the WRITER queue for our read to end.
        waitUntil(
                "the writer to wait for readers",
                () -> queueKeyOf(lock, writer) == RwLock.KEY_WRITER
                        && LockSupport.getBlocker(writer) == lock
                        && isWaitingState(writer),
                lock::toString);
        assertWord(R | W | wp(lock), lock);
        assertFalse(wrote.get());
        lock.unlockRead();
        awaitTermination(writer);
        assertTrue(wrote.get());
        assertWord(0, lock);
    }

    @Test
    void downgradeToUpgradableLetsReadersInButNotUpgraders() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockWrite();
        CountDownLatch readerIn = new CountDownLatch(1);
        CountDownLatch readerMayLeave = new CountDownLatch(1);
        Thread reader = newStartedThread("reader", () -> {
            lock.lockRead();
            readerIn.countDown();
            await(readerMayLeave);
            lock.unlockRead();
        });
        waitForParked(lock, reader);
        AtomicBoolean upgradableIn = new AtomicBoolean();
        Thread upgrader = newStartedThread("upgrader", () -> {
            lock.lockUpgradable();
            upgradableIn.set(true);
            lock.unlockUpgradable();
        });
        waitForParked(lock, upgrader);

        lock.downgradeToUpgradable();
        assertNull(lock.writeOwner());
        await(readerIn);
        waitForParked(lock, upgrader);
        assertFalse(upgradableIn.get());
        assertWord(2 * R | U | P, lock);

        readerMayLeave.countDown();
        awaitTermination(reader);
        assertWord(R | U | P, lock);
        lock.unlockUpgradable();
        awaitTermination(upgrader);
        assertTrue(upgradableIn.get());
        assertWord(0, lock);
    }

    @Test
    void downgradeUpgradableLetsAParkedUpgraderIn() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockUpgradable();
        CountDownLatch in = new CountDownLatch(1);
        CountDownLatch mayLeave = new CountDownLatch(1);
        Thread upgrader = newStartedThread("upgrader", () -> {
            lock.lockUpgradable();
            in.countDown();
            await(mayLeave);
            lock.unlockUpgradable();
        });
        waitForParked(lock, upgrader);
        assertWord(R | U | P, lock);
        lock.downgradeUpgradable();
        await(in);
        assertWord(2 * R | U, lock);
        assertFalse(lock.tryLockUpgradable());
        mayLeave.countDown();
        awaitTermination(upgrader);
        assertWord(R, lock);
        lock.unlockRead();
        assertWord(0, lock);
    }

    @Test
    void fullCycleThroughEveryModeChange() {
        RwLock lock = newLock();
        lock.lockUpgradable();
        assertWord(R | U, lock);
        lock.upgrade();
        assertWord(W, lock);
        lock.downgradeToUpgradable();
        assertWord(R | U, lock);
        assertTrue(lock.tryUpgrade());
        assertWord(W, lock);
        lock.downgradeToUpgradable();
        lock.downgradeUpgradable();
        assertWord(R, lock);
        lock.unlockRead();
        assertWord(0, lock);
        lock.lockWrite();
        lock.downgrade();
        assertWord(R, lock);
        lock.unlockRead();
        assertWord(0, lock);
    }

    @Test
    void unlockUpgradableWakesAParkedWriter() throws InterruptedException {
        for (boolean fairUnlock : new boolean[] {false, true}) {
            RwLock lock = newLock();
            lock.lockUpgradable();
            Thread writer = newStartedThread("writer", () -> {
                lock.lockWrite();
                lock.unlockWrite();
            });
            waitForParked(lock, writer);
            if (fairUnlock) {
                lock.unlockUpgradableFair();
            } else {
                lock.unlockUpgradable();
            }
            awaitTermination(writer);
            assertWord(0, lock);
        }
    }
}
