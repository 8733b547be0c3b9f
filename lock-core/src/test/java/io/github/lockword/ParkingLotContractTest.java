// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lockword.seam.FaultSeam;
import io.github.lockword.seam.SeamPoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract of {@link ParkingLot} (see its class comment), tested on the parking lot alone with
 * plain objects as "locks" and recording callbacks: what {@code park} returns in each case, which
 * callbacks run and with what arguments, FIFO order, that queues of other (lock, key) pairs sharing
 * a bucket are never touched, that the queue stays linked when a waiter leaves from its head, middle
 * or tail, that the callbacks run under the bucket lock, the race between an unparker and a timeout
 * or interrupt, and the fault seam's chaos hooks.
 *
 * <p>Every waiter runs on a helper thread of {@link LockTestSupport}; the test thread waits until it
 * is queued and asleep before acting, so no step depends on timing except the deliberate timeouts.
 */
class ParkingLotContractTest extends LockTestSupport {

    private static final int KEY = 7;

    /** An untimed, uninterruptible park with fresh callbacks. */
    Parker parkUntimed(String name, Object lock, int key, long parkToken) {
        return new Parker(name, lock, key, parkToken, new Callbacks(), -1, false, null);
    }

    /** Starts {@code p} and waits until it is queued and asleep on {@code lock}. */
    static Parker asleep(Object lock, Parker p) {
        waitForBlockedOn(lock, p.thread);
        return p;
    }

    /** An unparkOne callback that records its arguments and returns a fixed token. */
    static final class Unparked implements ParkingLot.UnparkCallback {
        final long token;
        final List<String> calls = new CopyOnWriteArrayList<>();

        Unparked(long token) {
            this.token = token;
        }

        @Override
        public long onUnpark(int unparkedThreads, boolean haveMoreThreads, boolean beFair) {
            calls.add(unparkedThreads + "," + haveMoreThreads + "," + beFair);
            return token;
        }

        /** The one recorded call as "unparked,haveMore,beFair". */
        String only() {
            assertEquals(1, calls.size(), () -> "callback calls: " + calls);
            return calls.get(0);
        }
    }

    /** Another key whose queue shares the bucket of (lock, key). */
    static int keyInSameBucket(Object lock, int key) {
        ParkingLot.Bucket b = ParkingLot.bucket(lock, key);
        for (int k = key + 1; ; k++) {
            if (ParkingLot.bucket(lock, k) == b) {
                return k;
            }
        }
    }

    /** Another object whose queue under {@code key} shares the bucket of (lock, key). */
    static Object lockInSameBucket(Object lock, int key) {
        ParkingLot.Bucket b = ParkingLot.bucket(lock, key);
        while (true) {
            Object other = new Object();
            if (ParkingLot.bucket(other, key) == b) {
                return other;
            }
        }
    }

    /** Waits more than the fairness timer's longest period (1 ms), so the bucket's next fair check is due. */
    static void letTheFairnessTimerExpire() {
        long until = System.nanoTime() + MILLISECONDS.toNanos(3);
        while (System.nanoTime() - until < 0) {
            LockSupport.parkNanos(MILLISECONDS.toNanos(1));
        }
    }

    // ============================================================================ park and unparkOne

    @Test
    void parkThatFailsValidationReturnsInvalidWithoutQueueingOrSleeping() {
        Object lock = new Object();
        Callbacks cb = new Callbacks(false);
        long r = ParkingLot.park(lock, KEY, cb, 3, false, 0L, true, null);
        assertEquals(ParkingLot.INVALID, r);
        assertEquals(1, cb.validations.get());
        assertEquals(0, cb.beforeSleeps.get(), "beforeSleep ran for a park that failed validation");
        assertEquals(0, ParkingLot.count(lock, KEY));
        // Nothing is queued: an unparker finds nobody.
        Unparked u = new Unparked(9);
        ParkingLot.unparkOne(lock, KEY, u, null);
        assertEquals("0,false,false", u.only());
    }

