// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.github.lockword.faults.Fault;
import io.github.lockword.faults.FaultyLocks;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IJ_Result;

/**
 * The races of {@link TimeoutRaceTests} against the faulty locks that bring back parking_lot
 * issue 465 (pre-0.12.4 restore arithmetic). The corrupt words are the bug showing itself, so they
 * are {@code ACCEPTABLE_INTERESTING}: the suite stays green and the report counts how often the
 * race was hit. Any other non-zero word is still forbidden, because it is not the known bug.
 *
 * <p>Run just these with {@code java -jar lock-stress/target/jcstress.jar -t Issue465}.
 * Slots: the timed attempt's status ({@code 1} acquired, {@code -1} timed out, {@code -11} timed
 * out and the holder's unlock then threw), then the final word as a signed long
 * ({@code -2} = {@code 0xFFFFFFFFFFFFFFFE}, {@code -1} = {@code 0xFFFFFFFFFFFFFFFF},
 * {@code 18} = {@code 0x12}).
 */
public final class Issue465RaceTests {

    private Issue465RaceTests() {}

    /** Fault.ISSUE_465: tryLockWrite(near zero) against the last reader's unlockRead. */
    @JCStressTest
    @State
    @Outcome(
            id = "1, 0",
            expect = ACCEPTABLE,
            desc = "The reader left in time; the writer got the lock and released it.")
    @Outcome(id = "-1, 0", expect = ACCEPTABLE, desc = "The writer timed out and the race was missed: no corruption.")
    @Outcome(
            id = "-1, -2",
            expect = ACCEPTABLE_INTERESTING,
            desc =
                    "Issue 465 reproduced: the reader's unpark cleared WRITER_PARKED, then the writer's restore added -(W|WP) and borrowed through the word: 0xFFFFFFFFFFFFFFFE.")
    @Outcome(
            id = "-1, -1",
            expect = ACCEPTABLE_INTERESTING,
            desc = "Issue 465 reproduced with PARKED also set: 0xFFFFFFFFFFFFFFFF.")
    @Outcome(expect = FORBIDDEN, desc = "Some other leftover word: not the known bug.")
    public static class WriterVsReaderRelease extends Races.Race {
        public WriterVsReaderRelease() {
            super(FaultyLocks.create(Fault.ISSUE_465));
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

    /** Fault.ISSUE_465_UPGRADE: tryUpgrade(near zero) against the other reader's unlockRead. */
    @JCStressTest
    @State
    @Outcome(
            id = "1, 0",
            expect = ACCEPTABLE,
            desc = "The other reader left in time; the upgrade succeeded and was released.")
    @Outcome(id = "-1, 0", expect = ACCEPTABLE, desc = "The upgrade timed out and the race was missed: no corruption.")
    @Outcome(
            id = "-1, -2",
            expect = ACCEPTABLE_INTERESTING,
            desc =
                    "Issue 465 (upgrade) reproduced: the timed-out upgrade left 0x12 (UPGRADABLE lost) and the holder's unlockUpgradable drove it to 0xFFFFFFFFFFFFFFFE.")
    @Outcome(
            id = "-11, 18",
            expect = ACCEPTABLE_INTERESTING,
            desc =
                    "Issue 465 (upgrade) reproduced: the timed-out upgrade left 0x12 (UPGRADABLE lost); the holder's unlockUpgradable was refused.")
    @Outcome(
            id = "-1, -1",
            expect = ACCEPTABLE_INTERESTING,
            desc = "Issue 465 (upgrade) reproduced with PARKED also set: 0xFFFFFFFFFFFFFFFF.")
    @Outcome(expect = FORBIDDEN, desc = "Some other leftover word: not the known bug.")
    public static class UpgraderVsReaderRelease extends Races.Race {
        public UpgraderVsReaderRelease() {
            super(FaultyLocks.create(Fault.ISSUE_465_UPGRADE));
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
