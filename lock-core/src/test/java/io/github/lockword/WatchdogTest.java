// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static io.github.lockword.DiagTestSupport.await;
import static io.github.lockword.DiagTestSupport.awaitParkedOn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The watchdog reports each of its four conditions (corrupted word, ownerless lock with parked
 * threads, long hold, long wait), reports nothing on a healthy busy lock, survives a throwing
 * handler, and never keeps a lock alive.
 */
class WatchdogTest {

    private static final long R = LockState.ONE_READER;
    private static final long W = LockState.WRITER;
    private static final long P = LockState.PARKED;
    private static final long CORRUPT = 0xFFFFFFFFFFFFFFFEL;

    private static final Duration PERIOD = Duration.ofMillis(20);
    private static final Duration THRESHOLD = Duration.ofMillis(150);

    private final BlockingQueue<LockReport> reports = new LinkedBlockingQueue<>();

    private LockWatchdog start() {
        return LockWatchdog.builder()
                .period(PERIOD)
                .threshold(THRESHOLD)
                .handler(reports::add)
                .start();
    }

    /** The next report on the lock named {@code lockName} (null: unnamed) with a finding of {@code kind}. */
    private LockReport next(String lockName, LockReport.Kind kind) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DiagTestSupport.LONG_MS);
        List<LockReport> other = new ArrayList<>();
        while (System.nanoTime() - deadline < 0) {
            LockReport r = reports.poll(50, TimeUnit.MILLISECONDS);
            if (r != null && Objects.equals(lockName, r.lockName()) && r.has(kind)) {
                return r;
            }
            if (r != null) {
                other.add(r);
            }
        }
        throw new AssertionError("no " + kind + " report on " + lockName + "; got " + other);
    }

    /** A reader parked behind the write lock the current thread takes; interruptible so it can be let go. */
    private static Thread parkedReader(DiagTestSupport.Helpers h, RwLock lock, String name) {
        Thread t = h.start(name, () -> {
            try {
                lock.lockReadInterruptibly();
                lock.unlockRead();
            } catch (InterruptedException expected) {
                // released by the test
            }
        });
        awaitParkedOn(lock, t);
        return t;
    }

    @Test
    void corruptedWordIsReportedOnceWithItsParkedThreads() throws Exception {
        RwLock lock = RwLock.builder().name("wd-corrupt").build();
        try (LockWatchdog wd = start();
                DiagTestSupport.Helpers h = new DiagTestSupport.Helpers()) {
            wd.register(lock);
            lock.lockWrite();
            Thread reader = parkedReader(h, lock, "wd-corrupt-reader");
            // The issue-465 word, with PARKED set by the waiter.
            lock.setStateWordForTesting(CORRUPT | P);

            LockReport r = next("wd-corrupt", LockReport.Kind.CORRUPTED);
            assertEquals(CORRUPT | P, r.word());
            assertTrue(r.decodedWord().contains("CORRUPT"), r.decodedWord());
            assertFalse(r.violations().isEmpty());
            assertEquals(1, r.waiters().size(), r.toString());
            assertEquals("wd-corrupt-reader", r.waiters().get(0).thread());
            assertEquals(LockMode.READ, r.waiters().get(0).mode());
            assertTrue(r.toString().contains("CORRUPTED"), r.toString());

            // Nobody alive can release a saturated reader count: ownerless too, after the threshold.
            LockReport o = next("wd-corrupt", LockReport.Kind.OWNERLESS);
            assertTrue(o.findings().toString().contains("corrupt"), o.toString());
            // Reported once per episode.
            Thread.sleep(THRESHOLD.toMillis());
            for (LockReport again : reports) {
                assertFalse(
                        again.has(LockReport.Kind.CORRUPTED) && "wd-corrupt".equals(again.lockName()),
                        again.toString());
            }

            reader.interrupt();
            reader.join(DiagTestSupport.LONG_MS);
            lock.setStateWordForTesting(W);
            lock.unlockWrite();
        }
        assertEquals(0L, lock.stateWord());
    }

    @Test
    void corruptionFoundByALockOperationIsReportedWithoutWaitingForAScan() throws Exception {
        RwLock lock = new RwLock();
        try (LockWatchdog wd = LockWatchdog.builder()
                .period(Duration.ofHours(1))
                .handler(reports::add)
                .start()) {
            wd.register(lock);
            lock.setStateWordForTesting(CORRUPT);
            assertThrows(LockCorruptedException.class, lock::lockRead);
            LockReport r = reports.poll(DiagTestSupport.LONG_MS, TimeUnit.MILLISECONDS);
            assertNotNull(r, "reported at once");
            assertTrue(r.has(LockReport.Kind.CORRUPTED));
            assertEquals(CORRUPT, r.word());
            assertTrue(r.findings().get(0).detail().contains("a lock operation found it"), r.toString());
            assertNull(r.lockName());
        }
        lock.setStateWordForTesting(0L);
    }

    @Test
    void lockWithParkedThreadsAndNoHolderIsReportedOwnerless() throws Exception {
        // A lost wake-up: the word shows only PARKED while a reader sleeps on; nobody will wake it.
        RwLock lock = RwLock.builder().name("wd-ownerless").build();
        try (LockWatchdog wd = start();
                DiagTestSupport.Helpers h = new DiagTestSupport.Helpers()) {
            wd.register(lock);
            lock.lockWrite();
            Thread reader = parkedReader(h, lock, "wd-ownerless-reader");
            lock.setStateWordForTesting(P);

            LockReport r = next("wd-ownerless", LockReport.Kind.OWNERLESS);
            String detail = r.findings().stream()
                    .filter(f -> f.kind() == LockReport.Kind.OWNERLESS)
                    .findFirst()
                    .orElseThrow()
                    .detail();
            assertTrue(detail.contains("no holder at all"), detail);
            assertTrue(detail.contains("wait for nobody"), detail);
            assertEquals(P, r.word());
            assertEquals("wd-ownerless-reader", r.waiters().get(0).thread());

            // Put the writer's word back and release: the reader is woken and gets in.
            lock.setStateWordForTesting(W | P);
            lock.unlockWrite();
            reader.join(DiagTestSupport.LONG_MS);
        }
        assertEquals(0L, lock.stateWord());
    }

    @Test
    void writeOwnerThatTerminatedWithoutUnlockingLeavesAnOwnerlessLock() throws Exception {
        RwLock lock = new RwLock();
        try (LockWatchdog wd = start();
                DiagTestSupport.Helpers h = new DiagTestSupport.Helpers()) {
            wd.register(lock);
            Thread owner = h.start("wd-dead-owner", lock::lockWrite);
            owner.join(DiagTestSupport.LONG_MS);
            Thread reader = h.start("wd-stranded-reader", () -> {
                try {
                    lock.lockReadInterruptibly();
                    throw new AssertionError("got a read lock held by a dead writer");
                } catch (InterruptedException expected) {
                    // released by the test
                }
            });
            awaitParkedOn(lock, reader);
            LockReport r = next(null, LockReport.Kind.OWNERLESS);
            assertTrue(r.toString().contains("\"wd-dead-owner\" terminated without unlocking"), r.toString());
            assertTrue(r.toString().contains("TERMINATED"), r.toString());
            reader.interrupt();
        }
    }

    @Test
    void longWriteHoldIsReportedWithTheHoldersStack() throws Exception {
        RwLock tracked = RwLock.builder().name("wd-hold").build();
        RwLock plain = new RwLock();
        CountDownLatch held = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        try (LockWatchdog wd = start();
                DiagTestSupport.Helpers h = new DiagTestSupport.Helpers()) {
            wd.register(tracked).register(plain);
            for (RwLock lock : List.of(tracked, plain)) {
                h.start(lock == tracked ? "wd-tracked-holder" : "wd-plain-holder", () -> {
                    lock.lockWrite();
                    held.countDown();
                    assertTrue(release.await(DiagTestSupport.LONG_MS, TimeUnit.MILLISECONDS));
                    lock.unlockWrite();
                });
            }
            assertTrue(held.await(DiagTestSupport.LONG_MS, TimeUnit.MILLISECONDS));

            LockReport r = next("wd-hold", LockReport.Kind.LONG_HOLD);
            LockReport.Holder holder = r.holders().get(0);
            assertEquals("wd-tracked-holder", holder.thread());
            assertEquals(LockMode.WRITE, holder.mode());
            assertTrue(holder.tracked());
            assertTrue(holder.heldNanos() >= THRESHOLD.toNanos());
            assertTrue(holder.stack().stream().anyMatch(f -> f.getMethodName().equals("await")), r.toString());
            assertFalse(r.has(LockReport.Kind.OWNERLESS));

            LockReport p = next(null, LockReport.Kind.LONG_HOLD);
            assertTrue(
                    p.holders().get(0).stack().stream()
                            .anyMatch(f -> f.getMethodName().equals("await")),
                    p.toString());
            assertEquals("wd-plain-holder", p.holders().get(0).thread());
            assertFalse(p.holders().get(0).tracked());
            assertTrue(p.findings().get(0).detail().contains("at least"), p.toString());
            release.countDown();
        }
        assertEquals(0L, tracked.stateWord());
        assertEquals(0L, plain.stateWord());
    }

    @Test
    void longUpgradableHoldIsReported() throws Exception {
        RwLock lock = RwLock.builder().name("wd-upgradable").build();
        try (LockWatchdog wd = start()) {
            wd.register(lock);
            lock.lockUpgradable();
            LockReport r = next("wd-upgradable", LockReport.Kind.LONG_HOLD);
            assertEquals(LockMode.UPGRADABLE, r.holders().get(0).mode());
            assertFalse(r.has(LockReport.Kind.OWNERLESS));
            lock.unlockUpgradable();
        }
        assertEquals(0L, lock.stateWord());
    }

    @Test
    void threadsParkedTooLongAreReportedWithTheirModes() throws Exception {
        RwLock lock = RwLock.builder().name("wd-wait").build();
        CountDownLatch upgradable = new CountDownLatch(1);
        try (LockWatchdog wd = start();
                DiagTestSupport.Helpers h = new DiagTestSupport.Helpers()) {
            wd.register(lock);
            lock.lockRead();
            Thread upgrader = h.start("wd-upgrader", () -> {
                lock.lockUpgradable();
                upgradable.countDown();
                lock.upgrade(); // waits for our read in the WRITER queue
                lock.unlockWrite();
            });
            assertTrue(upgradable.await(DiagTestSupport.LONG_MS, TimeUnit.MILLISECONDS));
            awaitParkedOn(lock, upgrader);
            Thread reader = h.start("wd-blocked-reader", () -> {
                lock.lockRead();
                lock.unlockRead();
            });
            awaitParkedOn(lock, reader);

            try {
                // Each park is reported once, in the first scan that finds it over the threshold: the
                // upgrader parked first, so its report may come one scan before the reader's.
                boolean upgraderSeen = false;
                boolean readerSeen = false;
                LockReport r = null;
                while (!(upgraderSeen && readerSeen)) {
                    r = next("wd-wait", LockReport.Kind.LONG_WAIT);
                    String detail = r.findings().stream()
                            .filter(f -> f.kind() == LockReport.Kind.LONG_WAIT)
                            .findFirst()
                            .orElseThrow()
                            .detail();
                    upgraderSeen |= detail.contains("\"wd-upgrader\" (UPGRADE");
                    readerSeen |= detail.contains("\"wd-blocked-reader\" (READ");
                    // Readers hold the lock (ours): never ownerless.
                    assertFalse(r.has(LockReport.Kind.OWNERLESS), r.toString());
                }
                assertEquals(2, r.waiters().size(), r.toString());
                assertEquals("MAIN", r.waiters().get(0).queue());
                assertEquals(LockMode.READ, r.waiters().get(0).mode());
                assertEquals("WRITER", r.waiters().get(1).queue());
                assertEquals(LockMode.UPGRADE, r.waiters().get(1).mode());
            } finally {
                lock.unlockRead();
            }
        }
        assertEquals(0L, lock.stateWord());
        for (LockReport r : reports) {
            assertFalse(r.has(LockReport.Kind.OWNERLESS), r.toString());
        }
    }

    @Test
    void healthyBusyLocksAreNotReported() throws Exception {
        RwLock plain = new RwLock();
        RwLock tracked = RwLock.builder().name("wd-busy").build();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_000);
        try (LockWatchdog wd = LockWatchdog.builder()
                        .period(Duration.ofMillis(5))
                        .threshold(Duration.ofSeconds(2))
                        .handler(reports::add)
                        .start();
                DiagTestSupport.Helpers h = new DiagTestSupport.Helpers()) {
            wd.register(plain).register(tracked);
            for (int i = 0; i < 4; i++) {
                RwLock lock = (i & 1) == 0 ? plain : tracked;
                h.start("wd-busy-" + i, () -> {
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    while (System.nanoTime() < end) {
                        switch (rnd.nextInt(4)) {
                            case 0:
                                lock.lockWrite();
                                lock.unlockWrite();
                                break;
                            case 1:
                                lock.lockUpgradable();
                                lock.upgrade();
                                lock.downgrade();
                                lock.unlockRead();
                                break;
                            case 2:
                                if (lock.tryLockWrite(50, TimeUnit.MICROSECONDS)) {
                                    lock.unlockWrite();
                                }
                                break;
                            default:
                                lock.lockRead();
                                Thread.onSpinWait();
                                lock.unlockRead();
                        }
                    }
                });
            }
        }
        assertEquals(List.of(), List.copyOf(reports));
        assertEquals(0L, plain.stateWord());
        assertEquals(0L, tracked.stateWord());
    }

    @Test
    void throwingHandlerIsCountedAndTheWatchdogGoesOn() throws Exception {
        RwLock first = new RwLock();
        RwLock second = new RwLock();
        try (LockWatchdog wd = LockWatchdog.builder()
                .period(PERIOD)
                .handler(r -> {
                    reports.add(r);
                    throw new IllegalStateException("handler bug");
                })
                .start()) {
            wd.register(first).register(second);
            first.setStateWordForTesting(CORRUPT);
            assertNotNull(reports.poll(DiagTestSupport.LONG_MS, TimeUnit.MILLISECONDS));
            await("the failure is counted", () -> wd.handlerFailures() == 1);
            second.setStateWordForTesting(CORRUPT);
            assertNotNull(reports.poll(DiagTestSupport.LONG_MS, TimeUnit.MILLISECONDS), "still scanning");
            await("the second failure is counted", () -> wd.handlerFailures() == 2);
            assertEquals(2, wd.reportCount());
        }
        first.setStateWordForTesting(0L);
        second.setStateWordForTesting(0L);
    }

    @Test
    void registeringNeverKeepsALockAlive() throws Exception {
        try (LockWatchdog wd = LockWatchdog.builder()
                .period(Duration.ofMillis(5))
                .handler(reports::add)
                .start()) {
            WeakReference<RwLock> ref = registerGarbage(wd);
            Thread.sleep(30); // let it be scanned a few times
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ref.get() != null && System.nanoTime() - deadline < 0) {
                System.gc();
                Thread.sleep(10);
            }
            assertNull(ref.get(), "the watchdog kept the lock alive");
        }
    }

    private static WeakReference<RwLock> registerGarbage(LockWatchdog wd) {
        RwLock lock = RwLock.builder().name("wd-garbage").build();
        lock.lockWrite();
        lock.unlockWrite();
        wd.register(lock);
        return new WeakReference<>(lock);
    }

    @Test
    void closeStopsTheThreadAndRefusesNewLocks() {
        LockWatchdog wd = LockWatchdog.builder().threadName("wd-close-test").start();
        assertTrue(threadNamed("wd-close-test"));
        wd.close();
        wd.close();
        assertTrue(wd.isClosed());
        assertFalse(threadNamed("wd-close-test"));
        assertThrows(IllegalStateException.class, () -> wd.register(new RwLock()));
        assertTrue(wd.toString().contains("closed"), wd.toString());
    }

    private static boolean threadNamed(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name) && t.isAlive()) {
                return true;
            }
        }
        return false;
    }
}