    @Test
    void unparkOneWakesWaitersInArrivalOrderWithTheCallbacksToken() throws InterruptedException {
        Object lock = new Object();
        Parker first = asleep(lock, parkUntimed("first", lock, KEY, 11));
        Parker second = asleep(lock, parkUntimed("second", lock, KEY, 22));
        assertEquals(1, first.callbacks.beforeSleeps.get());
        assertEquals(2, ParkingLot.count(lock, KEY));

        Unparked u1 = new Unparked(101);
        ParkingLot.unparkOne(lock, KEY, u1, null);
        assertEquals(101, first.join());
        assertTrue(u1.only().startsWith("1,true,"), u1.calls::toString);
        assertTrue(second.thread.isAlive(), "the second waiter was woken by the first unpark");
        assertEquals(1, ParkingLot.count(lock, KEY));

        Unparked u2 = new Unparked(102);
        ParkingLot.unparkOne(lock, KEY, u2, null);
        assertEquals(102, second.join());
        assertTrue(u2.only().startsWith("1,false,"), u2.calls::toString);
        assertEquals(0, ParkingLot.count(lock, KEY));
        assertFalse(first.interruptedAfter.get() || second.interruptedAfter.get());
        assertEquals(0, first.callbacks.timedOut.size() + second.callbacks.timedOut.size());

        // The callback runs even when nobody is queued, and is told so.
        Unparked u3 = new Unparked(103);
        ParkingLot.unparkOne(lock, KEY, u3, null);
        assertEquals("0,false,false", u3.only());
    }

    @Test
    void anUnparkAfterTheFairnessTimerExpiredIsFairButOnlyIfItWakesSomeone() throws InterruptedException {
        Object lock = new Object();
        letTheFairnessTimerExpire();
        Unparked nobody = new Unparked(0);
        ParkingLot.unparkOne(lock, KEY, nobody, null);
        assertEquals("0,false,false", nobody.only(), "an unpark that woke nobody was told to be fair");

        Parker p = asleep(lock, parkUntimed("waiter", lock, KEY, 0));
        letTheFairnessTimerExpire();
        Unparked u = new Unparked(1);
        ParkingLot.unparkOne(lock, KEY, u, null);
        assertEquals("1,false,true", u.only(), "no fair unpark after the fairness timer expired");
        assertEquals(1, p.join());

        Parker q = asleep(lock, parkUntimed("waiter-2", lock, KEY, 0));
        letTheFairnessTimerExpire();
        List<String> calls = new ArrayList<>();
        ParkingLot.unparkFilter(
                lock,
                KEY,
                token -> ParkingLot.SKIP,
                (n, more, fair) -> {
                    calls.add(n + "," + more + "," + fair);
                    return 0;
                },
                null);
        assertEquals(List.of("0,true,false"), calls, "unparkFilter that chose nobody was told to be fair");
        letTheFairnessTimerExpire();
        ParkingLot.unparkFilter(
                lock,
                KEY,
                token -> ParkingLot.UNPARK,
                (n, more, fair) -> {
                    calls.add(n + "," + more + "," + fair);
                    return 5;
                },
                null);
        assertEquals(List.of("0,true,false", "1,false,true"), calls);
        assertEquals(5, q.join());
    }

    @Test
    void theFairnessTimerFiresAboutOnceAMillisecondNotOnEveryCall() {
        ParkingLot.Bucket bucket = new ParkingLot.Bucket(System.nanoTime());
        // It becomes due again within 1 ms of firing.
        long deadline = System.nanoTime() + MILLISECONDS.toNanos(LONG_DELAY_MS);
        int fired = 0;
        while (fired < 3) {
            if (bucket.beFair()) {
                fired++;
            }
            assertTrue(System.nanoTime() - deadline < 0, "beFair() never returned true");
        }
        // Back-to-back calls: firing once pushes the next firing up to 1 ms away, so a thousand calls
        // in a row cannot all fire (that would take about half a second of calls).
        int n = 1000;
        int trues = 0;
        for (int i = 0; i < n; i++) {
            if (bucket.beFair()) {
                trues++;
            }
        }
        assertTrue(trues < n, "beFair() was true on every one of " + n + " back-to-back calls");
    }

    // ============================================================================ keys sharing a bucket

