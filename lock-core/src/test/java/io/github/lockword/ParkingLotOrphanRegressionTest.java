// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Regression tests: a waiter must never stay queued without a thread that will ever look at it.
 *
 * <ol>
 *   <li>{@code ParkingLot.park} enqueued the waiter, released the bucket lock and ran
 *       {@code beforeSleep} with no cleanup. When that step threw (for a condition it is
 *       {@code unlockWrite}, which throws on a corrupt word or misuse), the entry stayed queued: it
 *       swallowed the next unpark and kept the thread and the lock reachable.</li>
 *   <li>{@code unparkOne} and {@code unparkFilter} dequeued the chosen waiters before their
 *       callback ran. When the callback (or the filter) threw, those waiters were out of the queue
 *       and marked dequeued, yet nobody delivered a token: they slept forever, and even their
 *       timeout could not free them (a dequeued waiter waits for the unparker's token).</li>
 * </ol>
 */
class ParkingLotOrphanRegressionTest extends LockTestSupport {

    private static final int KEY = 7;

    private static final class Boom extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Boom() {
            super("boom", null, false, false);
        }
    }

    @Test
    void aThrowingBeforeSleepLeavesNoWaiterBehind() {
        Object lock = new Object();
        AtomicLong timedOutCalls = new AtomicLong();
        ParkingLot.ParkCallbacks throwing = new ParkingLot.ParkCallbacks() {
            @Override
            public boolean validate() {
                return true;
            }

            @Override
            public void beforeSleep() {
                throw new Boom();
            }

            @Override
            public void timedOut(boolean wasLastThreadOnKey) {
                assertTrue(wasLastThreadOnKey);
                timedOutCalls.incrementAndGet();
            }
        };
        assertThrows(Boom.class, () -> ParkingLot.park(lock, KEY, throwing, 0L, false, 0L, false, null));
        assertEquals(0, ParkingLot.count(lock, KEY), "the waiter left the queue");
        assertEquals(1, timedOutCalls.get(), "as a timed-out waiter does: its callback ran under the bucket lock");
        // The next unpark is not swallowed by an orphan: nobody is found.
        AtomicLong found = new AtomicLong(-1);
        ParkingLot.unparkOne(
                lock,
                KEY,
                (n, more, fair) -> {
                    found.set(n);
                    return ParkingLot.TOKEN_NORMAL;
                },
                null);
        assertEquals(0, found.get());
    }

    @Test
    void aThrowingConditionReleaseLeavesNoWaiterToSwallowTheNextSignal() throws Exception {
        // The condition's before-sleep step is the lock's unlockWrite(); make it throw as it does on
        // a corrupted word.
        RwLock lock = new RwLock();
        var c = lock.writeLock().newCondition();
        lock.lockWrite();
        // W with U and no reader breaks the layout: the release in await's before-sleep step throws.
        lock.setStateWordForTesting(LockState.WRITER | LockState.UPGRADABLE);
        try {
            assertThrows(LockCorruptedException.class, c::await);
        } finally {
            lock.setStateWordForTesting(LockState.WRITER);
        }
        assertEquals(0, ParkingLot.count(c, RwLock.KEY_CONDITION), "no orphan left in the condition's queue");
        lock.unlockWrite();
        assertWord(0, lock);
    }

    @Test
    void aThrowingUnparkOneCallbackTakesNoWaiter() throws Exception {
        Object lock = new Object();
        AtomicReference<Long> result = new AtomicReference<>();
        Thread waiter = newStartedThread(
                "waiter", () -> result.set(ParkingLot.park(lock, KEY, () -> true, 0L, false, 0L, false, null)));
        waitUntil(
                "the waiter is queued",
                () -> ParkingLot.count(lock, KEY) == 1,
                () -> "count=" + ParkingLot.count(lock, KEY));
        assertThrows(
                Boom.class,
                () -> ParkingLot.unparkOne(
                        lock,
                        KEY,
                        (n, more, fair) -> {
                            assertEquals(1, n);
                            throw new Boom();
                        },
                        null));
        assertEquals(1, ParkingLot.count(lock, KEY), "the waiter is still queued");
        ParkingLot.unparkOne(lock, KEY, (n, more, fair) -> 42L, null);
        awaitTermination(waiter);
        assertSame(42L, result.get(), "a later unpark wakes it with its token");
    }

    /** Parks a waiter with {@code token} on (lock, KEY) and waits until {@code queued} waiters are queued. */
    private Thread parkQueued(Object lock, long token, AtomicReference<Long> result, int queued) {
        Thread t = newStartedThread(
                "waiter-" + token,
                () -> result.set(ParkingLot.park(lock, KEY, () -> true, token, false, 0L, false, null)));
        waitUntil(queued + " waiter(s) queued", () -> ParkingLot.count(lock, KEY) == queued, () -> "");
        return t;
    }

    @Test
    void aThrowingUnparkFilterOrCallbackTakesNoWaiter() throws Exception {
        Object lock = new Object();
        AtomicReference<Long> r1 = new AtomicReference<>();
        AtomicReference<Long> r2 = new AtomicReference<>();
        Thread w1 = parkQueued(lock, 1L, r1, 1);
        Thread w2 = parkQueued(lock, 2L, r2, 2);

        assertThrows(
                Boom.class,
                () -> ParkingLot.unparkFilter(
                        lock,
                        KEY,
                        token -> ParkingLot.UNPARK,
                        (n, more, fair) -> {
                            assertEquals(2, n);
                            throw new Boom();
                        },
                        null));
        assertEquals(2, ParkingLot.count(lock, KEY), "a throwing callback took nobody");

        assertThrows(
                Boom.class,
                () -> ParkingLot.unparkFilter(
                        lock,
                        KEY,
                        token -> {
                            if (token == 2L) {
                                throw new Boom();
                            }
                            return ParkingLot.UNPARK;
                        },
                        (n, more, fair) -> ParkingLot.TOKEN_NORMAL,
                        null));
        assertEquals(2, ParkingLot.count(lock, KEY), "a throwing filter took nobody");

        // Both are still reachable, in FIFO order: wake the first only, then the second.
        ParkingLot.unparkFilter(
                lock,
                KEY,
                token -> token == 1L ? ParkingLot.UNPARK : ParkingLot.SKIP,
                (n, more, fair) -> {
                    assertEquals(1, n);
                    assertTrue(more);
                    return 5L;
                },
                null);
        awaitTermination(w1);
        assertEquals(5L, r1.get());
        assertEquals(1, ParkingLot.count(lock, KEY));
        ParkingLot.unparkAll(lock, KEY, null);
        awaitTermination(w2);
        assertEquals(ParkingLot.TOKEN_NORMAL, r2.get());
    }

    /**
     * A choice made before the filter or the callback threw is forgotten: a later unparkFilter that
     * skips the first waiter and wakes the second wakes exactly the second (a stale choice would
     * take the first in its place).
     */
    @Test
    void aThrowingUnparkFilterOrCallbackLeavesNoStaleChoice() throws Exception {
        for (boolean callbackThrows : new boolean[] {true, false}) {
            Object lock = new Object();
            AtomicReference<Long> r1 = new AtomicReference<>();
            AtomicReference<Long> r2 = new AtomicReference<>();
            Thread w1 = parkQueued(lock, 1L, r1, 1);
            Thread w2 = parkQueued(lock, 2L, r2, 2);
            assertThrows(
                    Boom.class,
                    () -> ParkingLot.unparkFilter(
                            lock,
                            KEY,
                            token -> {
                                if (!callbackThrows && token == 2L) {
                                    throw new Boom(); // after choosing waiter-1
                                }
                                return ParkingLot.UNPARK;
                            },
                            (n, more, fair) -> {
                                if (callbackThrows) {
                                    throw new Boom(); // after choosing both
                                }
                                return ParkingLot.TOKEN_NORMAL;
                            },
                            null));
            ParkingLot.unparkFilter(
                    lock, KEY, token -> token == 2L ? ParkingLot.UNPARK : ParkingLot.SKIP, (n, more, fair) -> 9L, null);
            awaitTermination(w2);
            assertEquals(9L, r2.get(), "the waiter chosen now is the one woken");
            assertEquals(1, ParkingLot.count(lock, KEY), "waiter-1 was skipped and must still be queued");
            assertTrue(w1.isAlive());
            ParkingLot.unparkAll(lock, KEY, null);
            awaitTermination(w1);
            assertEquals(ParkingLot.TOKEN_NORMAL, r1.get());
        }
    }
}
