// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The parking lot's table (ParkingLot's class comment, DESIGN.md section 2.1): it grows with the
 * number of parked threads; a rehash moves every waiter to its bucket in the new table in FIFO order
 * per (lock, key), keeps each queue's fairness timer, and never strands a waiter (a thread blocked
 * on an old bucket retries on the new table; a waiter that times out after a rehash finds itself in
 * its new bucket); and a bucket's hot fields are padded away from any other bucket's.
 *
 * <p>The table is global and only grows, so the tests force rehashes with
 * {@code ParkingLot.rehashForTests}, which replaces the table even at the same size.
 */
class ParkingLotTableTest extends LockTestSupport {

    /** A {@link LockTestSupport.Parker} on (lock, key) with token {@code token}, untimed when {@code timeoutMillis} &lt; 0. */
    private Parker parker(Object lock, int key, long token, long timeoutMillis) {
        return new Parker("parker-" + key + "-" + token, lock, key, token, new Callbacks(), timeoutMillis, false, null);
    }

    private static List<Long> tokens(List<ParkingLot.Parked> parked) {
        List<Long> out = new ArrayList<>();
        for (ParkingLot.Parked p : parked) {
            out.add(p.parkToken);
        }
        return out;
    }

    private static int bitsOf(int size) {
        return Integer.numberOfTrailingZeros(size);
    }

    @Test
    void aRehashMovesEveryWaiterKeepingFifoOrderPerKey() throws InterruptedException {
        int locks = 8;
        int keys = 2;
        int perKey = 3;
        Object[] lockObjects = new Object[locks];
        List<Parker> all = new ArrayList<>();
        Parker[][][] byKey = new Parker[locks][keys][perKey];
        for (int l = 0; l < locks; l++) {
            lockObjects[l] = new Object();
        }
        // Interleave arrivals across queues; within a queue, each waiter sleeps before the next comes.
        for (int i = 0; i < perKey; i++) {
            for (int l = 0; l < locks; l++) {
                for (int k = 0; k < keys; k++) {
                    Parker p = parker(lockObjects[l], k, 100 * l + 10 * k + i, -1);
                    waitForBlockedOn(lockObjects[l], p.thread);
                    byKey[l][k][i] = p;
                    all.add(p);
                }
            }
        }
        ParkingLot.Bucket before = ParkingLot.bucket(lockObjects[0], 0);
        int sizeBefore = ParkingLot.tableSize();
        ParkingLot.rehashForTests(bitsOf(sizeBefore) + 1); // grows (or, at the cap, replaces)
        assertTrue(ParkingLot.tableSize() >= sizeBefore);
        assertNotSame(before, ParkingLot.bucket(lockObjects[0], 0), "the table was not replaced");
        ParkingLot.rehashForTests(0); // and once more at the same size

        for (int l = 0; l < locks; l++) {
            assertEquals(keys * perKey, ParkingLot.count(lockObjects[l], 0, 1), "waiters lost by the rehash");
            for (int k = 0; k < keys; k++) {
                List<Long> expected = new ArrayList<>();
                for (int i = 0; i < perKey; i++) {
                    expected.add(100L * l + 10 * k + i);
                }
                assertEquals(expected, tokens(ParkingLot.snapshot(lockObjects[l], k)), "FIFO order lost");
                // unparkFilter asks in the same order.
                List<Long> asked = new ArrayList<>();
                ParkingLot.unparkFilter(
                        lockObjects[l],
                        k,
                        t -> {
                            asked.add(t);
                            return ParkingLot.SKIP;
                        },
                        (n, more, fair) -> 0,
                        null);
                assertEquals(expected, asked);
            }
        }
        // unparkOne wakes each queue's first waiter; unparkFilter the rest.
        for (int l = 0; l < locks; l++) {
            for (int k = 0; k < keys; k++) {
                long[] seen = {-1};
                ParkingLot.unparkOne(
                        lockObjects[l],
                        k,
                        (n, more, fair) -> {
                            seen[0] = n;
                            return 7;
                        },
                        null);
                assertEquals(1, seen[0]);
                assertEquals(7, byKey[l][k][0].join(), "unparkOne woke someone else than the first waiter");
                assertEquals(perKey - 1, ParkingLot.unparkAll(lockObjects[l], k, null));
            }
        }
        for (Parker p : all) {
            assertTrue(p.join() >= 0);
            assertEquals(List.of(), p.callbacks.timedOut);
        }
    }