    @Test
    void queuesOfOtherKeysAndLocksThatShareTheBucketAreLeftAlone() throws InterruptedException {
        Object lock = new Object();
        int otherKey = keyInSameBucket(lock, KEY);
        Object otherLock = lockInSameBucket(lock, KEY);
        assertSame(ParkingLot.bucket(lock, KEY), ParkingLot.bucket(lock, otherKey));
        assertSame(ParkingLot.bucket(lock, KEY), ParkingLot.bucket(otherLock, KEY));

        // Both strangers are ahead of ours in the bucket's FIFO.
        Parker sameLockOtherKey = asleep(lock, parkUntimed("same-lock-other-key", lock, otherKey, 1));
        Parker otherLockSameKey = asleep(otherLock, parkUntimed("other-lock-same-key", otherLock, KEY, 2));
        assertEquals(0, ParkingLot.count(lock, KEY));
        assertEquals(0, ParkingLot.snapshot(lock, KEY).size());
        Unparked none = new Unparked(0);
        ParkingLot.unparkOne(lock, KEY, none, null);
        assertEquals("0,false,false", none.only());

        // A timed waiter of ours leaves alone: it was the last of its key despite the strangers.
        Parker timed = new Parker("ours-timed", lock, KEY, 3, new Callbacks(), SHORT_DELAY_MS, true, null);
        assertEquals(ParkingLot.TIMED_OUT, timed.join());
        assertEquals(List.of(true), timed.callbacks.timedOut);

        Parker ours = asleep(lock, parkUntimed("ours", lock, KEY, 3));
        assertEquals(1, ParkingLot.count(lock, KEY));
        assertEquals(1, ParkingLot.count(lock, otherKey));
        assertEquals(1, ParkingLot.count(otherLock, KEY));
        assertEquals(List.of(ours.thread), threads(ParkingLot.snapshot(lock, KEY)));

        List<Long> decided = new ArrayList<>();
        ParkingLot.unparkFilter(
                lock,
                KEY,
                token -> {
                    decided.add(token);
                    return ParkingLot.SKIP;
                },
                (n, more, fair) -> 0,
                null);
        assertEquals(List.of(3L), decided, "the filter was asked about another queue's waiters");

        Unparked u = new Unparked(42);
        ParkingLot.unparkOne(lock, KEY, u, null);
        assertEquals(42, ours.join());
        assertTrue(u.only().startsWith("1,false,"), () -> "strangers counted as more waiters: " + u.calls);
        assertTrue(sameLockOtherKey.thread.isAlive() && otherLockSameKey.thread.isAlive());

        assertEquals(0, ParkingLot.unparkAll(lock, KEY, null));
        assertEquals(1, ParkingLot.unparkAll(lock, otherKey, null));
        assertEquals(1, ParkingLot.unparkAll(otherLock, KEY, null));
        assertEquals(ParkingLot.TOKEN_NORMAL, sameLockOtherKey.join());
        assertEquals(ParkingLot.TOKEN_NORMAL, otherLockSameKey.join());
    }

    private static List<Thread> threads(List<ParkingLot.Parked> parked) {
        List<Thread> out = new ArrayList<>();
        for (ParkingLot.Parked p : parked) {
            out.add(p.thread);
        }
        return out;
    }

    // ============================================================================ leaving the queue

    @Test
    void timedParkReturnsTimedOutAfterItsDeadlineAndTellsWhetherItWasTheLastOfItsKey() throws InterruptedException {
        Object lock = new Object();
        Parker stays = asleep(lock, parkUntimed("stays", lock, KEY, 0));
        Parker leaves = new Parker("leaves", lock, KEY, 0, new Callbacks(), SHORT_DELAY_MS, false, null);
        assertEquals(ParkingLot.TIMED_OUT, leaves.join());
        long elapsedMs = MILLISECONDS.convert(leaves.returnedAfterNanos.get(), NANOSECONDS);
        assertTrue(elapsedMs >= SHORT_DELAY_MS, "timed out after " + elapsedMs + " ms, before its deadline");
        assertEquals(List.of(false), leaves.callbacks.timedOut, "another waiter of the key was still queued");
        assertEquals(1, ParkingLot.count(lock, KEY));

        ParkingLot.unparkOne(lock, KEY, new Unparked(6), null);
        assertEquals(6, stays.join());

        // A deadline already past still queues, then leaves as the last of its key.
        Parker late = new Parker("late", lock, KEY, 0, new Callbacks(), 0, false, null);
        assertEquals(ParkingLot.TIMED_OUT, late.join());
        assertEquals(1, late.callbacks.beforeSleeps.get());
        assertEquals(List.of(true), late.callbacks.timedOut);
        assertEquals(0, ParkingLot.count(lock, KEY));
    }

