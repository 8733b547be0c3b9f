// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.lockword.seam.FaultSeam;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A word that turns corrupt after a waiter last checked it, just before the waiter parks, is caught
 * by the park's own validation (MAIN and WRITER queues): the waiter fails with
 * {@link LockCorruptedException} instead of sleeping on a lock nobody will ever release. The
 * corruption is planted from the listener's {@code contended} call, which runs on the waiting
 * thread between its last check and its park.
 *
 * <p>Also the seam's switch for the faithful pre-fix reproduction: a seam that keeps detection on
 * behaves like production, one that turns it off lets the thread wait (and time out) on the corrupt
 * word, as parking_lot 0.12.3 would.
 */
class CorruptionCaughtAtParkTest extends LockTestSupport {

    /** Runs {@code corrupt} when {@code victim} is about to park. */
    private static RwLock lockCorruptedBeforePark(String name, AtomicReference<Thread> victim, Runnable corrupt) {
        LockListener listener = whenContended(victim, corrupt);
        return new RwLock(new Config(name, false, false, false, listener, null, Config.DEFAULT_LONG_HOLD.toNanos()));
    }

    @Test
    void aReaderWhoseWordTurnsCorruptJustBeforeItParksThrowsInsteadOfSleeping() throws InterruptedException {
        AtomicReference<Thread> victim = new AtomicReference<>();
        AtomicReference<RwLock> ref = new AtomicReference<>();
        long corrupt = W | U | P; // UPGRADABLE with WRITER
        RwLock lock =
                lockCorruptedBeforePark("main-queue", victim, () -> ref.get().setStateWordForTesting(corrupt));
        ref.set(lock);
        Holder writer = holdWrite(lock);
        Thread reader = newStartedThread("reader", () -> {
            victim.set(Thread.currentThread());
            LockCorruptedException e = assertThrows(LockCorruptedException.class, lock::lockRead);
            assertEquals(corrupt, e.word());
        });
        awaitTermination(reader);
        assertWord(corrupt, lock);
        assertEquals(0, lock.getQueueLength());
        lock.setStateWordForTesting(W);
        writer.release();
        assertWord(0, lock);
    }

    @Test
    void aWriterWhoseWordTurnsCorruptJustBeforeItParksForReadersThrowsInsteadOfSleeping() throws InterruptedException {
        AtomicReference<Thread> victim = new AtomicReference<>();
        AtomicReference<RwLock> ref = new AtomicReference<>();
        long corrupt = R | U | W | WP; // UPGRADABLE with WRITER
        RwLock lock =
                lockCorruptedBeforePark("writer-queue", victim, () -> ref.get().setStateWordForTesting(corrupt));
        ref.set(lock);
        lock.lockRead();
        Thread writer = newStartedThread("writer", () -> {
            victim.set(Thread.currentThread());
            LockCorruptedException e = assertThrows(LockCorruptedException.class, lock::lockWrite);
            assertEquals(corrupt, e.word());
        });
        awaitTermination(writer);
        assertWord(corrupt, lock);
        assertEquals(0, lock.getQueueLength());
        assertFalse(lock.isWriteLockedByCurrentThread());
        lock.setStateWordForTesting(R);
        lock.unlockRead();
        assertWord(0, lock);
    }

    @Test
    void aSeamThatKeepsDetectionOnFailsAWaitOnACorruptWordLikeProduction() throws InterruptedException {
        RwLock lock = FaultSeam.newLock("seam-detects", false, new FaultSeam() {});
        long corrupt = W | U;
        lock.setStateWordForTesting(corrupt);
        Thread t = newStartedThread("reader", () -> {
            LockCorruptedException e =
                    assertThrows(LockCorruptedException.class, () -> lock.tryLockRead(LONG_DELAY_MS, MILLISECONDS));
            assertEquals(corrupt, e.word());
        });
        awaitTermination(t);
        assertWord(corrupt, lock);
    }

    @Test
    void aSeamThatTurnsDetectionOffLetsAWaitOnACorruptWordTimeOutAsThePreFixCrateWould() throws InterruptedException {
        FaultSeam preFix = new FaultSeam() {
            @Override
            public boolean detectCorruption() {
                return false;
            }
        };
        RwLock lock = FaultSeam.newLock("seam-blind", false, preFix);
        long corrupt = W | U;
        lock.setStateWordForTesting(corrupt);
        Thread t = newStartedThread("reader", () -> {
            long start = System.nanoTime();
            assertFalse(lock.tryLockRead(SHORT_DELAY_MS, MILLISECONDS));
            assertTimedOutWithin(SHORT_DELAY_MS, start, System.nanoTime());
        });
        awaitTermination(t);
        // It parked (setting PARKED) and, the last to leave, cleared PARKED again.
        assertWord(corrupt, lock);
        assertEquals(0, lock.getQueueLength());
    }
}
