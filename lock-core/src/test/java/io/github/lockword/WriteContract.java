// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Write acquisition: {@code lockWrite}, {@code lockWriteInterruptibly}, {@code tryLockWrite},
 * {@code tryLockWrite(long, TimeUnit)}, {@code unlockWrite}, {@code unlockWriteFair} — the word in
 * each step (claim WRITER in the MAIN queue, then wait for readers in the WRITER queue), exclusion of
 * every other mode, and the exclusive owner that {@code AbstractOwnableSynchronizer} reports.
 *
 * <p>A group of the {@link RwLockContract} suite: every variant of the lock runs it.
 */
public abstract class WriteContract extends ContractGroup {

    protected WriteContract(RwLockContract variant) {
        super(variant);
    }

    @Test
    void lockWriteSetsWriterAndOwnerAndUnlockWriteClearsBoth() {
        RwLock lock = newLock();
        lock.lockWrite();
        assertWord(W, lock);
        assertTrue(lock.isLocked());
        assertTrue(lock.isWriteLocked());
        assertTrue(lock.isWriteLockedByCurrentThread());
        assertSame(Thread.currentThread(), lock.writeOwner());
        assertEquals(0, lock.getReadLockCount());
        lock.unlockWrite();
        assertWord(0, lock);
        assertFalse(lock.isLocked());
        assertFalse(lock.isWriteLocked());
        assertFalse(lock.isWriteLockedByCurrentThread());
        assertNull(lock.writeOwner());
    }

