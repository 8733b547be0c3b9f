// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static io.github.lockword.DiagTestSupport.awaitParkedOn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Hold tracking of built locks, long-hold reports, LockReport.of, and what ThreadMXBean sees. */
class InstrumentedTest {

    private static final long R = LockState.ONE_READER;
    private static final long W = LockState.WRITER;

    private static InstrumentedRwLock tracked(String name) {
        return (InstrumentedRwLock) RwLock.builder().name(name).build();
    }

    @Test
    void writeHoldIsRecordedAndBecomesTheLastHold() {
        InstrumentedRwLock lock = tracked("w");
        Thread me = Thread.currentThread();
        long before = System.nanoTime();
        lock.lockWrite();
        InstrumentedRwLock.Hold h = lock.writeHold();
        assertSame(me, h.thread);
        assertEquals(LockMode.WRITE, h.mode);
        assertTrue(h.acquiredNanos - before >= 0);
        lock.unlockWrite();
        assertNull(lock.writeHold());
        InstrumentedRwLock.Hold last = lock.lastWriteHold();
        assertSame(h, last);
        assertEquals(me.getName(), last.threadName);
        assertTrue(last.releasedNanos - last.acquiredNanos >= 0);
        assertEquals(0L, lock.stateWord());
    }

    @Test
    void everyWritePathRecordsExactlyOneHold() throws Exception {
        InstrumentedRwLock lock = tracked("paths");
        // tryLockWrite(timeout) calls tryLockWrite() virtually: still one hold, kept from the first record.
        assertTrue(lock.tryLockWrite(1, TimeUnit.SECONDS));
        InstrumentedRwLock.Hold h = lock.writeHold();
        assertNotNull(h);
        lock.unlockWriteFair();
        assertSame(h, lock.lastWriteHold());
        assertNull(lock.writeHold());

        lock.writeLock().lock();
        assertNotNull(lock.writeHold());
        lock.writeLock().unlock();
        assertNull(lock.writeHold());

        lock.lockWriteInterruptibly();
        assertNotNull(lock.writeHold());
        lock.unlockWrite();

        assertTrue(lock.tryLockWrite());
        assertNotNull(lock.writeHold());
        lock.unlockWrite();
        assertNull(lock.writeHold());
        assertEquals(0L, lock.stateWord());
    }

    @Test
    void upgradableHoldFollowsUpgradesAndDowngrades() throws Exception {
        InstrumentedRwLock lock = tracked("u");
        lock.lockUpgradable();
        InstrumentedRwLock.Hold u = lock.upgradableHold();
        assertEquals(LockMode.UPGRADABLE, u.mode);
        assertNull(lock.writeHold());

        lock.upgrade();
        assertNull(lock.upgradableHold());
        assertSame(u, lock.lastUpgradableHold());
        assertNotNull(lock.writeHold());

        lock.downgradeToUpgradable();
        assertNull(lock.writeHold());
        assertNotNull(lock.upgradableHold());

        // tryUpgrade(0) calls tryUpgrade() virtually.
        assertTrue(lock.tryUpgrade(0, TimeUnit.SECONDS));
        assertNull(lock.upgradableHold());
        assertNotNull(lock.writeHold());
        lock.downgrade();
        assertNull(lock.writeHold());
        assertEquals(R, lock.stateWord());
        lock.unlockRead();

        assertTrue(lock.tryLockUpgradable(1, TimeUnit.SECONDS));
        lock.downgradeUpgradable();
        assertNull(lock.upgradableHold());
        lock.unlockRead();

        assertTrue(lock.tryLockUpgradable());
        lock.unlockUpgradableFair();
        assertNull(lock.upgradableHold());
        assertEquals(0L, lock.stateWord());
    }

