// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lockword.seam.FaultSeam;
import io.github.lockword.seam.GiveBack;
import io.github.lockword.seam.SeamPoint;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The seam's steps that lock-faults uses, run from lock-core so that lock-core's own tests (and
 * PIT's runs over them) pin them too:
 *
 * <ul>
 *   <li>{@code blindUpgradableRelease}: {@code unlockUpgradable} / {@code unlockUpgradableFair} on a
 *       word without UPGRADABLE subtract {@code ONE_READER | UPGRADABLE} anyway (parking_lot's
 *       arithmetic) instead of throwing; without that switch the same call is misuse.</li>
 *   <li>The {@code WRITER_BEFORE_PARK} pause: a writer that set WRITER_PARKED stops there before its
 *       park on the WRITER queue validates. A word corrupted at that point is refused by the park's
 *       validation when the seam keeps detection on (the writer throws
 *       {@link LockCorruptedException}), and accepted when the seam turns detection off (the writer
 *       sleeps on it and times out, as parking_lot 0.12.3 would).</li>
 *   <li>{@code clearWriterParkedOnTimeout}: a timed-out writer or upgrader asks the seam, with its
 *       kind of give-back, whether its timed-out callback clears WRITER_PARKED, and does what it is
 *       told (pre-fix: it leaves the bit to the last reader).</li>
 * </ul>
 *
 * <p>Mutants it kills (each applied by hand, the test failing, then restored): in
 * {@code releaseUpgradable}, {@code seam != null} and {@code seam.blindUpgradableRelease()} taken as
 * false, and the blind {@code getAndAdd} removed; in {@code waitForReaders}, {@code seamBeforePark !=
 * null} taken as false and the {@code pause(WRITER_BEFORE_PARK)} call removed; in
 * {@code detectsCorruption}, {@code seam.detectCorruption()} taken as false (a seamed lock then never
 * detects at a park); in {@code WriterPark.validate}, {@code !detectsCorruption()} taken as false (a
 * blind seam's writer then spins on INVALID parks forever instead of sleeping and timing out); in
 * {@code WriterPark.timedOut}, the seam's answer ignored (WRITER_PARKED always cleared).
 */
class SeamStepsTest extends LockTestSupport {

    // ------------------------------------------------------------------ blindUpgradableRelease

    @Test
    void aBlindSeamSubtractsTheUpgradableShareFromAWordWithoutOne() {
        FaultSeam blind = new FaultSeam() {
            @Override
            public boolean blindUpgradableRelease() {
                return true;
            }
        };
        RwLock lock = FaultSeam.newLock("blind-release", false, blind);
        lock.lockRead(); // one plain reader, no UPGRADABLE
        lock.unlockUpgradable();
        assertWord(R - (R | U), lock); // 0x10 - 0x14: the borrow runs through all 64 bits
        lock.setStateWordForTesting(R);
        lock.unlockUpgradableFair();
        assertWord(R - (R | U), lock);

        // No reader at all (0x04): the same blind subtraction.
        lock.setStateWordForTesting(U);
        lock.unlockUpgradable();
        assertWord(U - (R | U), lock);
    }

    @Test
    void aSeamThatIsNotBlindRefusesTheSameReleaseAsProductionDoes() {
        RwLock lock = FaultSeam.newLock("fixed-release", false, new FaultSeam() {});
        lock.lockRead();
        assertMisuse(lock, lock::unlockUpgradable);
        assertMisuse(lock, lock::unlockUpgradableFair);
        lock.unlockRead();
        assertWord(0, lock);
    }

    // ------------------------------------------------------------------ WRITER_BEFORE_PARK

    /** A seam that runs {@code atPause} the first time a writer reaches WRITER_BEFORE_PARK. */
    private static final class PauseOnce extends FaultSeam {
        final boolean detect;
        final AtomicBoolean paused = new AtomicBoolean();
        final AtomicReference<Runnable> atPause = new AtomicReference<>();

        PauseOnce(boolean detect) {
            this.detect = detect;
        }

        @Override
        public boolean detectCorruption() {
            return detect;
        }

        @Override
        public void pause(SeamPoint point, Object lock) {
            if (point == SeamPoint.WRITER_BEFORE_PARK && paused.compareAndSet(false, true)) {
                atPause.get().run();
            }
        }
    }

    @Test
    void aWordCorruptedAtWriterBeforeParkFailsTheWritersParkWhenTheSeamDetects() throws InterruptedException {
        PauseOnce seam = new PauseOnce(true);
        RwLock lock = FaultSeam.newLock("writer-before-park-detects", false, seam);
        long corrupt = R | U | W | WP; // UPGRADABLE with WRITER
        seam.atPause.set(() -> lock.setStateWordForTesting(corrupt));
        lock.lockRead();
        Thread writer = newStartedThread("writer", () -> {
            LockCorruptedException e =
                    assertThrows(LockCorruptedException.class, () -> lock.tryLockWrite(LONG_DELAY_MS, MILLISECONDS));
            assertEquals(corrupt, e.word());
            assertFalse(lock.isWriteLockedByCurrentThread());
        });
        waitUntil("the writer to pause at WRITER_BEFORE_PARK", seam.paused::get, lock::toString);
        awaitTermination(writer);
        assertWord(corrupt, lock);
        assertEquals(0, lock.getQueueLength());
        lock.setStateWordForTesting(R);
        lock.unlockRead();
        assertWord(0, lock);
    }

    @Test
    void aWordCorruptedAtWriterBeforeParkIsSleptOnWhenTheSeamTurnsDetectionOff() throws InterruptedException {
        PauseOnce seam = new PauseOnce(false);
        RwLock lock = FaultSeam.newLock("writer-before-park-blind", false, seam);
        long corrupt = R | U | W | WP; // UPGRADABLE with WRITER
        seam.atPause.set(() -> lock.setStateWordForTesting(corrupt));
        lock.lockRead();
        Thread writer = newStartedThread("writer", () -> {
            assertFalse(lock.tryLockWrite(SHORT_DELAY_MS, MILLISECONDS));
            assertFalse(lock.isWriteLockedByCurrentThread());
        });
        waitUntil("the writer to pause at WRITER_BEFORE_PARK", seam.paused::get, lock::toString);
        awaitTermination(writer);
        // It slept on the corrupt word, timed out (its callback cleared WRITER_PARKED) and gave back WRITER.
        assertWord(R | U, lock);
        assertEquals(0, lock.getQueueLength());
        assertTrue(lock.stateWord() != corrupt);
        lock.setStateWordForTesting(R);
        lock.unlockRead();
        assertWord(0, lock);
    }

    // ------------------------------------------------------------ clearWriterParkedOnTimeout

    /** A seam that records which give-back asked and answers {@code clear}. */
    private static final class ClearAnswer extends FaultSeam {
        final boolean clear;
        final List<GiveBack> asked = new CopyOnWriteArrayList<>();

        ClearAnswer(boolean clear) {
            this.clear = clear;
        }

        @Override
        public boolean clearWriterParkedOnTimeout(GiveBack op) {
            asked.add(op);
            return clear;
        }
    }

    @Test
    void aTimedOutWriteLeavesWriterParkedSetWhenTheSeamSaysNotToClearIt() throws InterruptedException {
        ClearAnswer seam = new ClearAnswer(false);
        RwLock lock = FaultSeam.newLock("timed-out-no-clear", false, seam);
        lock.lockRead();
        Thread writer = newStartedThread("writer", () -> assertFalse(lock.tryLockWrite(SHORT_DELAY_MS, MILLISECONDS)));
        awaitTermination(writer);
        // Pre-fix behaviour: the timed-out callback left WRITER_PARKED; the give-back took WRITER.
        assertWord(R | WP, lock);
        assertEquals(List.of(GiveBack.WRITE), seam.asked);
        // The last reader's release wakes the empty WRITER queue, whose callback clears it.
        lock.unlockRead();
        assertWord(0, lock);
    }

    @Test
    void aTimedOutUpgradeAsksTheSeamAsAnUpgradeAndClearsWhenToldTo() throws InterruptedException {
        ClearAnswer seam = new ClearAnswer(true);
        RwLock lock = FaultSeam.newLock("timed-out-clear", false, seam);
        lock.lockRead(); // the reader the upgrader waits for
        Thread upgrader = newStartedThread("upgrader", () -> {
            lock.lockUpgradable();
            assertFalse(lock.tryUpgrade(SHORT_DELAY_MS, MILLISECONDS));
            lock.unlockUpgradable();
        });
        awaitTermination(upgrader);
        assertWord(R, lock);
        assertEquals(List.of(GiveBack.UPGRADE), seam.asked);
        lock.unlockRead();
        assertWord(0, lock);
    }
}
