// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lockword.seam.FaultSeam;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Fairness and wake order. A fair lock ({@code new RwLock(true)}), {@code unlockWriteFair} and
 * {@code unlockUpgradableFair} hand the lock to the threads they wake: the unlocker writes their
 * shares into the word before they run, so a barging {@code tryLock*} from a third thread fails
 * while they are being handed the lock. The MAIN wake takes readers in arrival order up to and
 * including the first writer, plus at most one upgrader. Writer preference: a reader arriving while
 * a writer waits for readers must wait, a recursive read gets in.
 *
 * <p>Every schedule here is made deterministic by waiting (bounded) until each waiter is parked
 * before the next step; handoff makes the outcome independent of when woken threads run.
 */
class RwLockFairnessTest extends LockTestSupport {

    /** Tries every non-waiting acquisition from a fresh thread; returns which succeeded (and undoes them). */
    private List<String> bargeFromThirdThread(RwLock lock) throws InterruptedException {
        List<String> got = new CopyOnWriteArrayList<>();
        Thread barger = newStartedThread("barger", () -> {
            if (lock.tryLockWrite()) {
                got.add("write");
                lock.unlockWrite();
            }
            if (lock.tryLockRead()) {
                got.add("read");
                lock.unlockRead();
            }
            if (lock.tryLockUpgradable()) {
                got.add("upgradable");
                lock.unlockUpgradable();
            }
            if (lock.tryLockWrite(0, MILLISECONDS)) {
                got.add("write(0)");
                lock.unlockWrite();
            }
        });
        awaitTermination(barger);
        return got;
    }

    @Test
    void fairnessIsReportedByIsFair() {
        assertFalse(new RwLock().isFair());
        assertFalse(new RwLock(false).isFair());
        assertTrue(new RwLock(true).isFair());
        assertTrue(RwLock.builder().fair(true).build().isFair());
        assertFalse(RwLock.builder().build().isFair());
    }

    @Test
    void fairUnlockHandsTheWriteLockToTheParkedWriterAndABargerFails() throws InterruptedException {
        RwLock lock = new RwLock(true);
        lock.lockWrite();
        CountDownLatch acquired = new CountDownLatch(1);
        CountDownLatch bargingDone = new CountDownLatch(1);
        Thread writer = newStartedThread("parked-writer", () -> {
            lock.lockWrite();
            acquired.countDown();
            await(bargingDone);
            lock.unlockWrite();
        });
        waitForParked(lock, writer);
        assertWord(W | P, lock);

        lock.unlockWrite();
        // Handed off: WRITER belongs to the parked writer before it even runs.
        assertTrue(lock.isWriteLocked());
        assertFalse(lock.tryLockWrite(), "the unlocker itself barged in after a fair unlock");
        assertEquals(List.of(), bargeFromThirdThread(lock), "a barger got in during the handoff");
        await(acquired);
        assertTrue(lock.isWriteLocked());
        assertEquals(writer, lock.writeOwner());
        bargingDone.countDown();
        awaitTermination(writer);
        assertWord(0, lock);
    }

    /**
     * Handoff, pinned down: the unlocker is held in the parking lot's delivery step (after it chose
     * the waiters and ran the callback under the bucket lock, before the woken thread may run), and
     * a barger tries then. With handoff the word already holds the woken thread's share; without it
     * the lock would be free at that moment and the barger would get it.
     */
    @Test
    void handoffIsCompleteBeforeTheWokenThreadCanRun() throws InterruptedException {
        String[] unlocks = {
            "fair lock: unlockWrite",
            "default lock: unlockWriteFair",
            "fair lock: unlockUpgradable",
            "default lock: unlockUpgradableFair"
        };
        for (String how : unlocks) {
            SpinGate delivering = new SpinGate();
            FaultSeam seam = new FaultSeam() {
                @Override
                public void beforeUnpark(Object lock, Thread waiter) {
                    if (!delivering.reached()) {
                        delivering.pass();
                    }
                }
            };
            boolean upgradable = how.contains("Upgradable");
            RwLock lock = FaultSeam.newLock("handoff", how.startsWith("fair"), seam);
            Holder holder = new Holder("unlocker", upgradable ? lock::lockUpgradable : lock::lockWrite, () -> {
                switch (how) {
                    case "fair lock: unlockWrite":
                        lock.unlockWrite();
                        break;
                    case "default lock: unlockWriteFair":
                        lock.unlockWriteFair();
                        break;
                    case "fair lock: unlockUpgradable":
                        lock.unlockUpgradable();
                        break;
                    default:
                        lock.unlockUpgradableFair();
                        break;
                }
            });
            AtomicBoolean acquired = new AtomicBoolean();
            Thread waiter = newStartedThread("parked-writer", () -> {
                lock.lockWrite();
                acquired.set(true);
                lock.unlockWrite();
            });
            waitForParked(lock, waiter);
            Thread unlocking = newStartedThread("release", holder::release);
            delivering.awaitReached("the unlocker to reach delivery");
            try {
                assertWord(W, lock);
                assertFalse(acquired.get());
                assertEquals(List.of(), bargeFromThirdThread(lock), how + ": a barger got in during the handoff");
            } finally {
                delivering.open();
            }
            awaitTermination(unlocking);
            awaitTermination(waiter);
            assertTrue(acquired.get(), how);
            assertWord(0, lock);
        }
    }