    @Test
    void timedOutUpgradeKeepsTheUpgradableHold() throws Exception {
        InstrumentedRwLock lock = tracked("timed-upgrade");
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        try (DiagTestSupport.Helpers h = new DiagTestSupport.Helpers()) {
            h.start("reader", () -> {
                lock.lockRead();
                reading.countDown();
                assertTrue(done.await(DiagTestSupport.LONG_MS, TimeUnit.MILLISECONDS));
                lock.unlockRead();
            });
            assertTrue(reading.await(DiagTestSupport.LONG_MS, TimeUnit.MILLISECONDS));
            lock.lockUpgradable();
            InstrumentedRwLock.Hold u = lock.upgradableHold();
            assertFalse(lock.tryUpgrade(20, TimeUnit.MILLISECONDS));
            assertSame(u, lock.upgradableHold());
            assertNull(lock.writeHold());
            lock.unlockUpgradable();
            done.countDown();
        }
        assertEquals(0L, lock.stateWord());
    }

    @Test
    void longHoldsAreReportedToTheListenerOnRelease() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        LockListener l = new LockListener() {
            @Override
            public void longHold(RwLock lock, LockMode mode, Thread holder, long heldNanos) {
                seen.add(mode + " " + holder.getName() + " " + (heldNanos >= TimeUnit.MILLISECONDS.toNanos(30)));
            }
        };
        RwLock lock = RwLock.builder()
                .name("long")
                .listener(l)
                .longHoldThreshold(Duration.ofMillis(30))
                .build();
        String me = Thread.currentThread().getName();

        lock.lockWrite();
        lock.unlockWrite(); // short: not reported
        assertEquals(List.of(), seen);

        lock.lockWrite();
        Thread.sleep(40);
        lock.unlockWrite();
        assertEquals(List.of("WRITE " + me + " true"), seen);