    @Test
    void aWaiterThatTimesOutAfterARehashLeavesItsNewBucket() throws InterruptedException {
        Object lock = new Object();
        Parker stays = parker(lock, 3, 1, -1);
        waitForBlockedOn(lock, stays.thread);
        Parker leaves = parker(lock, 3, 2, 400);
        waitForBlockedOn(lock, leaves.thread);
        Parker alone = parker(lock, 4, 3, 400);
        waitForBlockedOn(lock, alone.thread);
        ParkingLot.Bucket old = ParkingLot.bucket(lock, 3);
        ParkingLot.rehashForTests(0);
        assertNotSame(old, ParkingLot.bucket(lock, 3));
        assertEquals(ParkingLot.TIMED_OUT, leaves.join());
        assertEquals(List.of(false), leaves.callbacks.timedOut, "not told that another waiter of its key is left");
        assertEquals(ParkingLot.TIMED_OUT, alone.join());
        assertEquals(List.of(true), alone.callbacks.timedOut);
        assertEquals(1, ParkingLot.count(lock, 3, 4));
        assertEquals(List.of(1L), tokens(ParkingLot.snapshot(lock, 3)));
        assertEquals(1, ParkingLot.unparkAll(lock, 3, null));
        assertEquals(ParkingLot.TOKEN_NORMAL, stays.join());
    }

    @Test
    void aThreadBlockedOnABucketOfTheOldTableRetriesOnTheNewOne() throws InterruptedException {
        Object lock = new Object();
        int key = 5;
        ParkingLot.Bucket held = ParkingLot.lockBucket(lock, key);
        Thread rehasher;
        Parker parker;
        try {
            // The rehasher locks every old bucket and waits for ours ...
            rehasher = newStartedThread("rehasher", () -> ParkingLot.rehashForTests(0));
            waitForBlockedOn(held, rehasher);
            // ... and a parker that read the old table queues on the same bucket lock behind it.
            parker = parker(lock, key, 9, -1);
            waitForBlockedOn(held, parker.thread);
        } finally {
            held.unlock();
        }
        // The rehasher gets the bucket first, publishes the new table and unlocks; the parker must
        // then see that the table changed and park in the new one, not in the old bucket.
        awaitTermination(rehasher);
        waitForBlockedOn(lock, parker.thread);
        assertNotSame(held, ParkingLot.bucket(lock, key));
        assertEquals(1, ParkingLot.count(lock, key), "the parker is queued in a bucket nobody looks at");
        assertEquals(1, ParkingLot.unparkAll(lock, key, null));
        assertEquals(ParkingLot.TOKEN_NORMAL, parker.join());
    }

    @Test
    void eachQueueKeepsItsFairnessTimerAcrossARehash() {
        Object lock = new Object();
        int key = 11;
        long far = System.nanoTime() + MILLISECONDS.toNanos(60_000);
        ParkingLot.Bucket b = ParkingLot.lockBucket(lock, key);
        long saved = b.fairAtNanos;
        try {
            b.fairAtNanos = far;
        } finally {
            b.unlock();
        }
        try {
            ParkingLot.rehashForTests(bitsOf(ParkingLot.tableSize()) + 1);
            ParkingLot.Bucket nb = ParkingLot.lockBucket(lock, key);
            try {
                assertNotSame(b, nb);
                assertEquals(far, nb.fairAtNanos, "the new bucket did not inherit its parent's timer");
            } finally {
                nb.unlock();
            }
        } finally {
            ParkingLot.Bucket nb = ParkingLot.lockBucket(lock, key);
            nb.fairAtNanos = saved;
            nb.unlock();
        }
    }