    @Test
    void theQueueStaysLinkedWhenAWaiterLeavesFromItsHeadMiddleOrTail() throws InterruptedException {
        Object lock = new Object();
        // Tail: A, B(timed) -> B leaves; C joins after A.
        Parker a = asleep(lock, parkUntimed("A", lock, KEY, 1));
        Parker b = new Parker("B-tail", lock, KEY, 2, new Callbacks(), SHORT_DELAY_MS, false, null);
        assertEquals(ParkingLot.TIMED_OUT, b.join());
        Parker c = asleep(lock, parkUntimed("C", lock, KEY, 3));
        assertEquals(List.of(a.thread, c.thread), threads(ParkingLot.snapshot(lock, KEY)));

        // Middle: A, C, D(timed), E -> D leaves.
        Parker d = new Parker("D-middle", lock, KEY, 4, new Callbacks(), 4 * SHORT_DELAY_MS, false, null);
        waitForBlockedOn(lock, d.thread);
        Parker e = asleep(lock, parkUntimed("E", lock, KEY, 5));
        assertEquals(ParkingLot.TIMED_OUT, d.join());
        assertEquals(List.of(a.thread, c.thread, e.thread), threads(ParkingLot.snapshot(lock, KEY)));

        // Head: the timed F is queued alone, then G; F leaves from the head.
        Object lock2 = new Object();
        Parker f = new Parker("F-head", lock2, KEY, 6, new Callbacks(), 4 * SHORT_DELAY_MS, false, null);
        waitForBlockedOn(lock2, f.thread);
        Parker g = asleep(lock2, parkUntimed("G", lock2, KEY, 7));
        assertEquals(ParkingLot.TIMED_OUT, f.join());
        assertEquals(List.of(g.thread), threads(ParkingLot.snapshot(lock2, KEY)));
        Parker h = asleep(lock2, parkUntimed("H", lock2, KEY, 8));

        // Everyone left is woken in order, one by one.
        List<Long> tokens = new ArrayList<>();
        ParkingLot.unparkFilter(
                lock,
                KEY,
                token -> {
                    tokens.add(token);
                    return ParkingLot.UNPARK;
                },
                (n, more, fair) -> {
                    assertEquals(3, n);
                    assertFalse(more);
                    return 0;
                },
                null);
        assertEquals(List.of(1L, 3L, 5L), tokens);
        for (Parker p : Arrays.asList(a, c, e)) {
            assertEquals(0, p.join());
        }
        Unparked first = new Unparked(70);
        ParkingLot.unparkOne(lock2, KEY, first, null);
        assertEquals(70, g.join());
        assertTrue(first.only().startsWith("1,true,"), first.calls::toString);
        ParkingLot.unparkOne(lock2, KEY, new Unparked(71), null);
        assertEquals(71, h.join());
        assertEquals(0, ParkingLot.count(lock, KEY) + ParkingLot.count(lock2, KEY));
    }

    // ============================================================================ interrupts

    @Test
    void interruptibleParkReturnsInterruptedWithTheFlagCleared() throws InterruptedException {
        Object lock = new Object();
        Parker p = asleep(lock, new Parker("interruptible", lock, KEY, 0, new Callbacks(), -1, true, null));
        p.thread.interrupt();
        assertEquals(ParkingLot.INTERRUPTED, p.join());
        assertFalse(p.interruptedAfter.get(), "the interrupt that ended the park is still pending");
        assertEquals(List.of(true), p.callbacks.timedOut);
        assertEquals(0, ParkingLot.count(lock, KEY));
    }

