// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.AbstractOwnableSynchronizer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Introspection and identity: {@code isLocked}, {@code isWriteLocked},
 * {@code isWriteLockedByCurrentThread}, {@code writeOwner}, {@code getReadLockCount},
 * {@code hasQueuedThreads}, {@code getQueueLength}, {@code stateWord}, {@code toString} (format
 * {@code RwLock@hash[FLAGS, readers=n, owner=name]}), {@code getName}, {@code isFair}; the type
 * hierarchy; and serialization (a deserialized lock is unlocked and keeps its fairness and name).
 *
 * <p>A group of the {@link RwLockContract} suite: every variant of the lock runs it.
 */
public abstract class IntrospectionContract extends ContractGroup {

    protected IntrospectionContract(RwLockContract variant) {
        super(variant);
    }

    @Test
    void typeHierarchy() {
        RwLock lock = newLock();
        assertTrue(lock instanceof ReadWriteLock);
        assertTrue(lock instanceof AbstractOwnableSynchronizer);
        assertTrue(lock instanceof java.io.Serializable);
    }

    @Test
    void newLockIsUnlockedWithNoQueue() {
        RwLock lock = newLock();
        assertEquals(0L, lock.stateWord());
        assertFalse(lock.isLocked());
        assertFalse(lock.isWriteLocked());
        assertFalse(lock.isWriteLockedByCurrentThread());
        assertNull(lock.writeOwner());
        assertEquals(0, lock.getReadLockCount());
        assertFalse(lock.hasQueuedThreads());
        assertEquals(0, lock.getQueueLength());
    }

    @Test
    void isLockedAndIsWriteLockedInEveryMode() {
        RwLock lock = newLock();
        lock.lockRead();
        assertTrue(lock.isLocked());
        assertFalse(lock.isWriteLocked());
        lock.unlockRead();
        lock.lockUpgradable();
        assertTrue(lock.isLocked());
        assertFalse(lock.isWriteLocked());
        lock.upgrade();
        assertTrue(lock.isLocked());
        assertTrue(lock.isWriteLocked());
        lock.unlockWrite();
        assertFalse(lock.isLocked());
        // PARKED alone (a waiter about to leave) is not "locked".
        lock.setStateWordForTesting(P);
        assertFalse(lock.isLocked());
        assertFalse(lock.isWriteLocked());
        lock.setStateWordForTesting(0L);
    }

    @Test
    void getReadLockCountCountsEveryReadShareIncludingTheUpgradableOne() {
        RwLock lock = newLock();
        for (int i = 1; i <= 5; i++) {
            lock.lockRead();
            assertEquals(i, lock.getReadLockCount());
        }
        // tryLockUpgradable(): checked mode would refuse lockUpgradable() by this read holder.
        assertTrue(lock.tryLockUpgradable());
        assertEquals(6, lock.getReadLockCount());
        lock.unlockUpgradable();
        for (int i = 4; i >= 0; i--) {
            lock.unlockRead();
            assertEquals(i, lock.getReadLockCount());
        }
        lock.setStateWordForTesting((long) Integer.MAX_VALUE * R);
        assertEquals(Integer.MAX_VALUE, lock.getReadLockCount());
        lock.setStateWordForTesting(((long) Integer.MAX_VALUE + 1) * R);
        assertEquals(Integer.MAX_VALUE, lock.getReadLockCount(), "must saturate, not wrap");
        lock.setStateWordForTesting(0L);
    }

