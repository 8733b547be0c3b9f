// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.faults;

import static io.github.lockword.faults.Issue465Test.R;
import static io.github.lockword.faults.Issue465Test.STEP;
import static io.github.lockword.faults.Issue465Test.W;
import static io.github.lockword.faults.Issue465Test.WP;
import static io.github.lockword.faults.Issue465Test.assertWord;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lockword.LockState;
import io.github.lockword.RwLock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The wake-seed variant: after a timed-out write the MAIN queue is woken with the constant seed
 * {@code ONE_READER|UPGRADABLE}. A writer or upgrader parked in MAIN is then skipped and stays
 * asleep on a lock nobody holds (faulty, {@link Fault#ISSUE_465_WAKE_SEED}); with the seed
 * {@code prev} it is woken and gets the lock (fixed).
 */
class Issue465WakeSeedTest {

    private static final long P = LockState.PARKED;
    private static final long U = LockState.UPGRADABLE;

    @ParameterizedTest(name = "{0} waiter, faulty={1}")
    @CsvSource({"writer, true", "writer, false", "upgrader, true", "upgrader, false"})
    void parkedWaiterBehindATimedOutWrite(String kind, boolean faulty) throws Exception {
        try (Schedule schedule = new Schedule()) {
            FaultyLocks.Builder b = FaultyLocks.builder().schedule(schedule);
            RwLock lock = (faulty ? b.faults(Fault.ISSUE_465_WAKE_SEED) : b).build();
            boolean writer = kind.equals("writer");

            lock.lockRead(); // T1
            Actor<Boolean> t2 = Actor.of("T2", () -> lock.tryLockWrite(40, TimeUnit.MILLISECONDS));
            Schedule.Gate t2Parked = schedule.hold(PausePoint.PARKED, t2.thread());
            t2.start();
            t2Parked.awaitArrival(STEP);
            assertWord(W | WP | R, lock, "T2 claimed W and waits for T1 (held before its first sleep)");

            Actor<Boolean> t3 = Actor.of("T3", () -> {
                if (writer) {
                    if (!lock.tryLockWrite(5, TimeUnit.SECONDS)) {
                        return false;
                    }
                    lock.unlockWrite();
                } else {
                    if (!lock.tryLockUpgradable(5, TimeUnit.SECONDS)) {
                        return false;
                    }
                    lock.unlockUpgradable();
                }
                return true;
            });
            Schedule.Gate t3Parked = schedule.watch(PausePoint.PARKED, t3.thread());
            t3.start();
            t3Parked.awaitArrival(STEP);
            assertWord(W | WP | R | P, lock, "T3 parked in MAIN behind T2's W");
            t2Parked.release();

            assertFalse(t2.join(STEP), "T2 times out and gives W back, waking MAIN");
            lock.unlockRead(); // the lock is free now

            if (faulty) {
                // The wake skipped T3 and kept PARKED; readers never wake MAIN. T3 sleeps on a free lock.
                Thread.sleep(200);
                assertFalse(t3.isDone(), "T3 must still be asleep");
                assertWord(P, lock, "nothing held, only PARKED");
                assertFalse(lock.isLocked());
                assertEquals(1, lock.getQueueLength());
                t3.thread().interrupt(); // end it early
                Throwable thrown = null;
                try {
                    t3.join(STEP);
                } catch (Actor.Outcome o) {
                    thrown = o.getCause();
                }
                assertTrue(thrown instanceof InterruptedException, "T3 left by interrupt: " + thrown);
            } else {
                assertTrue(t3.join(Duration.ofSeconds(2)), "T3 was woken and got the lock");
            }
            assertWord(0, lock, "the end");
        }
    }
}
