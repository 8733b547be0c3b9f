// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lockword.LockState;
import io.github.lockword.RwLock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Regression test for a lock-core bug found by {@link ChaosTest}: a writer whose park on the WRITER
 * queue found the readers already gone (INVALID) returned owning the lock with WRITER_PARKED still
 * set, because the last reader's unpark callback, which clears it, had not run yet. A downgrade then
 * left WRITER_PARKED without WRITER ({@code 0x12}), and any slow path that read the word threw
 * {@code LockCorruptedException} on a healthy lock. Fixed lock only; no fault involved.
 */
class WriterParkedOutlivesWriterTest {

    private static final Duration STEP = Duration.ofSeconds(10);

    @Test
    void writerThatFindsReadersGoneBeforeItParksLeavesNoWriterParkedBehind() throws Exception {
        try (Schedule schedule = new Schedule()) {
            RwLock lock = FaultyLocks.builder().schedule(schedule).build();
            Schedule.Gate beforePark = schedule.hold(PausePoint.WRITER_BEFORE_PARK);
            Schedule.Gate h2 = schedule.hold(PausePoint.LAST_READER_BEFORE_UNPARK);

            lock.lockRead(); // T1
            assertEquals(0x10L, lock.stateWord());

            long[] afterDowngrade = new long[1];
            Actor<Boolean> t2 = Actor.of("T2", () -> {
                        lock.lockWrite();
                        lock.downgrade();
                        afterDowngrade[0] = lock.stateWord();
                        return true;
                    })
                    .start();
            beforePark.awaitArrival(STEP); // T2 set WP, has not parked
            assertEquals(0x1AL, lock.stateWord(), LockState.explain(lock.stateWord()));

            Actor<Void> t1 = Actor.<Void>of("T1-unlock", () -> {
                        lock.unlockRead();
                        return null;
                    })
                    .start();
            h2.awaitArrival(STEP); // last reader saw WP, held
            assertEquals(0x0AL, lock.stateWord());

            beforePark.release(); // T2's park is INVALID
            t2.join(STEP);
            assertEquals(
                    0x10L,
                    afterDowngrade[0],
                    "after T2's downgrade, while T1's wake is still pending: " + LockState.explain(afterDowngrade[0]));
            assertTrue(LockState.violations(lock.stateWord()).isEmpty(), LockState.explain(lock.stateWord()));

            // Another thread's slow path reads the word while T1's wake is still pending.
            Actor<Boolean> t3 = Actor.of("T3", () -> lock.tryLockWrite(5, TimeUnit.MILLISECONDS))
                    .start();
            assertEquals(Boolean.FALSE, t3.join(STEP), "T3 must time out behind T2's read lock, not throw");

            h2.release();
            t1.join(STEP);
            lock.unlockRead(); // T2's downgraded read lock
            assertEquals(0L, lock.stateWord(), LockState.explain(lock.stateWord()));
        }
    }
}
