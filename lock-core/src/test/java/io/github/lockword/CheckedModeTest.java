// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static io.github.lockword.DiagTestSupport.await;
import static io.github.lockword.DiagTestSupport.awaitParkedOn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Checked mode turns each self-deadlock pattern, and each unlock of what the thread does not hold,
 * into an IllegalMonitorStateException that names the lock and the thread, and leaves the word as it
 * was.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CheckedModeTest {
    // Several tests here call lockWrite()/lockUpgradable() while holding a read lock: checked mode
    // must throw. If it regressed, those calls would self-deadlock uninterruptibly, so each test runs
    // in a thread of its own that JUnit abandons (failing the test) after 60 s.

    private static final long R = LockState.ONE_READER;
    private static final long U = LockState.UPGRADABLE;
    private static final long W = LockState.WRITER;
    private static final long WP = LockState.WRITER_PARKED;

    private static RwLock checkedLock(String name) {
        return RwLock.builder().name(name).checked(true).build();
    }

    /** Runs {@code op}, expects the exception, checks its message names lock and thread and the word is unchanged. */
    private static IllegalMonitorStateException assertMisuse(
            RwLock lock, String op, Executable call, String... mentions) {
        long before = lock.stateWord();
        IllegalMonitorStateException e = assertThrows(IllegalMonitorStateException.class, call, op);
        String m = e.getMessage();
        assertTrue(m.contains(lock.getName()), op + ": message should name the lock: " + m);
        assertTrue(m.contains(Thread.currentThread().getName()), op + ": message should name the thread: " + m);
        for (String s : mentions) {
            assertTrue(m.contains(s), op + ": message should mention " + s + ": " + m);
        }
        assertEquals(before, lock.stateWord(), op + ": the word must be unchanged");
        return e;
    }

    @Test
    void builderMakesInstrumentedLocksAndDefaultsStayPlain() {
        assertSame(RwLock.class, new RwLock().getClass());
        assertSame(RwLock.class, new RwLock(true).getClass());
        assertSame(
                RwLock.class,
                RwLock.builder().name("plain").trackHolds(false).build().getClass());
        assertInstanceOf(InstrumentedRwLock.class, RwLock.builder().build());
        assertInstanceOf(
                InstrumentedRwLock.class,
                RwLock.builder().checked(true).trackHolds(false).build());
        assertTrue(((InstrumentedRwLock) checkedLock("c")).isChecked());
    }

    @Test
    void readHolderAskingForWriteOrUpgradableThrows() {
        RwLock lock = checkedLock("orders");
        lock.lockRead();
        Map<String, Executable> ops = new LinkedHashMap<>();
        ops.put("lockWrite", lock::lockWrite);
        ops.put("lockWriteInterruptibly", lock::lockWriteInterruptibly);
        ops.put("tryLockWrite(timeout)", () -> lock.tryLockWrite(10, TimeUnit.SECONDS));
        ops.put("writeLock().lock()", () -> lock.writeLock().lock());
        ops.put("writeLock().tryLock(timeout)", () -> lock.writeLock().tryLock(10, TimeUnit.SECONDS));
        ops.put("lockUpgradable", lock::lockUpgradable);
        ops.put("lockUpgradableInterruptibly", lock::lockUpgradableInterruptibly);
        ops.put("tryLockUpgradable(timeout)", () -> lock.tryLockUpgradable(10, TimeUnit.SECONDS));
        for (Map.Entry<String, Executable> op : ops.entrySet()) {
            assertMisuse(lock, op.getKey(), op.getValue(), "1 read lock", "self-deadlock");
        }
        // Never-waiting tries cannot hang: the word answers them as usual.
        assertFalse(lock.tryLockWrite());
        assertEquals(R, lock.stateWord());
        lock.unlockRead();
        assertEquals(0L, lock.stateWord());
        // Once released, the same thread may write.
        lock.lockWrite();
        lock.unlockWrite();
        assertEquals(0L, lock.stateWord());
    }

    @Test
    void upgradableHolderAskingForWriteOrAnotherUpgradableThrows() {
        RwLock lock = checkedLock("routes");
        lock.lockUpgradable();
        assertMisuse(lock, "lockWrite", lock::lockWrite, "upgrade()");
        assertMisuse(lock, "tryLockWrite(timeout)", () -> lock.tryLockWrite(1, TimeUnit.SECONDS), "upgrade()");
        assertMisuse(lock, "lockUpgradable", lock::lockUpgradable, "not reentrant");
        assertMisuse(lock, "tryLockUpgradable(timeout)", () -> lock.tryLockUpgradable(1, TimeUnit.SECONDS));
        // A plain read on top of the upgradable lock is fine, but then upgrading would wait for it.
        lock.lockRead();
        assertMisuse(lock, "upgrade", lock::upgrade, "1 read lock");
        assertMisuse(lock, "tryUpgrade(timeout)", () -> lock.tryUpgrade(1, TimeUnit.SECONDS), "1 read lock");
        lock.unlockRead();
        lock.upgrade();
        assertEquals(W, lock.stateWord());
        lock.unlockWrite();
        assertEquals(0L, lock.stateWord());
    }

    @Test
    void readReentryBehindWaitingWriterThrowsAndPointsToLockReadRecursive() throws Exception {
        RwLock lock = checkedLock("catalog");
        try (DiagTestSupport.Helpers h = new DiagTestSupport.Helpers()) {
            lock.lockRead();
            Thread writer = h.start("writer", () -> {
                lock.lockWrite();
                lock.unlockWrite();
            });
            awaitParkedOn(lock, writer);
            await("the writer waits for readers", () -> lock.stateWord() == (R | W | WP));
            assertMisuse(lock, "lockRead", lock::lockRead, "lockReadRecursive()", "self-deadlock");
            assertMisuse(lock, "lockReadInterruptibly", lock::lockReadInterruptibly, "lockReadRecursive()");
            assertMisuse(
                    lock, "tryLockRead(timeout)", () -> lock.tryLockRead(10, TimeUnit.SECONDS), "lockReadRecursive()");
            assertMisuse(lock, "readLock().lock()", () -> lock.readLock().lock(), "lockReadRecursive()");
            assertFalse(lock.tryLockRead(), "a never-waiting try simply fails");
            // The pointer is right: a recursive read gets in.
            lock.lockReadRecursive();
            assertEquals(2 * R | W | WP, lock.stateWord());
            lock.unlockRead();
            lock.unlockRead();
            writer.join(DiagTestSupport.LONG_MS);
        }
        assertEquals(0L, lock.stateWord());
    }

    @Test
    void readReentryWithoutWaitingWriterIsAllowed() {
        RwLock lock = checkedLock("nested");
        lock.lockRead();
        lock.lockRead();
        assertTrue(lock.tryLockRead());
        assertEquals(3 * R, lock.stateWord());
        lock.unlockRead();
        lock.unlockRead();
        lock.unlockRead();
        assertEquals(0L, lock.stateWord());
    }

    @Test
    void unlockByThreadThatHoldsNothingThrows() throws Exception {
        RwLock lock = checkedLock("ledger");
        assertMisuse(lock, "unlockRead", lock::unlockRead, "holds no read lock");
        assertMisuse(lock, "unlockUpgradable", lock::unlockUpgradable, "does not hold the upgradable");
        assertMisuse(lock, "unlockUpgradableFair", lock::unlockUpgradableFair, "does not hold the upgradable");
        assertMisuse(lock, "downgradeUpgradable", lock::downgradeUpgradable, "does not hold the upgradable");
        assertMisuse(lock, "upgrade", lock::upgrade, "does not hold the upgradable");
        assertMisuse(lock, "tryUpgrade", lock::tryUpgrade, "does not hold the upgradable");
        assertMisuse(lock, "unlockWrite", lock::unlockWrite, "does not hold the write lock");
        assertMisuse(lock, "downgrade", lock::downgrade, "does not hold the write lock");
        assertMisuse(lock, "readLock().unlock()", () -> lock.readLock().unlock());

        // Another thread's holds are not ours: the word shows a reader and an upgradable holder, yet
        // this thread may release neither.
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (DiagTestSupport.Helpers h = new DiagTestSupport.Helpers()) {
            h.start("holder", () -> {
                lock.lockUpgradable();
                lock.lockRead();
                held.countDown();
                assertTrue(release.await(DiagTestSupport.LONG_MS, TimeUnit.MILLISECONDS));
                lock.unlockUpgradable();
                lock.unlockRead();
            });
            assertTrue(held.await(DiagTestSupport.LONG_MS, TimeUnit.MILLISECONDS), "the holder got its locks");
            assertEquals(2 * R | U, lock.stateWord());
            assertMisuse(lock, "unlockRead (other's hold)", lock::unlockRead, "holds no read lock");
            assertMisuse(lock, "unlockUpgradable (other's hold)", lock::unlockUpgradable, "\"holder\" does");
            release.countDown();
        }
        assertEquals(0L, lock.stateWord());
    }

    @Test
    void upgradableHolderReleasingWithUnlockReadIsToldToUseUnlockUpgradable() {
        RwLock lock = checkedLock("u");
        lock.lockUpgradable();
        assertMisuse(lock, "unlockRead", lock::unlockRead, "unlockUpgradable()");
        lock.unlockUpgradable();
        assertEquals(0L, lock.stateWord());
    }

    @Test
    void writeOwnerAskingForReadStillThrows() {
        RwLock lock = checkedLock("w");
        lock.lockWrite();
        assertMisuse(lock, "lockRead", lock::lockRead);
        assertMisuse(lock, "lockWrite", lock::lockWrite);
        lock.unlockWrite();
        assertEquals(0L, lock.stateWord());
    }

    @Test
    void downgradesKeepTheReadCountsRight() {
        RwLock lock = checkedLock("downgrades");
        lock.lockWrite();
        lock.downgrade();
        assertEquals(1, ((InstrumentedRwLock) lock).readHoldCount());
        assertMisuse(lock, "lockWrite after downgrade", lock::lockWrite, "1 read lock");
        lock.unlockRead();
        assertMisuse(lock, "second unlockRead", lock::unlockRead, "holds no read lock");

        lock.lockWrite();
        lock.downgradeToUpgradable();
        assertEquals(R | U, lock.stateWord());
        lock.downgradeUpgradable();
        assertEquals(R, lock.stateWord());
        lock.unlockRead();
        assertEquals(0L, lock.stateWord());
        assertEquals(0, ((InstrumentedRwLock) lock).readHoldCount());
    }

    @Test
    void writeConditionWorksOnACheckedLock() throws Exception {
        RwLock lock = checkedLock("cond");
        Condition ready = lock.writeLock().newCondition();
        boolean[] flag = new boolean[1];
        try (DiagTestSupport.Helpers h = new DiagTestSupport.Helpers()) {
            Thread waiter = h.start("awaiter", () -> {
                lock.lockWrite();
                try {
                    while (!flag[0]) {
                        ready.await();
                    }
                    assertTrue(lock.isWriteLockedByCurrentThread());
                    assertSame(Thread.currentThread(), ((InstrumentedRwLock) lock).writeHold().thread);
                } finally {
                    lock.unlockWrite();
                }
            });
            await(
                    "the awaiter released the lock in await()",
                    () -> waiter.getState() == Thread.State.WAITING && !lock.isWriteLocked());
            lock.lockWrite();
            flag[0] = true;
            ready.signal();
            lock.unlockWrite();
        }
        assertEquals(0L, lock.stateWord());
        assertEquals("awaiter", ((InstrumentedRwLock) lock).lastWriteHold().threadName);
    }

    @Test
    void mixedWorkloadOnACheckedLockRaisesNothingAndEndsAtZero() throws Exception {
        RwLock lock = RwLock.builder().name("mixed").checked(true).build();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
        try (DiagTestSupport.Helpers h = new DiagTestSupport.Helpers()) {
            for (int t = 0; t < 3; t++) {
                h.start("mixed-" + t, () -> {
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    while (System.nanoTime() < end) {
                        switch (rnd.nextInt(7)) {
                            case 0:
                                lock.lockRead();
                                lock.lockReadRecursive();
                                lock.unlockRead();
                                lock.unlockRead();
                                break;
                            case 1:
                                lock.lockWrite();
                                lock.downgrade();
                                lock.unlockRead();
                                break;
                            case 2:
                                if (lock.tryLockWrite(rnd.nextInt(100), TimeUnit.MICROSECONDS)) {
                                    lock.unlockWrite();
                                }
                                break;
                            case 3:
                                lock.lockUpgradable();
                                if (lock.tryUpgrade(rnd.nextInt(100), TimeUnit.MICROSECONDS)) {
                                    lock.downgradeToUpgradable();
                                }
                                lock.unlockUpgradable();
                                break;
                            case 4:
                                lock.lockUpgradable();
                                lock.upgrade();
                                lock.unlockWriteFair();
                                break;
                            case 5:
                                if (lock.tryLockRead(rnd.nextInt(100), TimeUnit.MICROSECONDS)) {
                                    lock.unlockRead();
                                }
                                break;
                            default:
                                lock.lockUpgradable();
                                lock.downgradeUpgradable();
                                lock.unlockRead();
                        }
                    }
                });
            }
        }
        assertEquals(0L, lock.stateWord(), lock.toString());
        InstrumentedRwLock il = (InstrumentedRwLock) lock;
        assertEquals(null, il.writeHold());
        assertEquals(null, il.upgradableHold());
    }
}
