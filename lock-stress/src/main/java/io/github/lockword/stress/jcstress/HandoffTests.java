// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.stress.jcstress;

import static io.github.lockword.stress.jcstress.Acquire.ACQUIRED;
import static io.github.lockword.stress.jcstress.Acquire.PATIENT_NANOS;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.github.lockword.RwLock;
import io.github.lockword.stress.Locks;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIJ_Result;

/**
 * Fair unlocks hand the lock over: the unlocker writes the woken thread's share into the word and
 * the woken thread returns owning the lock without touching the word (see {@code ParkingLot}). The
 * new owner must still see everything the unlocker stored, and after both actors are done the
 * word is {@code 0}. Slots: the pair {@code (x, y)} the second holder read, then the final word.
 *
 * <p>Whether a given trial handed off depends on whether the second actor had parked by the time
 * of the unlock; jcstress's many trials cover both. Each state draws its lock from
 * {@link Locks#anyKind}: plain, the builder's, or the builder's checked lock (fair where the test
 * says so).
 */
public final class HandoffTests {

    private HandoffTests() {}

    /** A fair lock: a writer's unlock hands off to a parked reader. */
    @JCStressTest
    @State
    @Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "The reader went first.")
    @Outcome(
            id = "1, 1, 0",
            expect = ACCEPTABLE,
            desc = "The reader went second (by handoff or by barging) and saw both stores.")
    @Outcome(expect = FORBIDDEN, desc = "Torn or stale pair after a fair unlock, or a leftover word.")
    public static class FairWriterToReader {
        private final RwLock lock = Locks.anyKind(true);
        private int x;
        private int y;

        @Actor
        public void writer() {
            lock.lockWrite();
            x = 1;
            y = 1;
            lock.unlockWrite();
        }

        @Actor
        public void reader(IIJ_Result r) {
            lock.lockRead();
            r.r1 = x;
            r.r2 = y;
            lock.unlockRead();
        }

        @Arbiter
        public void word(IIJ_Result r) {
            r.r3 = lock.stateWord();
        }
    }

    /** A fair lock: a writer's unlock hands off to a parked writer. */
    @JCStressTest
    @State
    @Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "The second writer went first.")
    @Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "The second writer went second and saw both stores.")
    @Outcome(expect = FORBIDDEN, desc = "Torn or stale pair after a fair unlock, or a leftover word.")
    public static class FairWriterToWriter {
        private final RwLock lock = Locks.anyKind(true);
        private int x;
        private int y;

        @Actor
        public void writer() {
            lock.lockWrite();
            x = 1;
            y = 1;
            lock.unlockWrite();
        }

        @Actor
        public void nextWriter(IIJ_Result r) {
            lock.lockWrite();
            r.r1 = x;
            r.r2 = y;
            lock.unlockWrite();
        }

        @Arbiter
        public void word(IIJ_Result r) {
            r.r3 = lock.stateWord();
        }
    }

    /**
     * Default (eventually fair) lock, explicit {@code unlockWriteFair()}, to a reader waiting with a
     * timeout: the handoff may land just as its time runs out, and it must then return owning the
     * lock (UNPARKED wins over TIMED_OUT).
     */
    @JCStressTest
    @State
    @Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "The timed reader went first.")
    @Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "The timed reader went second and saw both stores.")
    @Outcome(
            id = "-1, -1, 0",
            expect = FORBIDDEN,
            desc = "Lost wake-up: the timed reader gave up after 5 s; the writer releases within microseconds.")
    @Outcome(expect = FORBIDDEN, desc = "Torn or stale pair after unlockWriteFair, a leftover word, or an interrupt.")
    public static class UnlockWriteFairToTimedReader {
        private final RwLock lock = Locks.anyKind(false);
        private int x;
        private int y;

        @Actor
        public void writer() {
            lock.lockWrite();
            x = 1;
            y = 1;
            lock.unlockWriteFair();
        }

        @Actor
        public void reader(IIJ_Result r) {
            int status = Acquire.tryRead(lock, PATIENT_NANOS);
            if (status == ACQUIRED) {
                r.r1 = x;
                r.r2 = y;
                lock.unlockRead();
            } else {
                r.r1 = status;
                r.r2 = status;
            }
        }

        @Arbiter
        public void word(IIJ_Result r) {
            r.r3 = lock.stateWord();
        }
    }

    /**
     * Default lock: store under the write lock, downgrade to upgradable, then
     * {@code unlockUpgradableFair()} to a waiting writer.
     */
    @JCStressTest
    @State
    @Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "The waiting writer went first.")
    @Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "The waiting writer went second and saw both stores.")
    @Outcome(expect = FORBIDDEN, desc = "Torn or stale pair after unlockUpgradableFair, or a leftover word.")
    public static class UnlockUpgradableFairToWriter {
        private final RwLock lock = Locks.anyKind(false);
        private int x;
        private int y;

        @Actor
        public void holder() {
            lock.lockWrite();
            x = 1;
            y = 1;
            lock.downgradeToUpgradable();
            lock.unlockUpgradableFair();
        }

        @Actor
        public void writer(IIJ_Result r) {
            lock.lockWrite();
            r.r1 = x;
            r.r2 = y;
            lock.unlockWrite();
        }

        @Arbiter
        public void word(IIJ_Result r) {
            r.r3 = lock.stateWord();
        }
    }
}
