// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.stress.jcstress;

import static io.github.lockword.stress.jcstress.Acquire.ACQUIRED;

import io.github.lockword.LockState;
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
 * left the WRITER queue and before it gives back what it took (the last steps of
 * {@code RwLock.waitForReaders}). The waiter reaches that point a few microseconds after it starts
 * (one CAS, ten spin rounds of which seven yield, then a park whose deadline has already passed),
 * so the waiter starts almost at once and the reader releases after a random delay that sweeps
 * across that whole slow path. The timeout is drawn from {@link #TIMEOUTS_NANOS}: most expire
 * before the park, the largest during a short real park (then the reader's release wakes the
 * waiter instead).
 *
 * <p>The delays are measured in nanoseconds of {@link System#nanoTime()} (busy-waiting on the clock),
 * not in spin-wait hints, whose cost differs by an order of magnitude between machines (about 26 ns
 * on the x86 VM this was tuned on, a few ns on others, ~40 ns on some arm64 cores) and between the
 * interpreter and compiled code. The spreads, {@value #DEFAULT_READER_SPREAD_NANOS} ns for the reader
 * and {@value #DEFAULT_WAITER_SPREAD_NANOS} ns for the waiter, are the old tuned spin counts (512 and
 * 16 hints) times 26 ns; override them with {@code -jvmArgsPrepend
 * -Dlockword.races.readerSpreadNanos=N} (and {@code waiterSpreadNanos}). Whether a run reached the
 * window is reported by {@code run-jcstress.sh} from the faulty twin's corrupt words.
 */
final class Races {

    static final long DEFAULT_READER_SPREAD_NANOS = 13_000;
    static final long DEFAULT_WAITER_SPREAD_NANOS = 400;

    /** Upper bound of the reader's random delay before its release, in nanoseconds. */
    static final long READER_SPREAD_NANOS =
            Long.getLong("lockword.races.readerSpreadNanos", DEFAULT_READER_SPREAD_NANOS);

    /** Upper bound of the waiter's random delay before its timed attempt, in nanoseconds. */
    static final long WAITER_SPREAD_NANOS =
            Long.getLong("lockword.races.waiterSpreadNanos", DEFAULT_WAITER_SPREAD_NANOS);

    /** Near-zero timeouts, picked at random per trial (1 ns twice as often). */
    static final long[] TIMEOUTS_NANOS = {1, 1, 100, 1_000, 20_000};

    /** Status when the timed attempt succeeded while the other reader was still inside. */
    static final int ACQUIRED_WITH_READER_INSIDE = 2;

    /** Status when the holder's final unlock threw (the faulty lock can lose the U bit). */
    static final int UNLOCK_THREW = -10;

    private Races() {}

    /** A race's state: the lock, and the other reader's "I have left" mark. */
    abstract static class Race {
        final RwLock lock;
        /** Written by the reader before its release; read by the waiter after it acquired. */
        boolean readerLeft;

        Race(RwLock lock) {
            this.lock = lock;
        }
    }

    /** The other reader's side: after a random delay, release the share the state took for it. */
    static void releaseReader(Race race) {
        busyNanos(ThreadLocalRandom.current().nextLong(READER_SPREAD_NANOS + 1));
        race.readerLeft = true;
        race.lock.unlockRead();
    }

    /**
     * The writer's side: {@code tryLockWrite} with a near-zero timeout; on success check that the
     * other reader is gone (it released before we got in: its mark is visible and the word counts no
     * reader), then unlock at once.
     *
     * @return {@link Acquire#ACQUIRED}, {@link #ACQUIRED_WITH_READER_INSIDE}, {@link Acquire#TIMED_OUT}
     *         or {@link Acquire#INTERRUPTED}
     */
    static int timedWriter(Race race) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long timeout = TIMEOUTS_NANOS[random.nextInt(TIMEOUTS_NANOS.length)];
        busyNanos(random.nextLong(WAITER_SPREAD_NANOS + 1));
        int status = Acquire.tryWrite(race.lock, timeout);
        if (status == ACQUIRED) {
            status = exclusive(race);
            try {
                race.lock.unlockWrite();
            } catch (IllegalMonitorStateException | IllegalStateException e) {
                // A lock that let the writer in beside a reader may refuse the unlock too; the
                // status already says what went wrong.
                if (status == ACQUIRED) {
                    throw e;
                }
            }
        }
        return status;
    }

    /**
     * The upgrader's side: it already holds the upgradable lock (taken by the state constructor);
     * {@code tryUpgrade} with a near-zero timeout, on success the same check as the writer's, then
     * release whatever it holds.
     *
     * @return the tryUpgrade status, plus {@link #UNLOCK_THREW} if the final unlock threw
     */
    static int timedUpgrader(Race race) {
        RwLock lock = race.lock;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long timeout = TIMEOUTS_NANOS[random.nextInt(TIMEOUTS_NANOS.length)];
        busyNanos(random.nextLong(WAITER_SPREAD_NANOS + 1));
        int status = Acquire.tryUpgrade(lock, timeout);
        try {
            if (status == ACQUIRED) {
                status = exclusive(race);
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

    /** Called holding the write lock: ACQUIRED if the other reader is really gone. */
    private static int exclusive(Race race) {
        long word = race.lock.stateWord();
        return race.readerLeft && LockState.readers(word) == 0 ? ACQUIRED : ACQUIRED_WITH_READER_INSIDE;
    }

    /** Busy-waits {@code nanos} nanoseconds on {@link System#nanoTime()}. */
    static void busyNanos(long nanos) {
        if (nanos <= 0) {
            return;
        }
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }
}
