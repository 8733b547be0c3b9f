// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lockword.seam.FaultSeam;
import io.github.lockword.seam.SeamPoint;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A waiter that set its park bit and is about to park re-checks, under the bucket lock, that it
 * still has to: a word that changed in between makes the park INVALID and the waiter tries again
 * instead of sleeping where nobody will wake it.
 *
 * <ul>
 *   <li>MAIN queue: a reader set PARKED behind a WRITER, and PARKED is cleared again before it
 *       parks. Its park must refuse: it sets PARKED again and parks, and the writer's unlock wakes
 *       it.</li>
 *   <li>MAIN queue: a reader set PARKED behind a WRITER; the WRITER goes away (PARKED stays set)
 *       before the reader parks. Its park must refuse (the reader is no longer blocked) and the
 *       reader get in: nobody would ever wake it otherwise. The change is made from the listener's
 *       {@code contended} call, which runs on the reader between its CAS of PARKED and its
 *       park.</li>
 *   <li>WRITER queue: a writer set WRITER_PARKED and WRITER_PARKED is gone again (readers still in)
 *       before it parks (made at the seam's {@code WRITER_BEFORE_PARK} pause). Its park must refuse:
 *       the last reader wakes the writer only when it sees WRITER_PARKED, so the writer sets it
 *       again, parks, and is woken when the reader leaves.</li>
 * </ul>
 *
 * <p>Mutants it kills (each applied by hand, the test failing, then restored):
 * {@code MainPark.validate}'s {@code (s & flags) != 0} as {@code (s | flags) != 0} (the reader sleeps
 * until its timeout), its {@code (s & P) != 0} as {@code (s | P) != 0} (the reader parks on a word
 * without PARKED, which no unlock wakes), {@code WriterPark.validate}'s {@code (s & WP) != 0} as {@code (s | WP) != 0}
 * (the writer sleeps through the reader's unlock until its timeout).
 */
class ParkRevalidationTest extends LockTestSupport {

    /**
     * A plain lock whose listener sets the word to {@code forged} at the first announced wait, that
     * is on the waiting thread after it set its park bit and before it parks; {@code changed} tells
     * that it happened.
     */
    private static RwLock forgingAtFirstWait(String name, long forged, AtomicBoolean changed) {
        AtomicReference<RwLock> ref = new AtomicReference<>();
        LockListener listener = new LockListener() {
            @Override
            public void contended(RwLock lock, LockMode mode, long word) {
                if (changed.compareAndSet(false, true)) {
                    ref.get().setStateWordForTesting(forged);
                }
            }
        };
        RwLock lock =
                new RwLock(new Config(name, false, false, false, listener, null, Config.DEFAULT_LONG_HOLD.toNanos()));
        ref.set(lock);
        return lock;
    }

    @Test
    void aReaderWhoseWriterLeftBetweenSettingParkedAndParkingDoesNotSleep() throws InterruptedException {
        AtomicBoolean changed = new AtomicBoolean();
        // At the reader's announced wait: the forged writer is gone.
        RwLock lock = forgingAtFirstWait("main-revalidate", P, changed);
        lock.setStateWordForTesting(W); // a writer (forged: no owner thread is needed)
        AtomicReference<Boolean> got = new AtomicReference<>();
        Thread reader = newStartedThread("reader", () -> {
            got.set(lock.tryLockRead(LONG_DELAY_MS, MILLISECONDS));
            if (got.get()) {
                lock.unlockRead();
            }
        });
        awaitTermination(reader);
        assertTrue(changed.get(), "the reader never announced its wait");
        assertEquals(Boolean.TRUE, got.get(), "the reader slept on a word that no longer blocked it, and timed out");
        // Nobody parked, so nobody cleared the PARKED the reader found set.
        assertWord(P, lock);
        assertEquals(0, lock.getQueueLength());
    }

    @Test
    void aReaderWhoseParkedBitWasClearedBeforeItParksSetsItAgainAndIsWokenByTheUnlock() throws InterruptedException {
        AtomicBoolean changed = new AtomicBoolean();
        // At the reader's announced wait: PARKED is gone again (as if an unlocker had found the
        // queue empty and cleared it), the writer still in.
        RwLock lock = forgingAtFirstWait("parked-revalidate", W, changed);
        lock.lockWrite();
        AtomicReference<Boolean> got = new AtomicReference<>();
        Thread reader = newStartedThread("reader", () -> {
            got.set(lock.tryLockRead(LONG_DELAY_MS, MILLISECONDS));
            if (got.get()) {
                lock.unlockRead();
            }
        });
        waitForParked(lock, reader);
        assertTrue(changed.get(), "the reader never announced its wait");
        // It parked only after setting PARKED again: the writer's unlock will wake it.
        assertWord(W | P, lock);
        lock.unlockWrite();
        awaitTermination(reader);
        assertEquals(Boolean.TRUE, got.get(), "the reader slept through the writer's unlock");
        assertWord(0, lock);
        assertFalse(lock.hasQueuedThreads());
    }

    @Test
    void aWriterWhoseWriterParkedVanishedBeforeItParksSetsItAgainAndIsWokenByTheLastReader()
            throws InterruptedException {
        AtomicReference<RwLock> ref = new AtomicReference<>();
        AtomicBoolean changed = new AtomicBoolean();
        FaultSeam seam = new FaultSeam() {
            @Override
            public void pause(SeamPoint point, Object lock) {
                if (point == SeamPoint.WRITER_BEFORE_PARK && changed.compareAndSet(false, true)) {
                    ref.get().setStateWordForTesting(R | W); // WRITER_PARKED gone, the reader still in
                }
            }
        };
        RwLock lock = FaultSeam.newLock("writer-revalidate", false, seam);
        ref.set(lock);
        lock.lockRead();
        AtomicReference<Boolean> got = new AtomicReference<>();
        Thread writer = newStartedThread("writer", () -> {
            got.set(lock.tryLockWrite(LONG_DELAY_MS, MILLISECONDS));
            if (got.get()) {
                lock.unlockWrite();
            }
        });
        waitForParked(lock, writer);
        assertTrue(changed.get(), "the writer never reached WRITER_BEFORE_PARK");
        // It parked only after setting WRITER_PARKED again: the last reader's unlock will wake it.
        assertWord(R | W | WP, lock);
        lock.unlockRead();
        awaitTermination(writer);
        assertEquals(Boolean.TRUE, got.get(), "the writer slept through the last reader's unlock");
        assertWord(0, lock);
        assertFalse(lock.hasQueuedThreads());
    }
}
