// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lockword.seam.FaultSeam;
import io.github.lockword.seam.SeamPoint;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A writer that finds the readers gone after it set WRITER_PARKED must not own the lock with that
 * bit still set. Found by {@link RandomizedOperationsTest} (word {@code 0x02} sampled, then a
 * {@code LockCorruptedException} out of a condition's re-acquire).
 *
 * <p>Schedule (word after each step):
 * <pre>
 *  1 T1 lockRead                                                         0x10
 *  2 T2 lockWrite: claims WRITER, sets WRITER_PARKED, is held just
 *       before its park (in the listener's contended() call)             0x1A
 *  3 T3 unlockRead (T1's share): last reader, saw WP; held after its
 *       decrement, before its unpark callback (seam point H2)            0x0A
 *  4 T2 parks: validate sees no readers (INVALID), leaves the wait and
 *       owns the lock -- pre-fix with WRITER_PARKED still set             0x0A (fixed: 0x08)
 *  5 T2 downgrade: pre-fix leaves WRITER_PARKED without WRITER            0x12 (fixed: 0x10)
 *       which every slow path reports as corruption: a timed write now
 *       throws LockCorruptedException instead of timing out
 * </pre>
 * The two holds are spin-waits on flags (neither thread is enqueued in the parking lot then); the
 * lock is built through the package-private {@link Config} so it has both a seam and a listener.
 */
class StaleWriterParkedRegressionTest extends LockTestSupport {

    @Test
    void writerWakingToNoReadersDoesNotKeepWriterParkedAndDowngradeLeavesAValidWord() throws InterruptedException {
        SpinGate beforeWriterPark = new SpinGate();
        SpinGate lastReaderBeforeUnpark = new SpinGate();
        AtomicReference<Thread> writerThread = new AtomicReference<>();
        LockListener listener = new LockListener() {
            @Override
            public void contended(RwLock lock, LockMode mode, long word) {
                // Step 2: the writer has set WRITER_PARKED and is about to park on the WRITER queue.
                if (mode == LockMode.WRITE && Thread.currentThread() == writerThread.get()) {
                    beforeWriterPark.pass();
                }
            }
        };
        FaultSeam seam = new FaultSeam() {
            @Override
            public void pause(SeamPoint point, Object lock) {
                if (point == SeamPoint.LAST_READER_BEFORE_UNPARK) {
                    lastReaderBeforeUnpark.pass(); // step 3
                }
            }
        };
        RwLock lock = new RwLock(
                new Config("stale-wp", false, false, false, listener, seam, Config.DEFAULT_LONG_HOLD.toNanos()));

        lock.lockRead(); // step 1
        assertWord(R, lock);
        AtomicBoolean owns = new AtomicBoolean();
        AtomicBoolean mayDowngrade = new AtomicBoolean();
        AtomicBoolean downgraded = new AtomicBoolean();
        AtomicBoolean mayLeave = new AtomicBoolean();
        Thread writer = newStartedThread("T2-writer", () -> {
            writerThread.set(Thread.currentThread());
            lock.lockWrite(); // steps 2 and 4
            owns.set(true);
            waitUntil("permission to downgrade", mayDowngrade::get, lock::toString);
            lock.downgrade(); // step 5
            downgraded.set(true);
            waitUntil("permission to leave", mayLeave::get, lock::toString);
            lock.unlockRead();
        });
        writerThread.set(writer);
        beforeWriterPark.awaitReached("the writer to reach its park");
        assertWord(R | W | WP, lock);

        Thread lastReader = newStartedThread("T3-last-reader", lock::unlockRead); // step 3
        lastReaderBeforeUnpark.awaitReached("the last reader to reach H2");
        assertWord(W | WP, lock);

        try {
            beforeWriterPark.open(); // step 4
            waitUntil("the writer to own the lock", owns::get, lock::toString);
            long owned = lock.stateWord();
            assertTrue(LockState.violations(owned).isEmpty(), LockState.explain(owned));
            assertFalse(
                    (owned & WP) != 0,
                    () -> "the writer owns the lock with WRITER_PARKED still set: " + LockState.explain(owned)
                            + " (nobody is parked in the WRITER queue)");

            mayDowngrade.set(true); // step 5
            waitUntil("the downgrade", downgraded::get, lock::toString);
            long afterDowngrade = lock.stateWord();
            assertTrue(
                    LockState.violations(afterDowngrade).isEmpty(),
                    () -> "downgrade left " + LockState.explain(afterDowngrade));
            // A correct program must not be told the lock is corrupt.
            assertFalse(lock.tryLockWrite(SHORT_DELAY_MS, MILLISECONDS));
            assertTrue(LockState.violations(lock.stateWord()).isEmpty(), LockState.explain(lock.stateWord()));
        } finally {
            // Let every held thread finish even when an assertion failed.
            beforeWriterPark.open();
            lastReaderBeforeUnpark.open();
            mayDowngrade.set(true);
            waitUntil("the writer to leave", () -> downgraded.get() || !writer.isAlive(), lock::toString);
            mayLeave.set(true);
            awaitTermination(lastReader);
            awaitTermination(writer);
        }
        assertWord(0, lock);
    }
}