        lock.lockUpgradable();
        Thread.sleep(40);
        lock.upgrade(); // the upgradable hold ends here
        lock.unlockWrite();
        assertEquals(List.of("WRITE " + me + " true", "UPGRADABLE " + me + " true"), seen);
        assertEquals(0L, lock.stateWord());
    }

    @Test
    void lockReportOfShowsHolderLastHolderAndWaiters() throws Exception {
        InstrumentedRwLock lock = tracked("report");
        lock.lockWrite();
        lock.unlockWrite();
        lock.lockWrite();
        try (DiagTestSupport.Helpers h = new DiagTestSupport.Helpers()) {
            Thread reader = h.start("report-reader", () -> {
                lock.lockRead();
                lock.unlockRead();
            });
            awaitParkedOn(lock, reader);
            LockReport r = LockReport.of(lock);
            assertEquals("report", r.lockName());
            assertTrue(r.findings().isEmpty());
            assertEquals(1, r.holders().size());
            LockReport.Holder holder = r.holders().get(0);
            assertEquals(Thread.currentThread().getName(), holder.thread());
            assertEquals(LockMode.WRITE, holder.mode());
            assertTrue(holder.tracked());
            assertTrue(holder.heldNanos() >= 0);
            assertFalse(holder.stack().isEmpty());
            assertEquals(1, r.lastHolders().size());
            assertEquals(1, r.waiters().size());
            assertEquals("report-reader", r.waiters().get(0).thread());
            assertEquals(LockMode.READ, r.waiters().get(0).mode());
            assertEquals("MAIN", r.waiters().get(0).queue());
            String text = r.toString();
            assertTrue(text.contains("RwLock(report)@"), text);
            assertTrue(text.contains("\"report-reader\" READ in MAIN queue"), text);
            assertTrue(text.contains("stack of holder"), text);
            lock.unlockWrite();
        }
        assertEquals(0L, lock.stateWord());
    }

    @Test
    void threadMXBeanSeesTheOwnerAndTheBlockerForPlainAndBuiltLocks() throws Exception {
        checkThreadMXBean(new RwLock());
        checkThreadMXBean(RwLock.builder().name("mx").checked(true).build());
    }

    /**
     * java.lang.management through reflection: these tests compile inside module io.github.lockword,
     * which does not read java.management (surefire runs them on the class path).
     */
    private static Object call(Object target, String type, String method, Class<?>[] sig, Object... args)
            throws Exception {
        Method m = Class.forName(type).getMethod(method, sig);
        return m.invoke(target, args);
    }

    private static void checkThreadMXBean(RwLock lock) throws Exception {
        final String mxType = "java.lang.management.ThreadMXBean";
        final String infoType = "java.lang.management.ThreadInfo";
        final String lockInfoType = "java.lang.management.LockInfo";
        Object mx = call(null, "java.lang.management.ManagementFactory", "getThreadMXBean", new Class<?>[0]);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (DiagTestSupport.Helpers h = new DiagTestSupport.Helpers()) {
            Thread owner = h.start("mx-owner", () -> {
                lock.lockWrite();
                held.countDown();
                assertTrue(release.await(DiagTestSupport.LONG_MS, TimeUnit.MILLISECONDS));
                lock.unlockWrite();
            });
            assertTrue(held.await(DiagTestSupport.LONG_MS, TimeUnit.MILLISECONDS));
            Thread blocked = h.start("mx-blocked", () -> {
                lock.lockWrite();
                lock.unlockWrite();
            });
            awaitParkedOn(lock, blocked);

            Object bi = call(mx, mxType, "getThreadInfo", new Class<?>[] {long.class}, blocked.getId());
            assertEquals(Thread.State.WAITING, call(bi, infoType, "getThreadState", new Class<?>[0]));
            Object li = call(bi, infoType, "getLockInfo", new Class<?>[0]);
            assertNotNull(li, "the blocker is reported");
            assertEquals(lock.getClass().getName(), call(li, lockInfoType, "getClassName", new Class<?>[0]));
            assertEquals(System.identityHashCode(lock), call(li, lockInfoType, "getIdentityHashCode", new Class<?>[0]));
            assertEquals(
                    "mx-owner",
                    call(bi, infoType, "getLockOwnerName", new Class<?>[0]),
                    "the RwLock is an ownable synchronizer whose owner is the write owner");
            assertEquals(owner.getId(), call(bi, infoType, "getLockOwnerId", new Class<?>[0]));

            Object infos = call(
                    mx,
                    mxType,
                    "getThreadInfo",
                    new Class<?>[] {long[].class, boolean.class, boolean.class},
                    new long[] {owner.getId()},
                    false,
                    true);
            Object oi = java.lang.reflect.Array.get(infos, 0);
            Object syncs = call(oi, infoType, "getLockedSynchronizers", new Class<?>[0]);
            boolean found = false;
            for (int i = 0; i < java.lang.reflect.Array.getLength(syncs); i++) {
                Object s = java.lang.reflect.Array.get(syncs, i);
                found |= (int) call(s, lockInfoType, "getIdentityHashCode", new Class<?>[0])
                        == System.identityHashCode(lock);
            }
            assertTrue(found, "the owner's locked synchronizers include the lock");
            release.countDown();
        }
        assertEquals(0L, lock.stateWord());
    }

    @Test
    void builtLocksSerializeAsBuiltLocks() throws Exception {
        RwLock lock = RwLock.builder().name("serial").checked(true).build();
        lock.lockWrite();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(lock);
        }
        lock.unlockWrite();
        Object copy;
        try (java.io.ObjectInputStream in =
                new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            copy = in.readObject();
        }
        InstrumentedRwLock c = (InstrumentedRwLock) copy;
        assertEquals("serial", c.getName());
        assertTrue(c.isChecked());
        assertEquals(0L, c.stateWord(), "deserialized unlocked");
        assertNull(c.writeHold());
    }

    @Test
    void readSideOfAnUncheckedTrackedLockIsPlain() {
        InstrumentedRwLock lock = tracked("reads");
        lock.lockRead();
        lock.lockReadRecursive();
        assertTrue(lock.tryLockRead());
        assertEquals(3 * R, lock.stateWord());
        assertEquals(0, lock.readHoldCount());
        lock.unlockRead();
        lock.unlockRead();
        lock.unlockRead();
        assertEquals(0L, lock.stateWord());
        lock.lockWrite();
        assertEquals(W, lock.stateWord());
        lock.unlockWrite();
    }
}