    @Test
    void everyWriteAcquisitionOnAFreeLockTakesOnlyWriter() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockWriteInterruptibly();
        assertWord(W, lock);
        lock.unlockWrite();
        assertTrue(lock.tryLockWrite());
        assertWord(W, lock);
        assertTrue(lock.isWriteLockedByCurrentThread());
        lock.unlockWrite();
        assertTrue(lock.tryLockWrite(0, MILLISECONDS));
        lock.unlockWrite();
        assertTrue(lock.tryLockWrite(-5, MILLISECONDS));
        lock.unlockWrite();
        assertTrue(lock.tryLockWrite(LONG_DELAY_MS, MILLISECONDS));
        assertWord(W, lock);
        assertTrue(lock.isWriteLockedByCurrentThread());
        lock.unlockWriteFair();
        assertWord(0, lock);
        assertNull(lock.writeOwner());
    }

    @Test
    void unlockWriteFairWithoutWaitersJustReleases() {
        RwLock lock = newLock();
        lock.lockWrite();
        lock.unlockWriteFair();
        assertWord(0, lock);
        lock.lockWrite();
        lock.unlockWrite();
        assertWord(0, lock);
    }

    @Test
    void writeLockExcludesEveryOtherAcquisition() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockWrite();
        Thread other = newStartedThread("other", () -> {
            assertFalse(lock.isWriteLockedByCurrentThread());
            assertTrue(lock.isWriteLocked());
            assertFalse(lock.tryLockWrite());
            assertFalse(lock.tryLockWrite(0, MILLISECONDS));
            assertFalse(lock.tryLockRead());
            assertFalse(lock.tryLockReadRecursive(0, MILLISECONDS));
            assertFalse(lock.tryLockUpgradable());
            assertFalse(lock.tryLockUpgradable(0, MILLISECONDS));
            assertFalse(lock.readLock().tryLock());
            assertFalse(lock.writeLock().tryLock());
        });
        awaitTermination(other);
        assertWord(W, lock);
        lock.unlockWrite();
        assertWord(0, lock);
    }

    @Test
    void tryLockWriteFailsWhileReadOrUpgradableIsHeld() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockRead();
        assertFalse(lock.tryLockWrite());
        if (checkedMode()) {
            // Checked mode refuses a timed write request by a read holder, even with a zero timeout.
            assertMisuse(lock, () -> lock.tryLockWrite(0, MILLISECONDS));
        } else {
            assertFalse(lock.tryLockWrite(0, MILLISECONDS));
        }
        assertWord(R, lock);
        lock.unlockRead();
        lock.lockUpgradable();
        assertFalse(lock.tryLockWrite());
        assertWord(R | U, lock);
        lock.unlockUpgradable();
        assertWord(0, lock);
    }

    /**
     * Differs by variant. A read holder asking for the write lock waits for its own read: the plain
     * lock (every variant but checked) can only time out, and {@code lockWrite()} would hang; checked
     * mode throws at once, before touching the word.
     */
    @Test
    void readHolderAskingForTheWriteLockTimesOutOrInCheckedModeThrows() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockRead();
        if (checkedMode()) {
            assertMisuse(lock, () -> lock.tryLockWrite(LONG_DELAY_MS, MILLISECONDS));
            assertMisuse(lock, lock::lockWrite);
            assertMisuse(lock, lock::lockWriteInterruptibly);
            assertMisuse(lock, () -> lock.writeLock().lock());
        } else {
            long start = System.nanoTime();
            assertFalse(lock.tryLockWrite(SHORT_DELAY_MS, MILLISECONDS));
            assertTimedOutWithin(SHORT_DELAY_MS, start, System.nanoTime());
        }
        assertWord(R, lock);
        lock.unlockRead();
        assertWord(0, lock);
    }

    @Test
    void secondWriterParksInMainQueueAndGetsTheLockOnUnlock() throws InterruptedException {
        for (int mode = 0; mode < 3; mode++) {
            RwLock lock = newLock();
            lock.lockWrite();
            AtomicBoolean acquired = new AtomicBoolean();
            final int m = mode;
            Thread writer = newStartedThread("writer-" + mode, () -> {
                switch (m) {
                    case 0:
                        lock.lockWrite();
                        break;
                    case 1:
                        lock.lockWriteInterruptibly();
                        break;
                    default:
                        assertTrue(lock.tryLockWrite(LONG_DELAY_MS, MILLISECONDS));
                        break;
                }
                acquired.set(true);
                assertTrue(lock.isWriteLockedByCurrentThread());
                assertWord(W, lock);
                lock.unlockWrite();
            });
            waitForParked(lock, writer);
            assertEquals(RwLock.KEY_MAIN, queueKeyOf(lock, writer));
            assertWord(W | P, lock);
            assertFalse(acquired.get());
            lock.unlockWrite();
            awaitTermination(writer);
            assertTrue(acquired.get());
            assertWord(0, lock);
        }
    }

    @Test
    void writerClaimsWriterThenParksInWriterQueueUntilReadersLeave() throws InterruptedException {
        for (int mode = 0; mode < 3; mode++) {
            RwLock lock = newLock();
            lock.lockRead();
            AtomicBoolean acquired = new AtomicBoolean();
            final int m = mode;
            Thread writer = newStartedThread("writer-" + mode, () -> {
                switch (m) {
                    case 0:
                        lock.lockWrite();
                        break;
                    case 1:
                        lock.lockWriteInterruptibly();
                        break;
                    default:
                        assertTrue(lock.tryLockWrite(LONG_DELAY_MS, MILLISECONDS));
                        break;
                }
                acquired.set(true);
                assertTrue(lock.isWriteLockedByCurrentThread());
                lock.unlockWrite();
            });
            waitForParked(lock, writer);
            assertEquals(RwLock.KEY_WRITER, queueKeyOf(lock, writer));
            assertWord(R | W | wp(lock), lock);
            assertFalse(lock.isWriteLocked(), "a claimed but not yet held write lock is not write-locked");
            assertNull(lock.writeOwner(), "the owner is set only once the readers have left");
            assertFalse(acquired.get());
            lock.unlockRead();
            awaitTermination(writer);
            assertTrue(acquired.get());
            assertWord(0, lock);
        }
    }

    @Test
    void writersQueuedBehindAWriterAllGetTheLockInTurn() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockWrite();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = newStartedThread("writer-" + i, () -> {
                lock.lockWrite();
                assertEquals(1, inside.incrementAndGet());
                Thread.yield();
                assertEquals(0, inside.decrementAndGet());
                done.incrementAndGet();
                lock.unlockWrite();
            });
            writers.add(t);
            waitForParked(lock, t);
        }
        assertEquals(4, lock.getQueueLength());
        assertWord(W | P, lock);
        lock.unlockWrite();
        for (Thread t : writers) {
            awaitTermination(t);
        }
        assertEquals(4, done.get());
        assertWord(0, lock);
    }

    @Test
    void ownerIsVisibleToOtherThreadsAndClearedOnUnlock() throws InterruptedException {
        RwLock lock = newLock();
        Holder writer = holdWrite(lock);
        assertSame(writer.thread, lock.writeOwner());
        assertFalse(lock.isWriteLockedByCurrentThread());
        assertTrue(lock.isWriteLocked());
        writer.release();
        assertNull(lock.writeOwner());
        assertFalse(lock.isWriteLocked());
    }

    /** Mutual exclusion under contention, checked on plain fields guarded by the lock. */
    @Test
    void writersExcludeEachOther() throws InterruptedException {
        RwLock lock = newLock();
        long[] counter = new long[1];
        int threads = 4;
        int perThread = 20_000;
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            final int k = i;
            ts.add(newStartedThread("writer-" + i, () -> {
                for (int j = 0; j < perThread; j++) {
                    if ((j + k) % 3 == 0) {
                        lock.lockWrite();
                    } else if ((j + k) % 3 == 1) {
                        while (!lock.tryLockWrite()) {
                            Thread.onSpinWait();
                        }
                    } else {
                        assertTrue(lock.tryLockWrite(LONG_DELAY_MS, MILLISECONDS));
                    }
                    counter[0]++;
                    if ((j & 1) == 0) {
                        lock.unlockWrite();
                    } else {
                        lock.unlockWriteFair();
                    }
                }
            }));
        }
        for (Thread t : ts) {
            awaitTermination(t);
        }
        assertEquals((long) threads * perThread, counter[0]);
        assertWord(0, lock);
    }
}
