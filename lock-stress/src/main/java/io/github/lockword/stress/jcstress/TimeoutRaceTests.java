// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.github.lockword.stress.Locks;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IJ_Result;

/**
 * The timed paths of the fixed lock, raced against a reader's release (see {@link Races}): the
 * schedule of parking_lot issue 465. Whatever the interleaving, once both actors are done nobody
 * holds or waits for the lock, so the word is {@code 0}. Slots: the timed attempt's status
 * ({@code 1} acquired, {@code 2} acquired although the other reader was still inside, {@code -1}
 * timed out), then the final word as a signed long.
 *
 * <p>The shares move between threads (the state constructor takes them, the actors release them),
 * which checked mode refuses, so each state draws its lock from {@link Locks#anyUncheckedKind}:
 * {@code new RwLock()} or the builder's lock.
 *
 * <p>{@link Issue465RaceTests} runs the same races against the faulty lock.
 */
public final class TimeoutRaceTests {

    private TimeoutRaceTests() {}

    /** A writer's tryLockWrite(near zero) against the last reader's unlockRead. */
    @JCStressTest
    @State
    @Outcome(
            id = "1, 0",
            expect = ACCEPTABLE,
            desc =
                    "The reader left in time; the writer got the lock (the reader's share gone, its stores visible) and released it.")
    @Outcome(
            id = "2, .*",
            expect = FORBIDDEN,
            desc =
                    "Exclusion broken: the timed writer got the lock while the reader's share was still counted or its release not yet visible.")
    @Outcome(id = "-1, 0", expect = ACCEPTABLE, desc = "The writer timed out and gave back exactly what it had added.")
    @Outcome(
            id = "-1, -2",
            expect = FORBIDDEN,
            desc = "Issue 465: the timed-out writer's restore borrowed through the word (0xFFFFFFFFFFFFFFFE).")
    @Outcome(
            expect = FORBIDDEN,
            desc =
                    "A bit or reader share leaked: the word is not 0 after everybody left, or the writer was interrupted.")
    public static class WriterVsReaderRelease extends Races.Race {
        public WriterVsReaderRelease() {
            super(Locks.anyUncheckedKind(false));
            lock.lockRead(); // the share the reader actor releases
        }

        @Actor
        public void reader() {
            Races.releaseReader(this);
        }

        @Actor
        public void writer(IJ_Result r) {
            r.r1 = Races.timedWriter(this);
        }

        @Arbiter
        public void word(IJ_Result r) {
            r.r2 = lock.stateWord();
        }
    }

    /** An upgrader's tryUpgrade(near zero) against the other reader's unlockRead. */
    @JCStressTest
    @State
    @Outcome(
            id = "1, 0",
            expect = ACCEPTABLE,
            desc =
                    "The other reader left in time; the upgrade succeeded (the reader's share gone, its stores visible) and was released.")
    @Outcome(
            id = "2, .*",
            expect = FORBIDDEN,
            desc =
                    "Exclusion broken: the upgrade succeeded while the other reader's share was still counted or its release not yet visible.")
    @Outcome(
            id = "-1, 0",
            expect = ACCEPTABLE,
            desc = "The upgrade timed out, restored UPGRADABLE, and the holder released it.")
    @Outcome(
            id = {"-11, 18", "-1, -2"},
            expect = FORBIDDEN,
            desc =
                    "Issue 465 (upgrade variant): the timed-out upgrade lost UPGRADABLE (0x12), then unlock corrupted it.")
    @Outcome(
            expect = FORBIDDEN,
            desc = "A bit or reader share leaked: the word is not 0 after everybody left, or the unlock threw.")
    public static class UpgraderVsReaderRelease extends Races.Race {
        public UpgraderVsReaderRelease() {
            super(Locks.anyUncheckedKind(false));
            lock.lockUpgradable(); // held by the upgrader actor
            lock.lockRead(); // the share the reader actor releases
        }

        @Actor
        public void reader() {
            Races.releaseReader(this);
        }

        @Actor
        public void upgrader(IJ_Result r) {
            r.r1 = Races.timedUpgrader(this);
        }

        @Arbiter
        public void word(IJ_Result r) {
            r.r2 = lock.stateWord();
        }
    }
}
