// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.faults;

import static io.github.lockword.faults.Issue465Test.FE;
import static io.github.lockword.faults.Issue465Test.R;
import static io.github.lockword.faults.Issue465Test.STEP;
import static io.github.lockword.faults.Issue465Test.W;
import static io.github.lockword.faults.Issue465Test.WP;
import static io.github.lockword.faults.Issue465Test.assertWord;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lockword.LockCorruptedException;
import io.github.lockword.LockState;
import io.github.lockword.RwLock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The upgrade variant of issue 465: a timed-out {@code tryUpgrade(timeout)} racing the last other
 * reader. Faulty ({@link Fault#ISSUE_465_UPGRADE}): the give-back leaves {@code 0x12} (U lost) and
 * the holder's {@code unlockUpgradable()} then drives the word to {@code 0xFFFFFFFFFFFFFFFE}.
 * Fixed: the holder keeps its upgradable lock ({@code 0x14}).
 */
class Issue465UpgradeTest {

    private static final long U = LockState.UPGRADABLE;

    /** The upgradable holder: one thread for all of its steps. */
    private final ExecutorService holder = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "U-holder");
        t.setDaemon(true);
        return t;
    });

    enum Mode {
        FAULTY,
        FIXED;

        FaultyLocks.Builder builder() {
            return this == FAULTY ? FaultyLocks.builder().faults(Fault.ISSUE_465_UPGRADE) : FaultyLocks.builder();
        }
    }

    @AfterEach
    void stop() {
        holder.shutdownNow();
    }

    private <T> T on(java.util.concurrent.Callable<T> step) throws Exception {
        return holder.submit(step).get(STEP.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * U holder and a plain reader in; the holder's tryUpgrade(30 ms) queues on the WRITER queue and
     * is held there (by {@code parked}, a holding gate) before its first sleep; the caller releases it.
     */
    private Future<Boolean> upgradeThatTimesOut(RwLock lock, Schedule.Gate parked) throws Exception {
        on(() -> {
            lock.lockUpgradable();
            return null;
        });
        assertWord(R | U, lock, "the holder's upgradable lock");
        lock.lockRead();
        assertWord(2 * R | U, lock, "and a plain reader");
        Future<Boolean> upgrade = holder.submit(() -> lock.tryUpgrade(30, TimeUnit.MILLISECONDS));
        parked.awaitArrival(STEP);
        assertWord(W | WP | R, lock, "tryUpgrade swapped R|U for W, set WP and queued");
        return upgrade;
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void scheduleA(Mode mode) throws Exception {
        try (Schedule schedule = new Schedule()) {
            RwLock lock = mode.builder().schedule(schedule).build();
            Schedule.Gate h1 = schedule.hold(PausePoint.WRITER_TIMED_OUT_BEFORE_RESTORE);
            Schedule.Gate parked = schedule.hold(PausePoint.PARKED);
            Future<Boolean> upgrade = upgradeThatTimesOut(lock, parked);
            parked.release();

            h1.awaitArrival(STEP);
            assertWord(mode == Mode.FAULTY ? W | WP | R : W | R, lock, "timed out, held at H1");
            lock.unlockRead();
            assertWord(W, lock, "the other reader left (faulty: its wake cleared WP)");
            h1.release();
            assertFalse(upgrade.get(STEP.toMillis(), TimeUnit.MILLISECONDS), "tryUpgrade timed out");

            if (mode == Mode.FAULTY) {
                assertWord(R | WP, lock, "give-back added (R|U) - (W|WP): U is lost");
                assertFalse(LockState.violations(lock.stateWord()).isEmpty());
                on(() -> {
                    lock.unlockUpgradable(); // what the holder believes it still holds
                    return null;
                });
                assertWord(FE, lock, "unlockUpgradable subtracted R|U from 0x12");
                assertFalse(lock.tryLockWrite(5, TimeUnit.MILLISECONDS), "the lock is dead");
            } else {
                assertWord(R | U, lock, "the holder keeps its upgradable lock");
                assertTrue(on(() -> lock.tryUpgrade()), "and can upgrade now that it is alone");
                assertWord(W, lock, "upgraded");
                on(() -> {
                    lock.unlockWrite();
                    return null;
                });
                assertWord(0, lock, "released");
            }
        }
    }

    @Test
    void faultyWithCorruptionCheckThrowsOnTheNextSlowPath() throws Exception {
        try (Schedule schedule = new Schedule()) {
            RwLock lock = Mode.FAULTY
                    .builder()
                    .detectCorruption(true)
                    .schedule(schedule)
                    .build();
            Schedule.Gate h1 = schedule.hold(PausePoint.WRITER_TIMED_OUT_BEFORE_RESTORE);
            Schedule.Gate parked = schedule.hold(PausePoint.PARKED);
            Future<Boolean> upgrade = upgradeThatTimesOut(lock, parked);
            parked.release();
            h1.awaitArrival(STEP);
            lock.unlockRead();
            h1.release();
            assertFalse(upgrade.get(STEP.toMillis(), TimeUnit.MILLISECONDS));
            assertWord(R | WP, lock, "0x12");
            assertThrows(LockCorruptedException.class, () -> lock.tryLockWrite(5, TimeUnit.MILLISECONDS));
        }
    }

    /** Schedule B: the other reader is held at H2 while the upgrader restores first. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void scheduleB(Mode mode) throws Exception {
        try (Schedule schedule = new Schedule()) {
            RwLock lock = mode.builder().schedule(schedule).build();
            Schedule.Gate h2 = schedule.hold(PausePoint.LAST_READER_BEFORE_UNPARK);
            Schedule.Gate parked = schedule.hold(PausePoint.PARKED);
            Future<Boolean> upgrade = upgradeThatTimesOut(lock, parked);

            Actor<Void> reader = Actor.<Void>of("reader", () -> {
                        lock.unlockRead();
                        return null;
                    })
                    .start();
            h2.awaitArrival(STEP);
            assertWord(W | WP, lock, "the other reader decremented and is held at H2");
            parked.release(); // the upgrader sleeps until its deadline: its waker is held
            assertFalse(upgrade.get(STEP.toMillis(), TimeUnit.MILLISECONDS), "tryUpgrade timed out");
            assertWord(R | U, lock, "the upgrader restored its R|U first");
            h2.release();
            reader.join(STEP);
            assertWord(R | U, lock, "the reader's late wake cleared an already clear WP");
            on(() -> {
                lock.unlockUpgradable();
                return null;
            });
            assertWord(0, lock, "released");
        }
    }
}
