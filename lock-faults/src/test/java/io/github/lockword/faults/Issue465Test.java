// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lockword.LockCorruptedException;
import io.github.lockword.LockState;
import io.github.lockword.RwLock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * parking_lot issue 465, schedules A and B of DESIGN.md section 4, run exactly with pause points,
 * in the faulty mode ({@link Fault#ISSUE_465}) and the fixed mode (no fault).
 */
class Issue465Test {

    static final Duration STEP = Duration.ofSeconds(10);
    static final long W = LockState.WRITER;
    static final long WP = LockState.WRITER_PARKED;
    static final long R = LockState.ONE_READER;
    static final long FE = 0xFFFFFFFFFFFFFFFEL;
    static final long FF = 0xFFFFFFFFFFFFFFFFL;

    /** The two modes every schedule runs in. */
    enum Mode {
        FAULTY,
        FIXED;

        FaultyLocks.Builder builder() {
            return this == FAULTY ? FaultyLocks.builder().faults(Fault.ISSUE_465) : FaultyLocks.builder();
        }
    }

    static void assertWord(long expected, RwLock lock, String step) {
        long w = lock.stateWord();
        assertEquals(
                expected, w, () -> step + ": expected " + LockState.hex(expected) + ", was " + LockState.explain(w));
    }

    /**
     * Schedule A: T1 read-locks; T2's tryLockWrite(timeout) parks, times out and is held at H1; T1
     * unlocks; H1 is released. Returns T2's result.
     */
    static boolean scheduleA(Schedule schedule, RwLock lock, Mode mode, long writerTimeoutMillis) throws Exception {
        Schedule.Gate h1 = schedule.hold(PausePoint.WRITER_TIMED_OUT_BEFORE_RESTORE);
        lock.lockRead();
        assertWord(R, lock, "1. T1 lockRead");

        Actor<Boolean> t2 = Actor.of("T2", () -> lock.tryLockWrite(writerTimeoutMillis, TimeUnit.MILLISECONDS));
        Schedule.Gate parked = schedule.hold(PausePoint.PARKED, t2.thread());
        t2.start();
        parked.awaitArrival(STEP);
        assertWord(W | WP | R, lock, "2-3. T2 set W and WP and parked on the WRITER queue");
        parked.release();

        h1.awaitArrival(STEP);
        assertEquals(t2.thread(), h1.arrivedThread());
        assertWord(mode == Mode.FAULTY ? W | WP | R : W | R, lock, "4. T2 timed out, held at H1");

        lock.unlockRead();
        assertWord(W, lock, "5-6. T1 unlockRead (faulty: its unpark callback cleared WP)");

        h1.release();
        boolean acquired = t2.join(STEP);
        assertFalse(acquired, "T2 timed out");
        return acquired;
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void scheduleA(Mode mode) throws Exception {
        try (Schedule schedule = new Schedule()) {
            RwLock lock = mode.builder().schedule(schedule).build();
            scheduleA(schedule, lock, mode, 30);
            if (mode == Mode.FAULTY) {
                assertWord(FE, lock, "7. T2 restored by adding 0 - (W|WP)");
                assertEquals(LockState.MAX_READERS, LockState.readers(lock.stateWord()));
                assertFalse(LockState.violations(lock.stateWord()).isEmpty());
                assertNull(lock.writeOwner(), "nobody owns the corrupt lock");

                // 8. the next thread to wait sets PARKED, and its write fails though nobody holds the lock
                Actor<Boolean> t3 = Actor.of("T3", () -> lock.tryLockWrite(20, TimeUnit.MILLISECONDS));
                Schedule.Gate parked = schedule.hold(PausePoint.PARKED, t3.thread());
                t3.start();
                parked.awaitArrival(STEP);
                assertWord(FF, lock, "8. T3 parked");
                parked.release();
                assertFalse(t3.join(STEP), "tryLockWrite(20 ms) on the corrupt lock");
                assertWord(FE, lock, "T3 left; PARKED cleared");
                assertFalse(lock.tryLockRead(), "no reader gets in either");
            } else {
                assertWord(0, lock, "7. T2 restored by subtracting W");
                Actor<Boolean> t3 = Actor.of("T3", () -> {
                            boolean got = lock.tryLockWrite(20, TimeUnit.MILLISECONDS);
                            if (got) {
                                lock.unlockWrite();
                            }
                            return got;
                        })
                        .start();
                assertTrue(t3.join(STEP), "a later tryLockWrite(20 ms) succeeds");
                assertWord(0, lock, "after T3");
            }
        }
    }

    /** The same schedule, many times with a short timeout: exact every time. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void scheduleAIsExactEveryTime(Mode mode) throws Exception {
        for (int i = 0; i < 25; i++) {
            try (Schedule schedule = new Schedule()) {
                RwLock lock = mode.builder().schedule(schedule).build();
                scheduleA(schedule, lock, mode, 2);
                assertWord(mode == Mode.FAULTY ? FE : 0, lock, "round " + i);
            }
        }
    }

    /** With lockword's corruption check on, the faulty lock fails loudly instead of hanging. */
    @Test
    void scheduleAWithCorruptionCheckThrowsInsteadOfHanging() throws Exception {
        try (Schedule schedule = new Schedule()) {
            RwLock lock = Mode.FAULTY
                    .builder()
                    .detectCorruption(true)
                    .schedule(schedule)
                    .build();
            scheduleA(schedule, lock, Mode.FAULTY, 30);
            assertWord(FE, lock, "the give-back still corrupts: the check is on slow paths");
            LockCorruptedException e =
                    assertThrows(LockCorruptedException.class, () -> lock.tryLockWrite(20, TimeUnit.MILLISECONDS));
            assertEquals(FE, e.word());
            assertTrue(e.getMessage().contains("0xFFFFFFFFFFFFFFFE"), e.getMessage());
            assertThrows(LockCorruptedException.class, lock::lockRead);
        }
    }

    /**
     * Schedule B (control): T1's unlockRead is held at H2, after its decrement and before its wake;
     * T2 times out and restores first. Neither mode corrupts.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void scheduleB(Mode mode) throws Exception {
        try (Schedule schedule = new Schedule()) {
            RwLock lock = mode.builder().schedule(schedule).build();
            Schedule.Gate h2 = schedule.hold(PausePoint.LAST_READER_BEFORE_UNPARK);
            lock.lockRead();
            assertWord(R, lock, "T1 lockRead");

            Actor<Boolean> t2 = Actor.of("T2", () -> lock.tryLockWrite(30, TimeUnit.MILLISECONDS));
            Schedule.Gate parked = schedule.hold(PausePoint.PARKED, t2.thread());
            t2.start();
            parked.awaitArrival(STEP);
            assertWord(W | WP | R, lock, "T2 queued on the WRITER queue (held before its first sleep)");

            Actor<Void> t1 = Actor.<Void>of("T1", () -> {
                        lock.unlockRead();
                        return null;
                    })
                    .start();
            h2.awaitArrival(STEP);
            assertWord(W | WP, lock, "T1 decremented and is held at H2");
            parked.release(); // T2 sleeps until its deadline: nobody wakes it while T1 is held

            assertFalse(t2.join(STEP), "T2 times out while T1 is held");
            assertWord(0, lock, "T2 restored first");

            h2.release();
            t1.join(STEP);
            assertWord(0, lock, "T1's wake found nobody and cleared an already clear WP");
            assertTrue(lock.tryLockWrite(), "the lock works");
            lock.unlockWrite();
        }
    }

    /**
     * Faulty mode with a reader already parked in the MAIN queue when T2 restores: PARKED is set at
     * step 7, and the word is corrupt at once; the reader stays stuck until its own timeout.
     */
    @Test
    void faultyWithAParkedReaderCorruptsAtOnceAndStrandsTheReader() throws Exception {
        try (Schedule schedule = new Schedule()) {
            RwLock lock = Mode.FAULTY.builder().schedule(schedule).build();
            Schedule.Gate h1 = schedule.hold(PausePoint.WRITER_TIMED_OUT_BEFORE_RESTORE);
            lock.lockRead();
            Actor<Boolean> t2 = Actor.of("T2", () -> lock.tryLockWrite(60, TimeUnit.MILLISECONDS));
            Schedule.Gate t2Parked = schedule.hold(PausePoint.PARKED, t2.thread());
            t2.start();
            t2Parked.awaitArrival(STEP);
            Actor<Boolean> t3 = Actor.of("T3", () -> {
                boolean got = lock.tryLockRead(300, TimeUnit.MILLISECONDS);
                if (got) {
                    lock.unlockRead();
                }
                return got;
            });
            Schedule.Gate t3Parked = schedule.hold(PausePoint.PARKED, t3.thread());
            t3.start();
            t3Parked.awaitArrival(STEP);
            assertWord(W | WP | R | LockState.PARKED, lock, "T3 queued in MAIN behind T2's WRITER");
            t3Parked.release();
            t2Parked.release();
            h1.awaitArrival(STEP);
            lock.unlockRead();
            h1.release();
            assertFalse(t2.join(STEP));
            long w = lock.stateWord();
            assertTrue(w == FE || w == FF, LockState.explain(w));
            assertFalse(t3.join(STEP), "the reader never gets in");
            assertWord(FE, lock, "after the reader gave up");
        }
    }
}