    @Test
    void uninterruptibleParkAbsorbsInterruptsAndReassertsThemOnReturn() throws InterruptedException {
        Object lock = new Object();
        Parker p = asleep(lock, parkUntimed("uninterruptible", lock, KEY, 0));
        p.thread.interrupt();
        // It goes back to sleep, still queued.
        waitUntil(
                "the interrupted waiter to sleep again",
                () -> !p.thread.isInterrupted() && isWaitingState(p.thread),
                () -> stackOf(p.thread));
        assertEquals(1, ParkingLot.count(lock, KEY));
        ParkingLot.unparkOne(lock, KEY, new Unparked(4), null);
        assertEquals(4, p.join());
        assertTrue(p.interruptedAfter.get(), "the absorbed interrupt was lost");
        assertEquals(0, p.callbacks.timedOut.size());
    }

    // ============================================================================ unparker vs. time-out

    /** A seam that holds every unparker after it chose its waiters and before it publishes the token. */
    static final class HeldDelivery extends FaultSeam {
        final SpinGate gate = new SpinGate();
        final List<Thread> delivered = new CopyOnWriteArrayList<>();

        @Override
        public void beforeUnpark(Object lock, Thread waiter) {
            delivered.add(waiter);
            gate.pass();
        }
    }

    @Test
    void aWaiterChosenByAnUnparkerBeforeItsTimeRanOutReturnsTheUnparkersToken() throws InterruptedException {
        Object lock = new Object();
        HeldDelivery seam = new HeldDelivery();
        Parker p = new Parker("timed", lock, KEY, 0, new Callbacks(), 4 * SHORT_DELAY_MS, false, seam);
        waitForBlockedOn(lock, p.thread);
        Thread unparker = newStartedThread(
                "unparker", () -> ParkingLot.unparkOne(lock, KEY, new Unparked(ParkingLot.TOKEN_HANDOFF), seam));
        seam.gate.awaitReached("the unparker to hold before delivering");
        assertEquals(List.of(p.thread), seam.delivered);
        // The waiter's time runs out; it is no longer queued, so it waits (untimed) for the token.
        waitUntil(
                "the waiter's deadline to pass and the waiter to wait for its token",
                () -> p.thread.getState() == Thread.State.WAITING && LockSupport.getBlocker(p.thread) == lock,
                () -> stackOf(p.thread));
        assertEquals(0, ParkingLot.count(lock, KEY));
        // An interrupt now cannot end that wait (what it waits for may be the lock itself); it stays pending.
        p.thread.interrupt();
        waitUntil(
                "the interrupted waiter to wait for its token again",
                () -> !p.thread.isInterrupted() && p.thread.getState() == Thread.State.WAITING,
                () -> stackOf(p.thread));
        assertTrue(p.thread.isAlive());
        seam.gate.open();
        awaitTermination(unparker);
        assertEquals(ParkingLot.TOKEN_HANDOFF, p.join(), "a waiter handed the lock reported a time-out");
        assertEquals(0, p.callbacks.timedOut.size(), "timedOut ran for a waiter an unparker had dequeued");
        assertTrue(p.interruptedAfter.get(), "the interrupt that arrived while waiting for the token was lost");
    }

    @ParameterizedTest(name = "token {0}")
    @ValueSource(longs = {ParkingLot.TOKEN_NORMAL, ParkingLot.TOKEN_HANDOFF})
    void anInterruptThatLosesTheRaceWithAnUnparkerStaysPendingAndTheTokenIsReturned(long token)
            throws InterruptedException {
        Object lock = new Object();
        HeldDelivery seam = new HeldDelivery();
        Parker p = new Parker("interruptible", lock, KEY, 0, new Callbacks(), -1, true, seam);
        waitForBlockedOn(lock, p.thread);
        Thread unparker =
                newStartedThread("unparker", () -> ParkingLot.unparkOne(lock, KEY, new Unparked(token), seam));
        seam.gate.awaitReached("the unparker to hold before delivering");
        p.thread.interrupt();
        // Dequeued already, so it waits (uninterruptibly) for its token.
        waitUntil(
                "the interrupted waiter to wait for its token",
                () -> !p.thread.isInterrupted() && p.thread.getState() == Thread.State.WAITING,
                () -> stackOf(p.thread));
        assertTrue(p.thread.isAlive());
        seam.gate.open();
        awaitTermination(unparker);
        assertEquals(token, p.join());
        assertTrue(p.interruptedAfter.get(), "the interrupt was swallowed");
        assertEquals(0, p.callbacks.timedOut.size());
    }

    // ============================================================================ unparkFilter