    @Test
    void theTableGrowsToThreeBucketsPerParkedThread() throws InterruptedException {
        int n = 120; // needs 360 buckets: 512
        Object lock = new Object();
        List<Parker> ps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ps.add(parker(lock, 0, i, -1));
        }
        for (Parker p : ps) {
            waitForBlockedOn(lock, p.thread);
        }
        assertTrue(
                ParkingLot.tableSize() >= n * ParkingLot.LOAD_FACTOR,
                "table of " + ParkingLot.tableSize() + " buckets for " + n + " parked threads");
        assertEquals(n, ParkingLot.count(lock, 0));
        assertEquals(n, ParkingLot.unparkAll(lock, 0, null));
        for (Parker p : ps) {
            assertEquals(ParkingLot.TOKEN_NORMAL, p.join());
        }
    }

    @Test
    void parkUnparkAndTimeOutsStayExactWhileTheTableIsReplacedOverAndOver() throws InterruptedException {
        // Per queue, parkers loop on park (some timed), an unparker hands out numbered tokens; a
        // rehasher replaces the table all the while. Every token handed out must be received once,
        // and every park must end (a waiter stranded in an old bucket would sleep for ever).
        int queues = 4;
        int parkersPerQueue = 3;
        long deadlineMs = 3_000;
        Object[] locks = new Object[queues];
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong handedOut = new AtomicLong();
        AtomicLong received = new AtomicLong();
        AtomicInteger timeouts = new AtomicInteger();
        AtomicInteger rehashes = new AtomicInteger();
        List<Thread> parkers = new ArrayList<>();
        List<Thread> unparkers = new ArrayList<>();
        for (int q = 0; q < queues; q++) {
            Object lock = new Object();
            locks[q] = lock;
            for (int i = 0; i < parkersPerQueue; i++) {
                boolean timed = i == 0;
                parkers.add(newStartedThread("parker-" + q + "-" + i, () -> {
                    Callbacks cb = new Callbacks();
                    while (!stop.get()) {
                        long r = ParkingLot.park(
                                lock, 0, cb, 0, timed, System.nanoTime() + MILLISECONDS.toNanos(1), false, null);
                        if (r == ParkingLot.TIMED_OUT) {
                            timeouts.incrementAndGet();
                        } else {
                            assertTrue(r >= 1, "unexpected park result " + r);
                            received.incrementAndGet();
                        }
                    }
                }));
            }
            unparkers.add(newStartedThread("unparker-" + q, () -> {
                while (!stop.get()) {
                    ParkingLot.unparkOne(
                            lock,
                            0,
                            (n, more, fair) -> {
                                handedOut.addAndGet(n); // under the bucket lock, before the waiter wakes
                                return 1;
                            },
                            null);
                    if (ThreadLocalRandom.current().nextInt(8) == 0) {
                        Thread.yield();
                    }
                }
            }));
        }
        Thread rehasher = newStartedThread("rehasher", () -> {
            while (!stop.get()) {
                ParkingLot.rehashForTests(0);
                rehashes.incrementAndGet();
                LockSupport.parkNanos(MILLISECONDS.toNanos(1));
            }
        });
        long until = System.nanoTime() + MILLISECONDS.toNanos(deadlineMs);
        while (System.nanoTime() - until < 0) {
            LockSupport.parkNanos(MILLISECONDS.toNanos(20));
        }
        stop.set(true);
        awaitTermination(rehasher);
        for (Thread t : unparkers) {
            awaitTermination(t);
        }
        // Release whoever is still parked (untimed parkers), then everybody must finish.
        long deadline = System.nanoTime() + MILLISECONDS.toNanos(LONG_DELAY_MS);
        while (parkers.stream().anyMatch(Thread::isAlive) && System.nanoTime() - deadline < 0) {
            for (Object lock : locks) {
                ParkingLot.unparkFilter(
                        lock,
                        0,
                        t -> ParkingLot.UNPARK,
                        (n, more, fair) -> {
                            handedOut.addAndGet(n);
                            return 1;
                        },
                        null);
            }
            LockSupport.parkNanos(MILLISECONDS.toNanos(1));
        }
        for (Thread t : parkers) {
            awaitTermination(t);
        }
        for (Object lock : locks) {
            assertEquals(0, ParkingLot.count(lock, 0), "a waiter was left queued");
        }
        assertEquals(handedOut.get(), received.get(), "tokens handed out vs received");
        assertTrue(rehashes.get() > 10, "only " + rehashes.get() + " rehashes");
        assertTrue(received.get() > 0, "nobody was ever woken");
        assertTrue(timeouts.get() > 0, "no timed park ever timed out");
    }

    // ============================================================================ padding

    /** sun.misc.Unsafe's objectFieldOffset, through reflection (the test runs in lock-core's module), or null. */
    private static java.util.function.ToLongFunction<Field> fieldOffsets() {
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            Object unsafe = f.get(null);
            Method m = c.getMethod("objectFieldOffset", Field.class);
            return field -> {
                try {
                    return (Long) m.invoke(unsafe, field);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            };
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    @Test
    void aBucketsHotFieldsHave128BytesOfPaddingOnEachSide() {
        List<Field> hot = new ArrayList<>();
        List<Field> pad = new ArrayList<>();
        for (Class<?> c = ParkingLot.Bucket.class; c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                (f.getType() == byte.class ? pad : hot).add(f);
            }
        }
        assertEquals(
                List.of("bits", "fairAtNanos", "head", "tail", "top"),
                hot.stream().map(Field::getName).sorted().toList(),
                "the bucket's fields changed: keep them between the pads");
        assertEquals(128 + 136, pad.size(), "128 pad bytes before, 136 after");
        java.util.function.ToLongFunction<Field> offsets = fieldOffsets();
        assumeTrue(offsets != null, "sun.misc.Unsafe is not available to check the layout");
        long firstHot = Long.MAX_VALUE;
        long endHot = 0;
        for (Field f : hot) {
            long off = offsets.applyAsLong(f);
            firstHot = Math.min(firstHot, off);
            endHot = Math.max(endHot, off + (f.getType() == long.class ? 8 : 4));
        }
        long objectEnd = 0;
        for (Field f : pad) {
            objectEnd = Math.max(objectEnd, offsets.applyAsLong(f) + 1);
        }
        // At least 128 bytes (header and pad) before the first hot field and 128 pad bytes after the
        // last, so two buckets' hot fields are at least 128 bytes apart however they are placed.
        assertTrue(firstHot >= 128, "hot fields start at offset " + firstHot);
        assertTrue(objectEnd - endHot >= 128, (objectEnd - endHot) + " pad bytes after the hot fields");
        assertTrue(endHot - firstHot <= 64, "hot fields spread over " + (endHot - firstHot) + " bytes");
        assertSame(ParkingLot.Bucket.class, ParkingLot.bucket(new Object(), 0).getClass());
    }
}
