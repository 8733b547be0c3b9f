// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Read acquisition: {@code lockRead}, {@code lockReadInterruptibly}, {@code tryLockRead},
 * {@code tryLockRead(long, TimeUnit)}, {@code unlockRead}, {@code lockReadRecursive} and
 * {@code tryLockReadRecursive(long, TimeUnit)} — what each does to the word, that reads are shared,
 * that they exclude (and wait for) writers, and that recursive reads enter behind a waiting writer.
 *
 * <p>A group of the {@link RwLockContract} suite: every variant of the lock runs it.
 */
public abstract class ReadContract extends ContractGroup {

    protected ReadContract(RwLockContract variant) {
        super(variant);
    }

    @Test
    void lockReadAddsOneReaderAndUnlockReadRemovesIt() {
        RwLock lock = newLock();
        lock.lockRead();
        assertWord(R, lock);
        assertTrue(lock.isLocked());
        assertFalse(lock.isWriteLocked());
        assertFalse(lock.isWriteLockedByCurrentThread());
        assertEquals(1, lock.getReadLockCount());
        lock.unlockRead();
        assertWord(0, lock);
        assertFalse(lock.isLocked());
        assertEquals(0, lock.getReadLockCount());
    }

    @Test
    void lockReadInterruptiblyAcquiresAFreeLock() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockReadInterruptibly();
        assertWord(R, lock);
        lock.unlockRead();
        assertWord(0, lock);
    }

    @Test
    void tryLockReadSucceedsOnAFreeOrReadLockedLock() {
        RwLock lock = newLock();
        assertTrue(lock.tryLockRead());
        assertTrue(lock.tryLockRead());
        assertWord(2 * R, lock);
        lock.unlockRead();
        lock.unlockRead();
        assertWord(0, lock);
    }

    @Test
    void timedTryLockReadSucceedsOnAFreeLock() throws InterruptedException {
        RwLock lock = newLock();
        assertTrue(lock.tryLockRead(LONG_DELAY_MS, MILLISECONDS));
        assertTrue(lock.tryLockRead(0, MILLISECONDS));
        assertWord(2 * R, lock);
        lock.unlockRead();
        lock.unlockRead();
        assertWord(0, lock);
    }

    @Test
    void readersShareTheLockAcrossThreads() throws Exception {
        RwLock lock = newLock();
        int n = 6;
        CyclicBarrier allInside = new CyclicBarrier(n + 1);
        CountDownLatch leave = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final int k = i;
            threads.add(newStartedThread("reader-" + i, () -> {
                switch (k % 4) {
                    case 0:
                        lock.lockRead();
                        break;
                    case 1:
                        lock.lockReadInterruptibly();
                        break;
                    case 2:
                        assertTrue(lock.tryLockRead(LONG_DELAY_MS, MILLISECONDS));
                        break;
                    default:
                        lock.lockReadRecursive();
                        break;
                }
                allInside.await(LONG_DELAY_MS, MILLISECONDS);
                await(leave);
                lock.unlockRead();
            }));
        }
        allInside.await(LONG_DELAY_MS, MILLISECONDS);
        assertWord(n * R, lock);
        assertEquals(n, lock.getReadLockCount());
        assertFalse(lock.tryLockWrite());
        leave.countDown();
        for (Thread t : threads) {
            awaitTermination(t);
        }
        assertWord(0, lock);
    }

    @Test
    void readLockExcludesWritersAndUpgradableStillEnters() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockRead();
        Thread t = newStartedThread("other", () -> {
            assertFalse(lock.tryLockWrite());
            assertTrue(lock.tryLockUpgradable());
            lock.unlockUpgradable();
        });
        awaitTermination(t);
        assertWord(R, lock);
        lock.unlockRead();
    }

    @Test
    void tryLockReadFailsWhileWriteLockedAndLeavesTheWord() throws InterruptedException {
        RwLock lock = newLock();
        Holder writer = holdWrite(lock);
        assertFalse(lock.tryLockRead());
        assertFalse(lock.tryLockRead(0, MILLISECONDS));
        assertFalse(lock.tryLockRead(-1, MILLISECONDS));
        assertWord(W, lock);
        writer.release();
        assertWord(0, lock);
    }

    @Test
    void lockReadWaitsForTheWriterAndEntersWhenItLeaves() throws InterruptedException {
        for (int mode = 0; mode < 4; mode++) {
            RwLock lock = newLock();
            Holder writer = holdWrite(lock);
            AtomicBoolean acquired = new AtomicBoolean();
            final int m = mode;
            Thread reader = newStartedThread("reader", () -> {
                switch (m) {
                    case 0:
                        lock.lockRead();
                        break;
                    case 1:
                        lock.lockReadInterruptibly();
                        break;
                    case 2:
                        assertTrue(lock.tryLockRead(LONG_DELAY_MS, MILLISECONDS));
                        break;
                    default:
                        lock.lockReadRecursive();
                        break;
                }
                acquired.set(true);
                lock.unlockRead();
            });
            waitForParked(lock, reader);
            assertEquals(RwLock.KEY_MAIN, queueKeyOf(lock, reader));
            assertWord(W | P, lock);
            assertFalse(acquired.get());
            writer.release();
            awaitTermination(reader);
            assertTrue(acquired.get(), "mode " + m);
            assertWord(0, lock);
        }
    }

    @Test
    void sameThreadMayTakeSeveralReadsWhenNoWriterWaits() {
        RwLock lock = newLock();
        lock.lockRead();
        lock.lockRead();
        lock.lockReadRecursive();
        assertWord(3 * R, lock);
        assertEquals(3, lock.getReadLockCount());
        lock.unlockRead();
        lock.unlockRead();
        lock.unlockRead();
        assertWord(0, lock);
    }

    @Test
    void lockReadRecursiveOnAFreeLockIsAPlainRead() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockReadRecursive();
        assertWord(R, lock);
        assertTrue(lock.tryLockReadRecursive(0, MILLISECONDS));
        assertTrue(lock.tryLockReadRecursive(LONG_DELAY_MS, MILLISECONDS));
        assertWord(3 * R, lock);
        for (int i = 0; i < 3; i++) {
            lock.unlockRead();
        }
        assertWord(0, lock);
    }

    @Test
    void recursiveReadEntersBehindAWaitingWriterButPlainReadDoesNot() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockRead();
        Thread writer = newStartedThread("writer", () -> {
            lock.lockWrite();
            lock.unlockWrite();
        });
        waitForParked(lock, writer);
        assertEquals(RwLock.KEY_WRITER, queueKeyOf(lock, writer));
        assertWord(R | W | wp(lock), lock);

        assertFalse(lock.tryLockRead(), "a plain read must not pass a writer that waits for readers");
        if (checkedMode()) {
            // Checked mode: a timed plain read by a read holder behind a waiting writer is a read
            // re-entry that could wait for itself; it throws (even with a zero timeout).
            assertMisuse(lock, () -> lock.tryLockRead(0, MILLISECONDS));
        } else {
            assertFalse(lock.tryLockRead(0, MILLISECONDS));
        }
        lock.lockReadRecursive();
        assertTrue(lock.tryLockReadRecursive(0, MILLISECONDS));
        assertTrue(lock.tryLockReadRecursive(LONG_DELAY_MS, MILLISECONDS));
        assertWord(4 * R | W | wp(lock), lock);

        for (int i = 0; i < 3; i++) {
            lock.unlockRead();
        }
        assertTrue(writer.isAlive());
        assertWord(R | W | wp(lock), lock);
        lock.unlockRead();
        awaitTermination(writer);
        assertWord(0, lock);
    }

    /**
     * Differs by variant. A read holder taking another plain read while a writer waits for the
     * readers waits for that writer, which waits for it: the plain lock (every variant but checked)
     * can only time out, and {@code lockRead()} would hang; checked mode throws at once.
     */
    @Test
    void plainReadReentryBehindAWaitingWriterTimesOutOrInCheckedModeThrows() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockRead();
        Thread writer = newStartedThread("writer", () -> {
            lock.lockWrite();
            lock.unlockWrite();
        });
        waitForParked(lock, writer);
        assertWord(R | W | wp(lock), lock);
        if (checkedMode()) {
            assertMisuse(lock, () -> lock.tryLockRead(LONG_DELAY_MS, MILLISECONDS));
            assertMisuse(lock, lock::lockRead);
            assertMisuse(lock, lock::lockReadInterruptibly);
            assertMisuse(lock, () -> lock.readLock().lock());
        } else {
            long start = System.nanoTime();
            assertFalse(lock.tryLockRead(SHORT_DELAY_MS, MILLISECONDS));
            assertTimedOutWithin(SHORT_DELAY_MS, start, System.nanoTime());
        }
        assertWord(R | W | wp(lock), lock);
        lock.unlockRead();
        awaitTermination(writer);
        assertWord(0, lock);
    }

    @Test
    void recursiveReadWaitsWhileAWriterHoldsTheLock() throws InterruptedException {
        RwLock lock = newLock();
        Holder writer = holdWrite(lock);
        assertFalse(lock.tryLockReadRecursive(0, MILLISECONDS));
        long start = System.nanoTime();
        assertFalse(lock.tryLockReadRecursive(SHORT_DELAY_MS, MILLISECONDS));
        assertTimedOutWithin(SHORT_DELAY_MS, start, System.nanoTime());
        assertWord(W, lock);
        Thread reader = newStartedThread("recursive-reader", () -> {
            lock.lockReadRecursive();
            lock.unlockRead();
        });
        waitForParked(lock, reader);
        assertWord(W | P, lock);
        writer.release();
        awaitTermination(reader);
        assertWord(0, lock);
    }

    @Test
    void readersReleasedTogetherLetTheWriterIn() throws InterruptedException {
        RwLock lock = newLock();
        Holder r1 = holdRead(lock);
        Holder r2 = holdRead(lock);
        AtomicBoolean wrote = new AtomicBoolean();
        Thread writer = newStartedThread("writer", () -> {
            lock.lockWrite();
            wrote.set(true);
            lock.unlockWrite();
        });
        waitForParked(lock, writer);
        assertWord(2 * R | W | wp(lock), lock);
        r1.release();
        assertWord(R | W | wp(lock), lock);
        assertFalse(wrote.get());
        r2.release();
        awaitTermination(writer);
        assertTrue(wrote.get());
        assertWord(0, lock);
    }

    /** Readers never see a half-written pair, and see every completed write (exclusion and visibility). */
    @Test
    void readersNeverSeeAHalfWrittenPair() throws InterruptedException {
        RwLock lock = newLock();
        long[] pair = new long[2]; // plain fields, guarded by the lock
        int writes = 20_000;
        Thread writer = newStartedThread("writer", () -> {
            for (int i = 0; i < writes; i++) {
                lock.lockWrite();
                pair[0]++;
                Thread.onSpinWait();
                pair[1]++;
                lock.unlockWrite();
            }
        });
        long last = 0;
        while (last < writes) {
            lock.lockRead();
            long a = pair[0];
            long b = pair[1];
            lock.unlockRead();
            assertEquals(a, b, "a reader saw a write in progress");
            assertTrue(a >= last, "a reader saw an older value after a newer one");
            last = a;
            if (!writer.isAlive()) {
                lock.lockRead();
                last = pair[0];
                lock.unlockRead();
                break;
            }
        }
        awaitTermination(writer);
        assertEquals(writes, last);
        assertWord(0, lock);
    }
}