    @Test
    void unparkFilterAsksInArrivalOrderAndHonoursSkipAndStop() throws InterruptedException {
        Object lock = new Object();
        Parker[] ps = new Parker[5];
        for (int i = 0; i < ps.length; i++) {
            ps[i] = asleep(lock, parkUntimed("w" + (i + 1), lock, KEY, i + 1));
        }
        List<Long> asked = new ArrayList<>();
        List<String> calls = new ArrayList<>();
        ParkingLot.unparkFilter(
                lock,
                KEY,
                token -> {
                    asked.add(token);
                    return token == 2 ? ParkingLot.SKIP : token == 4 ? ParkingLot.STOP : ParkingLot.UNPARK;
                },
                (n, more, fair) -> {
                    calls.add(n + "," + more);
                    // Nobody wakes before the callback returned.
                    for (Parker p : ps) {
                        assertEquals(Long.MIN_VALUE, p.result.get());
                    }
                    return 33;
                },
                null);
        assertEquals(List.of(1L, 2L, 3L, 4L), asked, "the filter was asked past STOP or out of order");
        assertEquals(List.of("2,true"), calls);
        assertEquals(33, ps[0].join());
        assertEquals(33, ps[2].join());
        assertEquals(List.of(ps[1].thread, ps[3].thread, ps[4].thread), threads(ParkingLot.snapshot(lock, KEY)));

        assertEquals(3, ParkingLot.unparkAll(lock, KEY, null));
        for (int i : new int[] {1, 3, 4}) {
            assertEquals(ParkingLot.TOKEN_NORMAL, ps[i].join());
        }
        assertEquals(0, ParkingLot.unparkAll(lock, KEY, null));
    }

    // ============================================================================ count and snapshot

    @Test
    void countAndSnapshotListTheParkedThreadsPerKeyInQueueOrder() throws InterruptedException {
        Object lock = new Object();
        long before = System.nanoTime();
        Parker a = asleep(lock, parkUntimed("a", lock, 0, 10));
        Parker b = asleep(lock, parkUntimed("b", lock, 1, 11));
        Parker c = asleep(lock, parkUntimed("c", lock, 0, 12));
        long after = System.nanoTime();
        assertEquals(3, ParkingLot.count(lock, 0, 1));
        assertEquals(2, ParkingLot.count(lock, 0));
        assertEquals(1, ParkingLot.count(lock, 1));
        assertEquals(0, ParkingLot.count(lock, 2));
        assertEquals(0, ParkingLot.count(lock));

        List<ParkingLot.Parked> snap = ParkingLot.snapshot(lock, 1, 0);
        assertEquals(List.of(b.thread, a.thread, c.thread), threads(snap));
        assertEquals(1, snap.get(0).key);
        assertEquals(0, snap.get(1).key);
        assertEquals(11, snap.get(0).parkToken);
        assertEquals(12, snap.get(2).parkToken);
        for (ParkingLot.Parked p : snap) {
            assertTrue(p.parkedAtNanos - before >= 0 && after - p.parkedAtNanos >= 0, "parkedAtNanos out of range");
        }
        assertEquals(2, ParkingLot.unparkAll(lock, 0, null));
        assertEquals(1, ParkingLot.unparkAll(lock, 1, null));
        a.join();
        b.join();
        c.join();
    }

    // ============================================================================ the bucket lock

    /**
     * Inside a callback: shows that the bucket of (lock, key) is held by starting a thread that must
     * take it to count the waiters, and checking that it cannot finish while the callback runs.
     * Returns the probe thread (join it after the callback) or records a failure.
     */
    Thread probeBucketHeld(Object lock, int key, AtomicBoolean probeFinishedEarly) {
        AtomicBoolean started = new AtomicBoolean();
        AtomicBoolean finished = new AtomicBoolean();
        Thread probe = new Thread(
                () -> {
                    started.set(true);
                    ParkingLot.count(lock, key);
                    finished.set(true);
                },
                "bucket-probe");
        probe.setDaemon(true);
        track(probe, true);
        // Spin (callbacks must not park) until the probe runs, then give it 50 ms to get through.
        long deadline = System.nanoTime() + MILLISECONDS.toNanos(LONG_DELAY_MS);
        while (!started.get() && System.nanoTime() - deadline < 0) {
            Thread.yield();
        }
        long until = System.nanoTime() + MILLISECONDS.toNanos(SHORT_DELAY_MS);
        while (System.nanoTime() - until < 0) {
            if (finished.get()) {
                probeFinishedEarly.set(true);
                break;
            }
            Thread.yield();
        }
        return probe;
    }