    @Test
    void queueIntrospectionCountsMainAndWriterQueues() throws InterruptedException {
        RwLock lock = newLock();
        Holder reader = holdRead(lock);
        Thread writer = newStartedThread("writer", () -> {
            lock.lockWrite();
            lock.unlockWrite();
        });
        waitForParked(lock, writer);
        assertTrue(lock.hasQueuedThreads());
        assertEquals(1, lock.getQueueLength());
        Thread lateReader = newStartedThread("late-reader", () -> {
            lock.lockRead();
            lock.unlockRead();
        });
        waitForParked(lock, lateReader);
        assertEquals(2, lock.getQueueLength());
        assertTrue(lock.hasQueuedThreads());
        // Read-biased: the writer waits for the biased reader outside the parking lot; the queue
        // length counts it, the parking lot's snapshot does not.
        assertEquals(readBiased() ? 1 : 2, lock.parkedThreads().size());
        assertSame(lateReader, lock.parkedThreads().get(0).thread, "MAIN queue first");
        if (!readBiased()) {
            assertSame(writer, lock.parkedThreads().get(1).thread);
        }
        reader.release();
        awaitTermination(writer);
        awaitTermination(lateReader);
        assertFalse(lock.hasQueuedThreads());
        assertEquals(0, lock.getQueueLength());
    }

    @Test
    void conditionWaitersAreNotInTheLocksQueue() throws InterruptedException {
        RwLock lock = newLock();
        Condition c = lock.writeLock().newCondition();
        Thread waiter = newStartedThread("waiter", () -> {
            lock.lockWrite();
            c.await();
            lock.unlockWrite();
        });
        waitForBlockedOn(c, waiter);
        assertEquals(0, lock.getQueueLength());
        assertFalse(lock.hasQueuedThreads());
        lock.lockWrite();
        c.signal();
        lock.unlockWrite();
        awaitTermination(waiter);
    }

    @Test
    void queueIntrospectionOfManyLocksDoesNotMixThemUp() throws InterruptedException {
        // Locks share parking-lot buckets; counts must filter by lock.
        RwLock[] locks = new RwLock[64];
        for (int i = 0; i < locks.length; i++) {
            locks[i] = newLock();
        }
        RwLock target = locks[0];
        target.lockWrite();
        Thread waiter = newStartedThread("waiter", () -> {
            target.lockRead();
            target.unlockRead();
        });
        waitForParked(target, waiter);
        for (int i = 1; i < locks.length; i++) {
            assertEquals(0, locks[i].getQueueLength());
            assertFalse(locks[i].hasQueuedThreads());
        }
        assertEquals(1, target.getQueueLength());
        target.unlockWrite();
        awaitTermination(waiter);
    }

    @Test
    void stateWordIsTheRawWord() {
        RwLock lock = newLock();
        lock.lockRead();
        lock.lockRead();
        // Read-biased: the first share is on this thread's slot (unless another lock's share holds
        // it), the second, a plain re-entry, in the word; the word counts only what is in it.
        long biased = lock.biasedReadShares();
        assertTrue(readBiased() ? biased <= 1 : biased == 0, "biased shares: " + biased);
        assertEquals((2 - biased) * R, lock.stateWord());
        lock.unlockRead();
        lock.unlockRead();
        lock.lockWrite();
        assertEquals(W, lock.stateWord());
        lock.unlockWrite();
        lock.setStateWordForTesting(0x1234_5678_9ABC_DEF0L);
        assertEquals(0x1234_5678_9ABC_DEF0L, lock.stateWord());
        lock.setStateWordForTesting(0L);
    }

    // ------------------------------------------------------------------------------------ toString

    /** How toString() names the lock: {@code RwLock@hash}, or {@code RwLock(name)@hash} for a named lock. */
    private static final Pattern ID = Pattern.compile("RwLock(\\([^)]+\\))?@[0-9a-f]+");

    @Test
    void toStringDecodesTheWord() {
        RwLock lock = newLock();
        String id = lockId(lock);
        assertEquals(id + "[unlocked, readers=0]", lock.toString());
        assertTrue(ID.matcher(id).matches(), id);
        lock.lockRead();
        lock.lockRead();
        long biased = lock.biasedReadShares(); // read-biased: the first read's share, on its slot
        assertEquals(
                id + "[no signal bits, readers=2" + (biased > 0 ? " (" + biased + " biased)]" : "]"), lock.toString());
        lock.unlockRead();
        lock.unlockRead();
        lock.lockUpgradable();
        assertEquals(id + "[UPGRADABLE, readers=1]", lock.toString());
        lock.unlockUpgradable();
    }

