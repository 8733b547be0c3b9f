// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.github.lockword.RwLock;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Mutual exclusion of the fixed {@link RwLock}: which pairs of holders may overlap.
 *
 * <p>Each exclusive pair does an unguarded read-modify-write of a plain counter under the lock
 * and reports the value it read. If the two critical sections never overlap, one of them sees
 * the other's increment: {@code (0, 1)} or {@code (1, 0)}. {@code (0, 0)} is a lost update, the
 * signature of two holders inside at once.
 *
 * <pre>
 *   pair   may overlap?   test
 *   W / W  no             {@link WriterWriter}
 *   W / R  no             {@link WriterReader}
 *   U / W  no             {@link UpgradableWriter}
 *   U / U  no             {@link UpgradableUpgradable}
 *   R / R  yes            {@link ReaderReader}
 *   U / R  yes            {@link UpgradableReader}
 * </pre>
 */
public final class ExclusionTests {

    private ExclusionTests() {
    }

    /** Two writers. */
    @JCStressTest
    @State
    @Outcome(id = {"0, 1", "1, 0"}, expect = ACCEPTABLE, desc = "The writers ran one after the other.")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "Lost update: both writers held the write lock at once.")
    @Outcome(expect = FORBIDDEN, desc = "Impossible counter value.")
    public static class WriterWriter {
        private final RwLock lock = new RwLock();
        private int counter;

        @Actor
        public void writer1(II_Result r) {
            lock.lockWrite();
            r.r1 = counter;
            counter = r.r1 + 1;
            lock.unlockWrite();
        }

        @Actor
        public void writer2(II_Result r) {
            lock.lockWrite();
            r.r2 = counter;
            counter = r.r2 + 1;
            lock.unlockWrite();
        }
    }

    /**
     * A writer publishes {@code x = 1, y = 1}; a reader reads both. A torn pair means the reader was
     * inside while the writer was, or the writer's stores leaked out of its critical section.
     */
    @JCStressTest
    @State
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "The reader ran before the writer.")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The reader ran after the writer and saw both stores.")
    @Outcome(id = {"1, 0", "0, 1"}, expect = FORBIDDEN, desc = "Torn read: reader and writer overlapped.")
    @Outcome(expect = FORBIDDEN, desc = "Impossible values.")
    public static class WriterReader {
        private final RwLock lock = new RwLock();
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
        public void reader(II_Result r) {
            lock.lockRead();
            r.r1 = x;
            r.r2 = y;
            lock.unlockRead();
        }
    }

    /** An upgradable reader that increments (it excludes writers) against a writer that increments. */
    @JCStressTest
    @State
    @Outcome(id = {"0, 1", "1, 0"}, expect = ACCEPTABLE, desc = "Upgradable holder and writer ran one after the other.")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "Lost update: a writer entered while an upgradable reader held the lock.")
    @Outcome(expect = FORBIDDEN, desc = "Impossible counter value.")
    public static class UpgradableWriter {
        private final RwLock lock = new RwLock();
        private int counter;

        @Actor
        public void upgradable(II_Result r) {
            lock.lockUpgradable();
            r.r1 = counter;
            counter = r.r1 + 1;
            lock.unlockUpgradable();
        }

        @Actor
        public void writer(II_Result r) {
            lock.lockWrite();
            r.r2 = counter;
            counter = r.r2 + 1;
            lock.unlockWrite();
        }
    }

    /** Two upgradable readers, each incrementing: at most one upgradable holder at a time. */
    @JCStressTest
    @State
    @Outcome(id = {"0, 1", "1, 0"}, expect = ACCEPTABLE, desc = "The upgradable readers ran one after the other.")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "Lost update: two upgradable readers held the lock at once.")
    @Outcome(expect = FORBIDDEN, desc = "Impossible counter value.")
    public static class UpgradableUpgradable {
        private final RwLock lock = new RwLock();
        private int counter;

        @Actor
        public void upgradable1(II_Result r) {
            lock.lockUpgradable();
            r.r1 = counter;
            counter = r.r1 + 1;
            lock.unlockUpgradable();
        }

        @Actor
        public void upgradable2(II_Result r) {
            lock.lockUpgradable();
            r.r2 = counter;
            counter = r.r2 + 1;
            lock.unlockUpgradable();
        }
    }

    /**
     * Two readers raise a volatile flag inside the read lock and look at the other's. Both seeing
     * the other's flag proves they were inside together: readers share the lock. (0, 0) is
     * forbidden by volatile semantics (Dekker), independent of the lock.
     */
    @JCStressTest
    @State
    @Outcome(id = {"0, 1", "1, 0"}, expect = ACCEPTABLE, desc = "The readers did not overlap (or overlapped unobserved).")
    @Outcome(id = "1, 1", expect = ACCEPTABLE_INTERESTING, desc = "Both readers were inside at once: read locks are shared.")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "Neither saw the other's volatile flag: breaks sequential consistency.")
    @Outcome(expect = FORBIDDEN, desc = "Impossible values.")
    public static class ReaderReader {
        private final RwLock lock = new RwLock();
        private volatile int in1;
        private volatile int in2;

        @Actor
        public void reader1(II_Result r) {
            lock.lockRead();
            in1 = 1;
            r.r1 = in2;
            lock.unlockRead();
        }

        @Actor
        public void reader2(II_Result r) {
            lock.lockRead();
            in2 = 1;
            r.r2 = in1;
            lock.unlockRead();
        }
    }

    /** An upgradable reader and a plain reader may overlap, like two readers. */
    @JCStressTest
    @State
    @Outcome(id = {"0, 1", "1, 0"}, expect = ACCEPTABLE, desc = "The holders did not overlap (or overlapped unobserved).")
    @Outcome(id = "1, 1", expect = ACCEPTABLE_INTERESTING, desc = "Upgradable and plain reader were inside at once.")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "Neither saw the other's volatile flag: breaks sequential consistency.")
    @Outcome(expect = FORBIDDEN, desc = "Impossible values.")
    public static class UpgradableReader {
        private final RwLock lock = new RwLock();
        private volatile int in1;
        private volatile int in2;

        @Actor
        public void upgradable(II_Result r) {
            lock.lockUpgradable();
            in1 = 1;
            r.r1 = in2;
            lock.unlockUpgradable();
        }

        @Actor
        public void reader(II_Result r) {
            lock.lockRead();
            in2 = 1;
            r.r2 = in1;
            lock.unlockRead();
        }
    }
}
