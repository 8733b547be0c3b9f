// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.stress.jcstress;

import static io.github.lockword.stress.jcstress.Acquire.ACQUIRED;

import io.github.lockword.RwLock;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The two timed races of parking_lot issue 465, shared by the fixed-lock tests
 * ({@link TimeoutRaceTests}) and the faulty-lock tests ({@link Issue465RaceTests}).
 *
 * <p>The state constructor takes a read share on behalf of the "other reader" (read shares are
 * not bound to a thread), so the race needs no hand-off between actors: one actor releases that
 * share, the other makes a timed write (or upgrade) attempt with a near-zero timeout, and the
 * arbiter reads the word. Nothing here can block forever: the only waits are timed.
 *
 * <p>The dangerous window is narrow: the reader's release must land after the timed-out waiter has
 * dequeued itself from the WRITER queue and before it gives back what it took (DESIGN.md section 4,
 * steps 4 to 7). The waiter reaches that point a few microseconds after it starts (one CAS, ten
 * spin rounds of which seven yield, then a park whose deadline has already passed), so the waiter
 * starts almost at once and the reader releases after a random spin that sweeps across that whole
 * slow path. The timeout is drawn from {@link #TIMEOUTS_NANOS}: most expire before the park, the
 * largest during a short real park (then the reader's release wakes the waiter instead).
 *
 * <p>The spreads were tuned on a 2-core x86 VM (spin hint ~26 ns, yield ~0.4 us) with
 * {@code -t Issue465 -jvmArgsPrepend -Dlockword.races.readerSpread=N}: at 512/16 about 12% of
 * trials time out and the faulty lock's corrupt word shows up about 150 times per 1.6 s of
 * testing (256/256: 0.2% and ~40; 2048/16: 47% and ~20).
 */
final class Races {

    /** Upper bound of the reader's random delay before its release, in spin-wait hints. */
    static final int READER_SPREAD = Integer.getInteger("lockword.races.readerSpread", 512);

    /** Upper bound of the waiter's random delay before its timed attempt, in spin-wait hints. */
    static final int WAITER_SPREAD = Integer.getInteger("lockword.races.waiterSpread", 16);

    /** Near-zero timeouts, picked at random per trial (1 ns twice as often). */
    static final long[] TIMEOUTS_NANOS = {1, 1, 100, 1_000, 20_000};

    /** Status when the holder's final unlock threw (the faulty lock can lose the U bit). */
    static final int UNLOCK_THREW = -10;

    private Races() {
    }

    /** The other reader's side: after a random delay, release the share the state took for it. */
    static void releaseReader(RwLock lock) {
        Acquire.spin(ThreadLocalRandom.current().nextInt(READER_SPREAD));
        lock.unlockRead();
    }

    /**
     * The writer's side: {@code tryLockWrite} with a near-zero timeout; on success unlock at once.
     *
     * @return {@link Acquire#ACQUIRED}, {@link Acquire#TIMED_OUT} or {@link Acquire#INTERRUPTED}
     */
    static int timedWriter(RwLock lock) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long timeout = TIMEOUTS_NANOS[random.nextInt(TIMEOUTS_NANOS.length)];
        Acquire.spin(random.nextInt(WAITER_SPREAD));
        int status = Acquire.tryWrite(lock, timeout);
        if (status == ACQUIRED) {
            lock.unlockWrite();
        }
        return status;
    }

    /**
     * The upgrader's side: it already holds the upgradable lock (taken by the state constructor);
     * {@code tryUpgrade} with a near-zero timeout, then release whatever it holds.
     *
     * @return the tryUpgrade status, plus {@link #UNLOCK_THREW} if the final unlock threw
     */
    static int timedUpgrader(RwLock lock) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long timeout = TIMEOUTS_NANOS[random.nextInt(TIMEOUTS_NANOS.length)];
        Acquire.spin(random.nextInt(WAITER_SPREAD));
        int status = Acquire.tryUpgrade(lock, timeout);
        try {
            if (status == ACQUIRED) {
                lock.unlockWrite();
            } else {
                lock.unlockUpgradable();
            }
        } catch (IllegalMonitorStateException | IllegalStateException e) {
            // Only the faulty lock gets here: its timed-out upgrade lost the U bit, so the
            // holder's unlock is (correctly) refused or the lock reports corruption.
            return status + UNLOCK_THREW;
        }
        return status;
    }
}
