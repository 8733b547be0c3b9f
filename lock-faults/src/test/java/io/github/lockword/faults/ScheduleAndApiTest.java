// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lockword.RwLock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The schedule helper's own contract, and the small API of FaultyLocks and Chaos. */
class ScheduleAndApiTest {

    private static final Duration STEP = Duration.ofSeconds(10);

    @Test
    void heldThreadStaysHeldEvenWhenTheLockUnparksIt() throws Exception {
        try (Schedule schedule = new Schedule()) {
            RwLock lock = FaultyLocks.builder().schedule(schedule).build();
            lock.lockWrite();
            Actor<Boolean> reader = Actor.of("reader", () -> {
                lock.lockRead();
                lock.unlockRead();
                return true;
            });
            Schedule.Gate parked = schedule.hold(PausePoint.PARKED, reader.thread());
            reader.start();
            parked.awaitArrival(STEP); // queued in MAIN, held before its first sleep
            lock.unlockWrite(); // dequeues it and unparks it: a permit for it
            Thread.sleep(100);
            assertFalse(reader.isDone(), "the hold must not end because the lock unparked the thread");
            assertFalse(parked.gaveUp());
            parked.release();
            assertTrue(reader.join(STEP), "released, it takes the token it was given and gets in");
            assertEquals(0L, lock.stateWord());
        }
    }

    @Test
    void gateForAThreadIgnoresOthersAndWatchDoesNotHold() throws Exception {
        try (Schedule schedule = new Schedule()) {
            RwLock lock = FaultyLocks.builder().schedule(schedule).build();
            lock.lockWrite();
            Actor<Boolean> a = Actor.of("a", () -> lock.tryLockRead(30, TimeUnit.MILLISECONDS));
            Actor<Boolean> b = Actor.of("b", () -> lock.tryLockRead(30, TimeUnit.MILLISECONDS));
            Schedule.Gate holdB = schedule.hold(PausePoint.PARKED, b.thread());
            Schedule.Gate watchA = schedule.watch(PausePoint.PARKED, a.thread());
            a.start();
            assertSame(a.thread(), watchA.awaitArrival(STEP));
            assertFalse(a.join(STEP), "a was only watched: it timed out normally");
            assertFalse(holdB.hasArrived(), "a did not claim b's gate");
            b.start();
            assertSame(b.thread(), holdB.awaitArrival(STEP));
            Thread.sleep(60); // past b's deadline, still held
            assertFalse(b.isDone());
            holdB.release();
            assertFalse(b.join(STEP));
            lock.unlockWrite();
            assertEquals(0L, lock.stateWord());
        }
    }

    @Test
    void closeReleasesAndMaxHoldGivesUp() throws Exception {
        Schedule schedule = new Schedule(Duration.ofMillis(50));
        RwLock lock = FaultyLocks.builder().schedule(schedule).build();
        lock.lockWrite();
        Actor<Boolean> r = Actor.of("r", () -> lock.tryLockRead(10, TimeUnit.MILLISECONDS));
        Schedule.Gate g = schedule.hold(PausePoint.PARKED, r.thread());
        r.start();
        assertFalse(r.join(STEP));
        assertTrue(g.gaveUp(), "nobody released it: it went on after maxHold");
        lock.unlockWrite();

        Schedule s2 = new Schedule();
        RwLock lock2 = FaultyLocks.builder().schedule(s2).build();
        lock2.lockWrite();
        Actor<Boolean> r2 = Actor.of("r2", () -> lock2.tryLockRead(10, TimeUnit.MILLISECONDS));
        Schedule.Gate g2 = s2.hold(PausePoint.PARKED, r2.thread());
        r2.start();
        g2.awaitArrival(STEP);
        s2.close();
        assertFalse(r2.join(STEP));
        assertTrue(g2.isReleased());
        lock2.unlockWrite();
        assertThrows(
                IllegalStateException.class, () -> s2.watch(PausePoint.PARKED).awaitArrival(Duration.ofMillis(20)));
    }

    @Test
    void locksAreNamedAndTheFixedOneChecksForCorruptionByDefault() {
        assertEquals("faulty:ISSUE_465", FaultyLocks.create(Fault.ISSUE_465).getName());
        assertEquals(
                "faulty:ISSUE_465+ISSUE_465_WAKE_SEED",
                FaultyLocks.create(Fault.ISSUE_465_WAKE_SEED, Fault.ISSUE_465).getName());
        assertEquals("fixed", FaultyLocks.create().getName());
        assertEquals("x", FaultyLocks.builder().name("x").build().getName());
        assertTrue(FaultyLocks.builder().fair(true).build().isFair());
        RwLock plain = new RwLock();
        assertNull(plain.getName());
        assertThrows(NullPointerException.class, () -> FaultyLocks.create((Fault) null));
    }

    @Test
    void chaosValidatesRatesAndCountsInjections() {
        assertThrows(IllegalArgumentException.class, () -> Chaos.builder().interrupts(1.5, 1));
        assertThrows(IllegalArgumentException.class, () -> Chaos.builder().earlyTimeouts(-0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> Chaos.builder().spuriousWakeups(1.0, 1));
        assertThrows(IllegalArgumentException.class, () -> Chaos.builder().interrupts(Double.NaN, 1));

        Chaos c = Chaos.builder().earlyTimeouts(0.25, 42).build();
        int hits = 0;
        for (int i = 0; i < 10_000; i++) {
            hits += c.roll(Chaos.Kind.EARLY_TIMEOUT) ? 1 : 0;
            assertFalse(c.roll(Chaos.Kind.INTERRUPT), "rate 0 never fires");
        }
        assertEquals(hits, c.injected(Chaos.Kind.EARLY_TIMEOUT));
        assertEquals(10_000, c.chances(Chaos.Kind.EARLY_TIMEOUT));
        assertTrue(hits > 2_200 && hits < 2_800, "about a quarter: " + hits);

        // The same seed makes the same decisions.
        Chaos c2 = Chaos.builder().earlyTimeouts(0.25, 42).build();
        Chaos c3 = Chaos.builder().earlyTimeouts(0.25, 42).build();
        for (int i = 0; i < 1000; i++) {
            assertEquals(c2.roll(Chaos.Kind.EARLY_TIMEOUT), c3.roll(Chaos.Kind.EARLY_TIMEOUT));
        }
    }
}