    @Test
    void parkCallbacksRunUnderTheBucketLockAndBeforeSleepOutsideIt() throws InterruptedException {
        Object lock = new Object();
        AtomicBoolean validateUnlocked = new AtomicBoolean();
        AtomicBoolean beforeSleepUnlocked = new AtomicBoolean();
        AtomicBoolean timedOutUnlocked = new AtomicBoolean();
        List<Thread> probes = new CopyOnWriteArrayList<>();
        ParkingLot.ParkCallbacks cb = new ParkingLot.ParkCallbacks() {
            @Override
            public boolean validate() {
                probes.add(probeBucketHeld(lock, KEY, validateUnlocked));
                return true;
            }

            @Override
            public void beforeSleep() {
                AtomicBoolean early = new AtomicBoolean();
                Thread probe = probeBucketHeld(lock, KEY, early);
                probes.add(probe);
                beforeSleepUnlocked.set(early.get());
            }

            @Override
            public void timedOut(boolean wasLastThreadOnKey) {
                probes.add(probeBucketHeld(lock, KEY, timedOutUnlocked));
            }
        };
        long r = ParkingLot.park(
                lock, KEY, cb, 0, true, System.nanoTime() + MILLISECONDS.toNanos(SHORT_DELAY_MS), false, null);
        assertEquals(ParkingLot.TIMED_OUT, r);
        for (Thread t : probes) {
            awaitTermination(t);
        }
        assertEquals(3, probes.size());
        assertFalse(validateUnlocked.get(), "validate ran without the bucket lock");
        assertTrue(beforeSleepUnlocked.get(), "beforeSleep ran under the bucket lock");
        assertFalse(timedOutUnlocked.get(), "timedOut ran without the bucket lock");
    }

    @Test
    void unparkCallbacksRunUnderTheBucketLock() throws InterruptedException {
        Object lock = new Object();
        Parker p = asleep(lock, parkUntimed("w", lock, KEY, 0));
        AtomicBoolean oneUnlocked = new AtomicBoolean();
        List<Thread> probes = new ArrayList<>();
        ParkingLot.unparkOne(
                lock,
                KEY,
                (n, more, fair) -> {
                    probes.add(probeBucketHeld(lock, KEY, oneUnlocked));
                    return 0;
                },
                null);
        p.join();
        Parker q = asleep(lock, parkUntimed("w2", lock, KEY, 0));
        AtomicBoolean filterUnlocked = new AtomicBoolean();
        AtomicBoolean callbackUnlocked = new AtomicBoolean();
        ParkingLot.unparkFilter(
                lock,
                KEY,
                token -> {
                    probes.add(probeBucketHeld(lock, KEY, filterUnlocked));
                    return ParkingLot.UNPARK;
                },
                (n, more, fair) -> {
                    probes.add(probeBucketHeld(lock, KEY, callbackUnlocked));
                    return 0;
                },
                null);
        q.join();
        for (Thread t : probes) {
            awaitTermination(t);
        }
        assertFalse(oneUnlocked.get(), "unparkOne's callback ran without the bucket lock");
        assertFalse(filterUnlocked.get(), "unparkFilter's filter ran without the bucket lock");
        assertFalse(callbackUnlocked.get(), "unparkFilter's callback ran without the bucket lock");
    }

