// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The parking lot's bucket lock ({@link ParkingLot.BucketLock}, a port of parking_lot_core's
 * WordLock), on a standalone bucket: mutual exclusion, that a waiter parks instead of spinning,
 * that no wake-up is lost when lockers and unlockers race, that interrupts are kept but do not end
 * the wait, and that the uncontended path allocates nothing.
 */
class BucketLockTest extends LockTestSupport {

    private static ParkingLot.Bucket newBucket() {
        return new ParkingLot.Bucket(System.nanoTime());
    }

    @Test
    void onlyOneThreadAtATimeHoldsIt() throws InterruptedException {
        ParkingLot.Bucket bucket = newBucket();
        int threads = 6;
        int rounds = 20_000;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        long[] plainCounter = {0};
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            ts.add(newStartedThread("locker-" + i, () -> {
                for (int r = 0; r < rounds; r++) {
                    bucket.lock();
                    try {
                        if (inside.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        plainCounter[0]++; // a lost update shows a broken exclusion too
                        if ((r & 255) == 0) {
                            Thread.yield(); // hold it a while now and then, so others queue
                        }
                        inside.decrementAndGet();
                    } finally {
                        bucket.unlock();
                    }
                }
            }));
        }
        for (Thread t : ts) {
            awaitTermination(t);
        }
        assertEquals(0, overlaps.get(), "two threads held the bucket lock at once");
        bucket.lock();
        try {
            assertTrue(bucket.isLocked(), "isLocked() is false while the lock is held");
            assertEquals((long) threads * rounds, plainCounter[0]);
        } finally {
            bucket.unlock();
        }
        assertFalse(bucket.isLocked());
        assertFalse(bucket.hasQueuedThreads(), "a thread is still queued after every locker finished");
    }

    @Test
    void aWaiterParksWhileTheLockIsHeldAndGetsItOnUnlock() throws InterruptedException {
        ParkingLot.Bucket bucket = newBucket();
        AtomicBoolean acquired = new AtomicBoolean();
        bucket.lock();
        Thread waiter;
        try {
            waiter = newStartedThread("waiter", () -> {
                bucket.lock();
                acquired.set(true);
                bucket.unlock();
            });
            // It spins a little, then queues and parks with the bucket as its blocker.
            waitForBlockedOn(bucket, waiter);
            assertTrue(bucket.hasQueuedThreads());
            assertFalse(acquired.get());
        } finally {
            bucket.unlock();
        }
        awaitTermination(waiter);
        assertTrue(acquired.get());
        assertFalse(bucket.isLocked());
        assertFalse(bucket.hasQueuedThreads());
    }

    @Test
    void queuedWaitersAreAllWokenOneUnlockAtATime() throws InterruptedException {
        ParkingLot.Bucket bucket = newBucket();
        AtomicInteger done = new AtomicInteger();
        List<Thread> waiters = new ArrayList<>();
        bucket.lock();
        try {
            for (int i = 0; i < 5; i++) {
                Thread t = newStartedThread("waiter-" + i, () -> {
                    bucket.lock();
                    done.incrementAndGet();
                    bucket.unlock();
                });
                waitForBlockedOn(bucket, t);
                waiters.add(t);
            }
        } finally {
            bucket.unlock();
        }
        for (Thread t : waiters) {
            awaitTermination(t);
        }
        assertEquals(5, done.get());
        assertFalse(bucket.hasQueuedThreads());
    }

