// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import org.junit.jupiter.api.Test;

/**
 * The {@link ReadWriteLock} views: {@code readLock()} and {@code writeLock()} are stable
 * {@link Lock}s with the full {@code Lock} contract mapped onto the lock's read and write modes
 * ({@code lock}, {@code lockInterruptibly}, {@code tryLock}, {@code tryLock(long, TimeUnit)},
 * {@code unlock}); {@code writeLock().newCondition()} gives a new condition each call;
 * {@code readLock().newCondition()} throws {@link UnsupportedOperationException}.
 *
 * <p>A group of the {@link RwLockContract} suite: every variant of the lock runs it.
 */
public abstract class ViewsContract extends ContractGroup {

    protected ViewsContract(RwLockContract variant) {
        super(variant);
    }

    @Test
    void viewsAreStableAndDistinct() {
        RwLock lock = newLock();
        ReadWriteLock rw = lock;
        Lock r = rw.readLock();
        Lock w = rw.writeLock();
        assertNotNull(r);
        assertNotNull(w);
        assertNotSame(r, w);
        assertSame(r, lock.readLock());
        assertSame(w, lock.writeLock());
        assertNotSame(r, newLock().readLock());
    }

    @Test
    void concurrentFirstRequestsSeeTheSameViews() throws Exception {
        for (int round = 0; round < 50; round++) {
            RwLock lock = newLock();
            int n = 4;
            CyclicBarrier start = new CyclicBarrier(n);
            Lock[][] seen = new Lock[n][2];
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                final int k = i;
                threads.add(newStartedThread("viewer-" + i, () -> {
                    start.await(LONG_DELAY_MS, MILLISECONDS);
                    seen[k][0] = (k & 1) == 0 ? lock.readLock() : lock.writeLock();
                    seen[k][1] = (k & 1) == 0 ? lock.writeLock() : lock.readLock();
                }));
            }
            for (Thread t : threads) {
                awaitTermination(t);
            }
            for (int i = 0; i < n; i++) {
                Lock read = (i & 1) == 0 ? seen[i][0] : seen[i][1];
                Lock write = (i & 1) == 0 ? seen[i][1] : seen[i][0];
                assertSame(lock.readLock(), read);
                assertSame(lock.writeLock(), write);
            }
        }
    }

    @Test
    void readViewMapsToReadMode() throws InterruptedException {
        RwLock lock = newLock();
        Lock r = lock.readLock();
        r.lock();
        assertWord(R, lock);
        r.lockInterruptibly();
        assertTrue(r.tryLock());
        assertTrue(r.tryLock(SHORT_DELAY_MS, MILLISECONDS));
        assertWord(4 * R, lock);
        for (int i = 0; i < 4; i++) {
            r.unlock();
        }
        assertWord(0, lock);
    }

    @Test
    void writeViewMapsToWriteMode() throws InterruptedException {
        RwLock lock = newLock();
        Lock w = lock.writeLock();
        w.lock();
        assertWord(W, lock);
        assertTrue(lock.isWriteLockedByCurrentThread());
        w.unlock();
        w.lockInterruptibly();
        w.unlock();
        assertTrue(w.tryLock());
        w.unlock();
        assertTrue(w.tryLock(SHORT_DELAY_MS, MILLISECONDS));
        assertWord(W, lock);
        w.unlock();
        assertWord(0, lock);
    }

    @Test
    void viewsInteroperateWithTheLocksOwnMethods() {
        RwLock lock = newLock();
        lock.readLock().lock();
        lock.unlockRead();
        lock.lockRead();
        lock.readLock().unlock();
        lock.writeLock().lock();
        lock.unlockWrite();
        lock.lockWrite();
        lock.writeLock().unlock();
        lock.lockWrite();
        lock.downgrade();
        lock.readLock().unlock();
        assertWord(0, lock);
    }

    @Test
    void writeViewExcludesReadViewAcrossThreads() throws InterruptedException {
        RwLock lock = newLock();
        lock.writeLock().lock();
        AtomicBoolean readIn = new AtomicBoolean();
        CountDownLatch triedOnce = new CountDownLatch(1);
        Thread reader = newStartedThread("reader", () -> {
            assertFalse(lock.readLock().tryLock());
            assertFalse(lock.readLock().tryLock(SHORT_DELAY_MS, MILLISECONDS));
            triedOnce.countDown();
            lock.readLock().lock();
            readIn.set(true);
            lock.readLock().unlock();
        });
        await(triedOnce);
        waitForParked(lock, reader);
        assertFalse(readIn.get());
        lock.writeLock().unlock();
        awaitTermination(reader);
        assertTrue(readIn.get());
        assertWord(0, lock);
    }

    @Test
    void readViewHasNoConditions() {
        RwLock lock = newLock();
        UnsupportedOperationException e = assertThrows(
                UnsupportedOperationException.class, () -> lock.readLock().newCondition());
        assertTrue(e.getMessage().contains(lockId(lock)), e.getMessage());
        assertWord(0, lock);
    }

    @Test
    void writeViewGivesANewConditionEachCall() {
        RwLock lock = newLock();
        Condition c1 = lock.writeLock().newCondition();
        Condition c2 = lock.writeLock().newCondition();
        assertNotNull(c1);
        assertNotSame(c1, c2);
        assertTrue(c1.toString().startsWith(lockId(lock)), c1.toString());
    }

    @Test
    void viewToStringShowsTheLockAndItsState() {
        RwLock lock = newLock();
        assertEquals(lock + ".readLock()", lock.readLock().toString());
        assertEquals(lock + ".writeLock()", lock.writeLock().toString());
        lock.writeLock().lock();
        assertTrue(
                lock.writeLock().toString().contains("WRITER"), lock.writeLock().toString());
        assertTrue(lock.writeLock().toString().endsWith(".writeLock()"));
        lock.writeLock().unlock();
    }
}