    @Test
    void contendedBucketLockKeepsEveryCountExact() throws InterruptedException {
        // Two threads hammer the same bucket with park/unpark pairs; the spin lock must keep the
        // queue consistent (no lost or duplicated waiter) under contention.
        Object lock = new Object();
        int rounds = 300;
        AtomicInteger woken = new AtomicInteger();
        Thread parker = newStartedThread("parker", () -> {
            for (int i = 0; i < rounds; i++) {
                long r = ParkingLot.park(lock, KEY, new Callbacks(), i, false, 0L, false, null);
                assertEquals(1000L + i, r);
                woken.incrementAndGet();
            }
        });
        Thread unparker = newStartedThread("unparker", () -> {
            long[] delivered = {0};
            while (delivered[0] < rounds) {
                ParkingLot.unparkOne(lock, KEY, (n, more, fair) -> n == 0 ? 0 : 1000 + delivered[0]++, null);
                ParkingLot.count(lock, KEY);
                Thread.yield();
            }
        });
        awaitTermination(parker);
        awaitTermination(unparker);
        assertEquals(rounds, woken.get());
        assertEquals(0, ParkingLot.count(lock, KEY));
    }

    // ============================================================================ the fault seam's hooks

    @Test
    void seamIsToldOfEachParkedThreadAfterBeforeSleep() throws InterruptedException {
        Object lock = new Object();
        List<String> events = new CopyOnWriteArrayList<>();
        FaultSeam seam = new FaultSeam() {
            @Override
            public void pause(SeamPoint point, Object l) {
                events.add(point + "@" + (l == lock));
            }

            @Override
            public void beforeUnpark(Object l, Thread waiter) {
                events.add("beforeUnpark@" + (l == lock) + "," + waiter.getName());
            }
        };
        Callbacks cb = new Callbacks() {
            @Override
            public void beforeSleep() {
                events.add("beforeSleep");
            }
        };
        Parker p = new Parker("p", lock, KEY, 0, cb, -1, false, seam);
        waitForBlockedOn(lock, p.thread);
        ParkingLot.unparkOne(lock, KEY, new Unparked(2), seam);
        assertEquals(2, p.join());
        assertEquals(List.of("beforeSleep", "PARKED@true", "beforeUnpark@true,p"), events);
    }

    @Test
    void seamInterruptBeforeParkEndsAnInterruptiblePark() throws InterruptedException {
        Object lock = new Object();
        FaultSeam seam = new FaultSeam() {
            @Override
            public boolean interruptBeforePark(Object l) {
                return true;
            }
        };
        Parker p = new Parker("p", lock, KEY, 0, new Callbacks(), LONG_DELAY_MS, true, seam);
        assertEquals(ParkingLot.INTERRUPTED, p.join());
        assertTrue(
                MILLISECONDS.convert(p.returnedAfterNanos.get(), NANOSECONDS) < LONG_DELAY_MS / 2,
                "the injected interrupt did not end the park");
        assertFalse(p.interruptedAfter.get());
    }

    @Test
    void seamExpiresTimedParksOnlyAndSpuriousWakeupsDoNotEndAPark() throws InterruptedException {
        Object lock = new Object();
        AtomicInteger spurious = new AtomicInteger();
        AtomicInteger expiryAsked = new AtomicInteger();
        FaultSeam seam = new FaultSeam() {
            @Override
            public boolean expireDeadlineNow(Object l) {
                expiryAsked.incrementAndGet();
                return true;
            }

            @Override
            public boolean spuriousWakeup(Object l) {
                return spurious.incrementAndGet() <= 3;
            }
        };
        Parker timed = new Parker("timed", lock, KEY, 0, new Callbacks(), LONG_DELAY_MS, false, seam);
        assertEquals(ParkingLot.TIMED_OUT, timed.join());
        assertTrue(
                MILLISECONDS.convert(timed.returnedAfterNanos.get(), NANOSECONDS) < LONG_DELAY_MS / 2,
                "the expired deadline did not end the park");
        assertEquals(1, expiryAsked.get());
        assertEquals(0, spurious.get(), "a park that expired first was still woken spuriously");

        // An untimed park ignores expiry, and sleeps again after each spurious wake-up.
        Parker untimed = new Parker("untimed", lock, KEY, 0, new Callbacks(), -1, false, seam);
        waitForBlockedOn(lock, untimed.thread);
        assertTrue(spurious.get() >= 4, "spurious wake-ups were not offered: " + spurious.get());
        assertEquals(1, expiryAsked.get(), "an untimed park asked whether its deadline expired");
        assertTrue(untimed.thread.isAlive());
        ParkingLot.unparkOne(lock, KEY, new Unparked(8), seam);
        assertEquals(8, untimed.join());
        assertNotEquals(0, spurious.get());
    }
}