    @Test
    void toStringShowsTheWriteOwnerByName() throws InterruptedException {
        RwLock lock = newLock();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        Thread worker = newStartedThread("worker-3", () -> {
            lock.lockWrite();
            held.countDown();
            await(checked);
            lock.unlockWrite();
        });
        await(held);
        String id = lockId(lock);
        assertEquals(id + "[WRITER, readers=0, owner=worker-3]", lock.toString());
        // The example of RwLock.toString()'s javadoc: WRITER with WRITER_PARKED (set here by hand).
        lock.setStateWordForTesting(W | WP);
        assertEquals(id + "[WRITER|WRITER_PARKED, readers=0, owner=worker-3]", lock.toString());
        lock.setStateWordForTesting(W);
        checked.countDown();
        awaitTermination(worker);
        assertEquals(id + "[unlocked, readers=0]", lock.toString());
    }

    @Test
    void toStringOfAWriterWaitingForReaders() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockRead();
        Thread writer = newStartedThread("writer", () -> {
            lock.lockWrite();
            lock.unlockWrite();
        });
        waitForParked(lock, writer);
        // WRITER is claimed but not held: no owner yet. Read-biased: the reader is on its slot, and
        // the writer waits for it outside the WRITER queue (no WRITER_PARKED).
        assertEquals(
                lockId(lock) + (readBiased() ? "[WRITER, readers=1 (1 biased)]" : "[WRITER|WRITER_PARKED, readers=1]"),
                lock.toString());
        lock.unlockRead();
        awaitTermination(writer);
    }

    @Test
    void toStringFlagsACorruptWord() {
        RwLock lock = newLock();
        lock.setStateWordForTesting(0xFFFFFFFFFFFFFFFEL);
        String s = lock.toString();
        assertTrue(s.startsWith(lockId(lock) + "[WRITER|WRITER_PARKED|UPGRADABLE, readers=2^60-1 (saturated)"), s);
        assertTrue(s.contains("CORRUPT word=0xFFFFFFFFFFFFFFFE"), s);
        lock.setStateWordForTesting(0L);
        assertFalse(lock.toString().contains("CORRUPT"));
    }

    // ------------------------------------------------------------------------------- serialization

    @Test
    void serializationGivesAnUnlockedLockWithTheSameFairnessAndName() throws Exception {
        RwLock lock = newLock();
        lock.lockWrite();
        RwLock copy = RwLockConstructionTest.roundTrip(lock);
        assertNotSame(lock, copy);
        assertEquals(0L, copy.stateWord(), "a deserialized lock is unlocked");
        assertNull(copy.writeOwner());
        assertEquals(lock.isFair(), copy.isFair());
        assertEquals(lock.getName(), copy.getName());
        assertTrue(lock.isWriteLockedByCurrentThread(), "serializing does not touch the original");
        lock.unlockWrite();
        assertWord(0, lock);
    }

    @Test
    void deserializedLockWorks() throws Exception {
        RwLock lock = newLock();
        lock.lockWrite();
        RwLock copy = RwLockConstructionTest.roundTrip(lock);
        lock.unlockWrite();
        copy.lockWrite();
        assertTrue(copy.isWriteLockedByCurrentThread());
        copy.downgrade();
        assertTrue(copy.tryLockRead());
        copy.unlockRead();
        copy.unlockRead();
        assertEquals(0L, copy.stateWord());
        // Views are per instance, recreated after deserialization.
        assertNotSame(lock.readLock(), copy.readLock());
        copy.writeLock().lock();
        assertTrue(copy.isWriteLockedByCurrentThread());
        copy.writeLock().unlock();
        assertEquals(0L, copy.stateWord());
    }
}