    @Test
    void fairUnlockHandsReadLocksToAllParkedReaders() throws InterruptedException {
        RwLock lock = new RwLock(true);
        lock.lockWrite();
        CountDownLatch acquired = new CountDownLatch(3);
        CountDownLatch mayLeave = new CountDownLatch(1);
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Thread t = newStartedThread("reader-" + i, () -> {
                lock.lockRead();
                acquired.countDown();
                await(mayLeave);
                lock.unlockRead();
            });
            readers.add(t);
            waitForParked(lock, t);
        }
        lock.unlockWrite();
        assertWord(3 * R, lock); // written by the unlocker, before any reader ran
        // Readers (and an upgradable reader) may join handed-off readers; a writer may not.
        assertEquals(List.of("read", "upgradable"), bargeFromThirdThread(lock));
        await(acquired);
        assertWord(3 * R, lock);
        mayLeave.countDown();
        for (Thread t : readers) {
            awaitTermination(t);
        }
        assertWord(0, lock);
    }

    /**
     * Queue: R1, R2, W3, R4, U5. A fair unlock wakes R1, R2 and W3 (readers up to and including the
     * first writer) and hands them their shares in one store: two readers plus the writer's claim,
     * with PARKED kept for R4 and U5.
     */
    @Test
    void wakeFilterTakesReadersUpToAndIncludingTheFirstWriter() throws InterruptedException {
        RwLock lock = new RwLock(true);
        lock.lockWrite();
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch readersIn = new CountDownLatch(2);
        CountDownLatch readersMayLeave = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (String name : Arrays.asList("R1", "R2", "W3", "R4", "U5")) {
            Thread t = newStartedThread(name, () -> {
                switch (name.charAt(0)) {
                    case 'R':
                        lock.lockRead();
                        order.add(name);
                        if (!name.equals("R4")) {
                            readersIn.countDown();
                            await(readersMayLeave);
                        }
                        lock.unlockRead();
                        break;
                    case 'W':
                        lock.lockWrite();
                        order.add(name);
                        lock.unlockWrite();
                        break;
                    default:
                        lock.lockUpgradable();
                        order.add(name);
                        lock.unlockUpgradable();
                        break;
                }
            });
            threads.add(t);
            waitForParked(lock, t);
        }
        assertEquals(5, lock.getQueueLength());

        lock.unlockWrite();
        long handedOff = lock.stateWord();
        assertEquals(2, LockState.readers(handedOff), LockState.explain(handedOff));
        assertTrue((handedOff & W) != 0, "W3's claim is handed off with the readers: " + LockState.explain(handedOff));
        assertTrue((handedOff & P) != 0, "R4 and U5 are still queued: " + LockState.explain(handedOff));
        assertEquals(List.of(), bargeFromThirdThread(lock));
        await(readersIn);
        Thread w3 = threads.get(2);
        waitUntil(
                "W3 to wait for the readers",
                () -> queueKeyOf(lock, w3) == RwLock.KEY_WRITER && isWaitingState(w3),
                lock::toString);
        assertWord(2 * R | W | WP | P, lock);
        assertTrue(isQueuedOn(lock, threads.get(3)) && isQueuedOn(lock, threads.get(4)));

        readersMayLeave.countDown();
        for (Thread t : threads) {
            awaitTermination(t);
        }
        // R1 and R2 in either order, then W3 alone, then R4 and U5 (handed off together) in either order.
        assertEquals(5, order.size(), order::toString);
        assertEquals(Set.of("R1", "R2"), new HashSet<>(order.subList(0, 2)), order::toString);
        assertEquals("W3", order.get(2), order::toString);
        assertEquals(Set.of("R4", "U5"), new HashSet<>(order.subList(3, 5)), order::toString);
        assertWord(0, lock);
    }

    @Test
    void wakeFilterTakesAtMostOneUpgrader() throws InterruptedException {
        RwLock lock = new RwLock(true);
        lock.lockWrite();
        CountDownLatch firstIn = new CountDownLatch(1);
        CountDownLatch mayLeave = new CountDownLatch(1);
        AtomicReference<String> first = new AtomicReference<>();
        List<Thread> upgraders = new ArrayList<>();
        for (String name : Arrays.asList("U1", "U2")) {
            Thread t = newStartedThread(name, () -> {
                lock.lockUpgradable();
                if (first.compareAndSet(null, name)) {
                    firstIn.countDown();
                    await(mayLeave);
                }
                lock.unlockUpgradable();
            });
            upgraders.add(t);
            waitForParked(lock, t);
        }
        CountDownLatch readerIn = new CountDownLatch(1);
        Thread reader = newStartedThread("R3", () -> {
            lock.lockRead();
            readerIn.countDown();
            await(mayLeave);
            lock.unlockRead();
        });
        waitForParked(lock, reader);

        lock.unlockWrite();
        // U1 and R3 are handed their shares; U2 is skipped and stays queued.
        assertWord(2 * R | U | P, lock);
        await(firstIn);
        await(readerIn);
        assertEquals("U1", first.get());
        assertWord(2 * R | U | P, lock);
        assertTrue(isQueuedOn(lock, upgraders.get(1)));
        mayLeave.countDown();
        awaitTermination(reader);
        for (Thread t : upgraders) {
            awaitTermination(t);
        }
        assertWord(0, lock);
    }

    @Test
    void fairLockServesWritersInArrivalOrder() throws InterruptedException {
        RwLock lock = new RwLock(true);
        lock.lockWrite();
        List<Integer> order = new CopyOnWriteArrayList<>();
        List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            final int k = i;
            Thread t = newStartedThread("writer-" + i, () -> {
                lock.lockWrite();
                order.add(k);
                lock.unlockWrite();
            });
            writers.add(t);
            waitForParked(lock, t);
        }
        lock.unlockWrite();
        for (Thread t : writers) {
            awaitTermination(t);
        }
        assertEquals(Arrays.asList(0, 1, 2, 3, 4), order);
        assertWord(0, lock);
    }

    @Test
    void unlockWriteFairHandsOffOnADefaultLock() throws InterruptedException {
        RwLock lock = new RwLock();
        lock.lockWrite();
        CountDownLatch acquired = new CountDownLatch(1);
        CountDownLatch bargingDone = new CountDownLatch(1);
        Thread writer = newStartedThread("parked-writer", () -> {
            lock.lockWrite();
            acquired.countDown();
            await(bargingDone);
            lock.unlockWrite();
        });
        waitForParked(lock, writer);
        lock.unlockWriteFair();
        assertWord(W, lock);
        assertEquals(List.of(), bargeFromThirdThread(lock));
        await(acquired);
        bargingDone.countDown();
        awaitTermination(writer);
        assertWord(0, lock);
    }

    @Test
    void unlockUpgradableFairHandsOffToAParkedWriter() throws InterruptedException {
        for (boolean fairLock : new boolean[] {false, true}) {
            RwLock lock = new RwLock(fairLock);
            lock.lockUpgradable();
            CountDownLatch acquired = new CountDownLatch(1);
            CountDownLatch bargingDone = new CountDownLatch(1);
            Thread writer = newStartedThread("parked-writer", () -> {
                lock.lockWrite();
                acquired.countDown();
                await(bargingDone);
                lock.unlockWrite();
            });
            waitForParked(lock, writer);
            assertWord(R | U | P, lock);
            if (fairLock) {
                lock.unlockUpgradable();
            } else {
                lock.unlockUpgradableFair();
            }
            assertWord(W, lock);
            assertEquals(List.of(), bargeFromThirdThread(lock));
            await(acquired);
            bargingDone.countDown();
            awaitTermination(writer);
            assertWord(0, lock);
        }
    }

    @Test
    void fairUnlockUpgradableWithOtherReadersHandsTheWriterItsClaim() throws InterruptedException {
        RwLock lock = new RwLock(true);
        Holder reader = holdRead(lock);
        lock.lockUpgradable();
        AtomicBoolean wrote = new AtomicBoolean();
        Thread writer = newStartedThread("parked-writer", () -> {
            lock.lockWrite();
            wrote.set(true);
            lock.unlockWrite();
        });
        waitForParked(lock, writer);
        assertWord(2 * R | U | P, lock);
        lock.unlockUpgradable();
        // The writer is handed WRITER and now waits for the remaining reader.
        waitUntil(
                "the writer to wait for readers",
                () -> queueKeyOf(lock, writer) == RwLock.KEY_WRITER && isWaitingState(writer),
                lock::toString);
        assertWord(R | W | WP, lock);
        assertFalse(lock.tryLockRead());
        reader.release();
        awaitTermination(writer);
        assertTrue(wrote.get());
        assertWord(0, lock);
    }

    @Test
    void nonFairUnlockStillWakesEveryWaiterEventually() throws InterruptedException {
        RwLock lock = new RwLock();
        for (int round = 0; round < 20; round++) {
            lock.lockWrite();
            List<Thread> waiters = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                final int k = i;
                Thread t = newStartedThread("waiter-" + i, () -> {
                    if (k == 1) {
                        lock.lockWrite();
                        lock.unlockWrite();
                    } else {
                        lock.lockRead();
                        lock.unlockRead();
                    }
                });
                waiters.add(t);
                waitForParked(lock, t);
            }
            lock.unlockWrite();
            for (Thread t : waiters) {
                awaitTermination(t);
            }
            assertWord(0, lock);
        }
    }

    // ------------------------------------------------------------------------- writer preference

    @Test
    void readerArrivingWhileAWriterWaitsForReadersMustWait() throws InterruptedException {
        RwLock lock = new RwLock();
        lock.lockRead();
        List<String> order = new CopyOnWriteArrayList<>();
        Thread writer = newStartedThread("writer", () -> {
            lock.lockWrite();
            order.add("writer");
            lock.unlockWrite();
        });
        waitForParked(lock, writer);
        assertWord(R | W | WP, lock);
        Thread reader = newStartedThread("late-reader", () -> {
            lock.lockRead();
            order.add("late-reader");
            lock.unlockRead();
        });
        waitForParked(lock, reader);
        assertEquals(RwLock.KEY_MAIN, queueKeyOf(lock, reader));
        assertWord(R | W | WP | P, lock);
        assertEquals(2, lock.getQueueLength());

        // A recursive read by a thread already reading gets in behind the waiting writer.
        lock.lockReadRecursive();
        assertWord(2 * R | W | WP | P, lock);
        lock.unlockRead();
        lock.unlockRead();
        awaitTermination(writer);
        awaitTermination(reader);
        assertEquals(Arrays.asList("writer", "late-reader"), order);
        assertWord(0, lock);
    }

    @Test
    void upgradableArrivingWhileAWriterWaitsForReadersMustWait() throws InterruptedException {
        RwLock lock = new RwLock();
        lock.lockRead();
        Thread writer = newStartedThread("writer", () -> {
            lock.lockWrite();
            lock.unlockWrite();
        });
        waitForParked(lock, writer);
        assertFalse(lock.tryLockUpgradable());
        AtomicBoolean in = new AtomicBoolean();
        Thread upgrader = newStartedThread("late-upgrader", () -> {
            lock.lockUpgradable();
            in.set(true);
            lock.unlockUpgradable();
        });
        waitForParked(lock, upgrader);
        assertFalse(in.get());
        lock.unlockRead();
        awaitTermination(writer);
        awaitTermination(upgrader);
        assertTrue(in.get());
        assertWord(0, lock);
    }

    @Test
    void readersKeepEnteringWhileOnlyAnUpgradableHolderIsIn() throws InterruptedException {
        RwLock lock = new RwLock();
        Holder upgradable = holdUpgradable(lock);
        Thread writer = newStartedThread("writer", () -> {
            lock.lockWrite();
            lock.unlockWrite();
        });
        waitForParked(lock, writer);
        assertWord(R | U | P, lock);
        // The writer waits in MAIN (blocked by U) without claiming WRITER: readers still enter.
        assertTrue(lock.tryLockRead());
        lock.unlockRead();
        upgradable.release();
        awaitTermination(writer);
        assertWord(0, lock);
    }
}