    @Test
    void noWakeUpIsLostWhenLockersAndUnlockersRace() throws InterruptedException {
        // Short critical sections and random pauses outside them make threads queue and the lock
        // go free in every order; a lost wake-up leaves a thread parked for ever (the joins fail),
        // or queued when everybody is done.
        for (int trial = 0; trial < 20; trial++) {
            ParkingLot.Bucket bucket = newBucket();
            int threads = 4;
            int rounds = 2_000;
            AtomicInteger total = new AtomicInteger();
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                ts.add(newStartedThread("hammer-" + i, () -> {
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    for (int r = 0; r < rounds; r++) {
                        bucket.lock();
                        try {
                            total.incrementAndGet();
                            int hold = rnd.nextInt(64);
                            for (int s = 0; s < hold; s++) {
                                Thread.onSpinWait();
                            }
                        } finally {
                            bucket.unlock();
                        }
                        if (rnd.nextInt(16) == 0) {
                            Thread.yield();
                        }
                    }
                }));
            }
            for (Thread t : ts) {
                awaitTermination(t);
            }
            assertEquals(threads * rounds, total.get());
            assertFalse(bucket.isLocked());
            assertFalse(bucket.hasQueuedThreads(), "trial " + trial + ": a thread was left queued");
        }
    }

    @Test
    void noThreadIsLeftParkedAtTheEndOfManyShortRaces() throws InterruptedException {
        // A lost wake-up is repaired by the next unlock, so it shows only when nobody unlocks again:
        // at the end of a run. Hence many short runs, each ending with every thread done and the
        // queue empty. Holding the lock past the spin limit makes threads queue at every run.
        for (int trial = 0; trial < 1_500; trial++) {
            ParkingLot.Bucket bucket = newBucket();
            int threads = 3;
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Thread t = new Thread(
                        () -> {
                            ThreadLocalRandom rnd = ThreadLocalRandom.current();
                            for (int r = 0; r < 20; r++) {
                                bucket.lock();
                                try {
                                    int hold = rnd.nextInt(3 * ParkingLot.BucketLock.SPIN_LIMIT);
                                    for (int s = 0; s < hold; s++) {
                                        Thread.onSpinWait();
                                    }
                                } finally {
                                    bucket.unlock();
                                }
                            }
                        },
                        "short-" + i);
                t.setDaemon(true);
                t.start();
                ts.add(t);
            }
            for (Thread t : ts) {
                t.join(LONG_DELAY_MS);
                assertFalse(t.isAlive(), () -> "trial: a thread never got the lock: " + stackOf(t));
            }
            assertFalse(bucket.isLocked());
            assertFalse(bucket.hasQueuedThreads());
        }
    }

    @Test
    void anInterruptDoesNotEndTheWaitAndIsReassertedOnceTheLockIsHeld() throws InterruptedException {
        ParkingLot.Bucket bucket = newBucket();
        AtomicReference<Boolean> interruptedWhenAcquired = new AtomicReference<>();
        bucket.lock();
        Thread waiter;
        try {
            waiter = newStartedThread("waiter", () -> {
                bucket.lock();
                interruptedWhenAcquired.set(Thread.currentThread().isInterrupted());
                bucket.unlock();
                Thread.interrupted();
            });
            waitForBlockedOn(bucket, waiter);
            waiter.interrupt();
            // The waiter wakes, notes the interrupt, clears it (so that park() blocks again) and
            // parks again: it neither leaves without the lock nor spins on the raised flag.
            waitUntil(
                    "the interrupted waiter to park again",
                    () -> !waiter.isInterrupted() && LockSupport.getBlocker(waiter) == bucket && isWaitingState(waiter),
                    () -> stackOf(waiter));
            long until = System.nanoTime() + MILLISECONDS.toNanos(SHORT_DELAY_MS);
            while (System.nanoTime() - until < 0) {
                LockSupport.parkNanos(MILLISECONDS.toNanos(5));
                assertTrue(isWaitingState(waiter), () -> "the interrupted waiter is busy: " + stackOf(waiter));
            }
            assertEquals(null, interruptedWhenAcquired.get(), "the waiter got the lock while it was held");
        } finally {
            bucket.unlock();
        }
        awaitTermination(waiter);
        assertEquals(Boolean.TRUE, interruptedWhenAcquired.get(), "the interrupt was lost");
    }

    /** The current thread's allocated bytes (com.sun.management, through reflection: the test runs in lock-core's module), or -1. */
    private static long allocatedBytes(Object bean, Method counter) {
        try {
            return (Long) counter.invoke(bean, Thread.currentThread().getId());
        } catch (ReflectiveOperationException e) {
            return -1;
        }
    }

    @Test
    @SuppressWarnings("deprecation") // Thread.getId: lock-core tests run on JDK 17
    void theUncontendedPathAllocatesNothing() throws ReflectiveOperationException {
        Object bean;
        Method counter;
        try {
            bean = Class.forName("java.lang.management.ManagementFactory")
                    .getMethod("getThreadMXBean")
                    .invoke(null);
            counter = Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes", long.class);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            bean = null;
            counter = null;
        }
        assumeTrue(bean != null && allocatedBytes(bean, counter) >= 0, "no per-thread allocation counter");
        ParkingLot.Bucket bucket = newBucket();
        for (int i = 0; i < 20_000; i++) { // warm up (and let the JIT settle)
            bucket.lock();
            bucket.unlock();
        }
        long before = allocatedBytes(bean, counter);
        for (int i = 0; i < 100_000; i++) {
            bucket.lock();
            bucket.unlock();
        }
        long allocated = allocatedBytes(bean, counter) - before;
        // A node per round would be over 2 MB; allow for the reflective calls' own boxing.
        assertTrue(allocated < 4_096, "100,000 uncontended lock/unlock pairs allocated " + allocated + " bytes");
    }
}
