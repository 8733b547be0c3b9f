// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lockword.LockState;
import io.github.lockword.RwLock;
import io.github.lockword.faults.Fault;
import io.github.lockword.faults.FaultyLocks;
import io.github.lockword.faults.PausePoint;
import io.github.lockword.faults.Schedule;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Short runs of the {@link Soak} harness: the fixed lock passes, made in every way a user can make
 * it; a corrupted lock fails, and so does a waiter left asleep on a free lock.
 */
class SoakTest {

    private static Soak.Options shortRun(Duration duration) {
        Soak.Options o = new Soak.Options();
        o.threads = 4;
        o.duration = duration;
        o.seed = 465;
        o.reportEvery = Duration.ZERO;
        return o;
    }

    @Test
    void fixedLockSurvivesAFewSeconds() {
        SoakReport r = Soak.run(shortRun(Duration.ofSeconds(3)), System.out);
        assertEquals(0, r.corruptedWords(), r::summary);
        assertEquals(0L, r.finalWord(), r::summary);
        assertTrue(r.operations() > 1_000, r::summary);
        assertTrue(r.timeouts() > 0, () -> "the run should exercise timeouts\n" + r.summary());
        assertTrue(r.interrupts() > 0, () -> "the run should exercise interrupts\n" + r.summary());
        assertTrue(r.passed(), r::summary);
    }

    /** Every way of making the lock, not only {@code new RwLock()}: the builder's, checked, untracked. */
    @ParameterizedTest
    @EnumSource(Locks.Kind.class)
    void everyKindOfLockSurvives(Locks.Kind kind) {
        Soak.Options o = shortRun(Duration.ofMillis(1_500));
        o.kind = kind;
        SoakReport r = Soak.run(o, System.out);
        assertTrue(r.operations() > 1_000, r::summary);
        assertTrue(r.passed(), r::summary);
    }

    @Test
    void checkedFairLockSurvives() {
        Soak.Options o = shortRun(Duration.ofSeconds(1));
        o.kind = Locks.Kind.CHECKED;
        o.fair = true;
        SoakReport r = Soak.run(o, System.out);
        assertTrue(r.passed(), r::summary);
    }

    /**
     * The lost wake-up check must be able to fail. A patient {@code tryLockWrite} that sleeps out its
     * whole timeout without ever looking at the word ({@code sleepThroughPatientWrites}) behaves,
     * seen from outside, exactly like a waiter whose wake-up was lost: it gives up on a lock that was
     * free all along. One worker, so
     * the lock is free whenever that worker waits. The same run on the real lock passes.
     */
    @Test
    void waiterAsleepOnAFreeLockFailsTheSoak() {
        Soak.Options o = lostWakeupRun();
        o.sleepThroughPatientWrites = true;
        SoakReport r = Soak.run(o, System.out);
        assertFalse(r.passed(), r::summary);
        assertTrue(r.lostWakeups() > 0, r::summary);

        SoakReport control = Soak.run(lostWakeupRun(), System.out);
        assertEquals(0, control.lostWakeups(), control::summary);
        assertTrue(control.passed(), control::summary);
    }

    private static Soak.Options lostWakeupRun() {
        Soak.Options o = shortRun(Duration.ofSeconds(1));
        o.threads = 1;
        o.interruptEveryMicros = 0;
        o.patientEvery = 4;
        o.patientMillis = 150;
        o.wakeLatencyMillis = 50;
        return o;
    }

    @Test
    void fixedLockSurvivesChaos() {
        Soak.Options o = shortRun(Duration.ofSeconds(2));
        o.chaos = true;
        SoakReport r = Soak.run(o, System.out);
        assertEquals(0, r.corruptedWords(), r::summary);
        assertEquals(0L, r.finalWord(), r::summary);
        assertTrue(r.passed(), r::summary);
    }

    @Test
    void fairLockSurvivesAFewSeconds() {
        Soak.Options o = shortRun(Duration.ofSeconds(1));
        o.fair = true;
        SoakReport r = Soak.run(o, System.out);
        assertEquals(0L, r.finalWord(), r::summary);
        assertTrue(r.passed(), r::summary);
    }

    /**
     * The harness must be able to fail: corrupt a faulty lock with schedule A of the issue-465
     * interleaving (a reader released while the timed-out writer is held before its give-back;
     * deterministic), hand it to the soak, and expect corrupted words and stuck threads.
     */
    @Test
    void corruptedLockFailsTheSoak() throws InterruptedException {
        RwLock lock;
        try (Schedule schedule = new Schedule(Duration.ofSeconds(10))) {
            lock = FaultyLocks.builder()
                    .faults(Fault.ISSUE_465)
                    .schedule(schedule)
                    .build();
            Schedule.Gate h1 = schedule.hold(PausePoint.WRITER_TIMED_OUT_BEFORE_RESTORE);
            lock.lockRead();
            RwLock l = lock;
            Thread writer = new Thread(
                    () -> {
                        try {
                            l.tryLockWrite(30, TimeUnit.MILLISECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "schedule-A-writer");
            writer.start();
            assertTrue(h1.awaitArrival(Duration.ofSeconds(10)) != null, "the writer never timed out");
            lock.unlockRead();
            h1.release();
            writer.join(10_000);
        }
        assertEquals(
                0xFFFFFFFFFFFFFFFEL,
                lock.stateWord(),
                () -> "precondition: schedule A corrupts the faulty lock, but the word is "
                        + LockState.hex(lock.stateWord()));

        Soak.Options o = shortRun(Duration.ofMillis(500));
        o.threads = 2;
        o.stuckMillis = 200;
        o.graceMillis = 200;
        o.maxTimeoutMicros = 500;
        RwLock corrupted = lock;
        SoakReport r = Soak.run(o, () -> corrupted, System.out);
        assertFalse(r.passed(), r::summary);
        assertTrue(r.corruptedWords() > 0, r::summary);
        assertTrue(r.stuckThreads() + r.unfinishedThreads() > 0, r::summary);
        // The soak's worker threads stay parked on the corrupted lock: they are daemons.
    }
}
