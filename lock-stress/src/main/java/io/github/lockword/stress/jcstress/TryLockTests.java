// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.github.lockword.RwLock;
import io.github.lockword.stress.Locks;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The non-blocking {@code tryLock*} methods answer consistently with who held the lock: they fail
 * only because of a conflicting holder (no spurious failure), and two successes never overlap.
 *
 * <p>Slot values: {@code 1} the try succeeded, {@code 0} it failed; counters are read-modify-write
 * under the lock as in {@link ExclusionTests}.
 */
public final class TryLockTests {

    private TryLockTests() {}

    /**
     * Two tryLockWrite: the strong CAS 0 -> WRITER cannot fail for both. Slots are the counter value
     * each writer read, or -1 if its try failed.
     */
    @JCStressTest
    @State
    @Outcome(
            id = {"0, 1", "1, 0"},
            expect = ACCEPTABLE,
            desc = "Both succeeded, one after the other.")
    @Outcome(
            id = {"0, -1", "-1, 0"},
            expect = ACCEPTABLE,
            desc = "One succeeded; the other failed while it held the lock.")
    @Outcome(id = "-1, -1", expect = FORBIDDEN, desc = "Both failed: a spurious failure (the CAS must be strong).")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "Lost update: both held the write lock at once.")
    @Outcome(expect = FORBIDDEN, desc = "Impossible values.")
    public static class WriteWrite {
        private final RwLock lock = Locks.anyKind(false);
        private int counter;

        @Actor
        public void writer1(II_Result r) {
            if (lock.tryLockWrite()) {
                r.r1 = counter;
                counter = r.r1 + 1;
                lock.unlockWrite();
            } else {
                r.r1 = -1;
            }
        }

        @Actor
        public void writer2(II_Result r) {
            if (lock.tryLockWrite()) {
                r.r2 = counter;
                counter = r.r2 + 1;
                lock.unlockWrite();
            } else {
                r.r2 = -1;
            }
        }
    }

    /**
     * tryLockRead against tryLockWrite. A reader fails only if WRITER is set, a writer only if the
     * word is not 0, so at least one succeeds. Slots: reader ok, writer ok, the sum x + y the
     * reader saw (-1 if it failed); the writer stores x = 1, y = 1.
     */
    @JCStressTest
    @State
    @Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "The reader held the lock; the writer's try failed.")
    @Outcome(id = "0, 1, -1", expect = ACCEPTABLE, desc = "The writer held the lock; the reader's try failed.")
    @Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "Both succeeded: reader first.")
    @Outcome(id = "1, 1, 2", expect = ACCEPTABLE, desc = "Both succeeded: writer first, reader saw both stores.")
    @Outcome(id = "0, 0, -1", expect = FORBIDDEN, desc = "Both failed: a spurious try failure.")
    @Outcome(expect = FORBIDDEN, desc = "Torn read or inconsistent results: reader and writer overlapped.")
    public static class ReadWrite {
        private final RwLock lock = Locks.anyKind(false);
        private int x;
        private int y;

        @Actor
        public void reader(III_Result r) {
            if (lock.tryLockRead()) {
                r.r1 = 1;
                r.r3 = x + y;
                lock.unlockRead();
            } else {
                r.r1 = 0;
                r.r3 = -1;
            }
        }

        @Actor
        public void writer(III_Result r) {
            if (lock.tryLockWrite()) {
                r.r2 = 1;
                x = 1;
                y = 1;
                lock.unlockWrite();
            } else {
                r.r2 = 0;
            }
        }
    }

    /** A reader and an upgradable reader are compatible: neither try may fail. */
    @JCStressTest
    @State
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "Both tries succeeded.")
    @Outcome(expect = FORBIDDEN, desc = "A try failed although no writer was present: spurious failure.")
    public static class ReadUpgradable {
        private final RwLock lock = Locks.anyKind(false);

        @Actor
        public void reader(II_Result r) {
            if (lock.tryLockRead()) {
                r.r1 = 1;
                lock.unlockRead();
            }
        }

        @Actor
        public void upgradable(II_Result r) {
            if (lock.tryLockUpgradable()) {
                r.r2 = 1;
                lock.unlockUpgradable();
            }
        }
    }

    /** Two readers: neither try may fail. */
    @JCStressTest
    @State
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "Both tries succeeded.")
    @Outcome(expect = FORBIDDEN, desc = "A tryLockRead failed although no writer was present: spurious failure.")
    public static class ReadRead {
        private final RwLock lock = Locks.anyKind(false);

        @Actor
        public void reader1(II_Result r) {
            if (lock.tryLockRead()) {
                r.r1 = 1;
                lock.unlockRead();
            }
        }

        @Actor
        public void reader2(II_Result r) {
            if (lock.tryLockRead()) {
                r.r2 = 1;
                lock.unlockRead();
            }
        }
    }

    /** Two tryLockUpgradable: at least one succeeds and two successes do not overlap. */
    @JCStressTest
    @State
    @Outcome(
            id = {"0, 1", "1, 0"},
            expect = ACCEPTABLE,
            desc = "Both succeeded, one after the other.")
    @Outcome(
            id = {"0, -1", "-1, 0"},
            expect = ACCEPTABLE,
            desc = "One succeeded; the other failed while it held the lock.")
    @Outcome(id = "-1, -1", expect = FORBIDDEN, desc = "Both failed: a spurious failure.")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "Lost update: two upgradable holders at once.")
    @Outcome(expect = FORBIDDEN, desc = "Impossible values.")
    public static class UpgradableUpgradable {
        private final RwLock lock = Locks.anyKind(false);
        private int counter;

        @Actor
        public void upgradable1(II_Result r) {
            if (lock.tryLockUpgradable()) {
                r.r1 = counter;
                counter = r.r1 + 1;
                lock.unlockUpgradable();
            } else {
                r.r1 = -1;
            }
        }

        @Actor
        public void upgradable2(II_Result r) {
            if (lock.tryLockUpgradable()) {
                r.r2 = counter;
                counter = r.r2 + 1;
                lock.unlockUpgradable();
            } else {
                r.r2 = -1;
            }
        }
    }

    /**
     * tryUpgrade() against a reader: it fails only while the reader is inside, and when it
     * succeeds its stores are seen whole. Slots: upgrade ok, then the reader's x and y.
     */
    @JCStressTest
    @State
    @Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "Upgraded; the reader went first.")
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "Upgraded; the reader went second and saw both stores.")
    @Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "The upgrade failed because the reader was inside.")
    @Outcome(expect = FORBIDDEN, desc = "Torn or stale pair, or stores without a successful upgrade.")
    public static class UpgradeVsReader {
        private final RwLock lock = Locks.anyKind(false);
        private int x;
        private int y;

        @Actor
        public void upgrader(III_Result r) {
            lock.lockUpgradable();
            if (lock.tryUpgrade()) {
                r.r1 = 1;
                x = 1;
                y = 1;
                lock.unlockWrite();
            } else {
                lock.unlockUpgradable();
            }
        }

        @Actor
        public void reader(III_Result r) {
            lock.lockRead();
            r.r2 = x;
            r.r3 = y;
            lock.unlockRead();
        }
    }
}
