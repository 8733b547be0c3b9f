// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.github.lockword.RwLock;
import io.github.lockword.stress.Locks;
import java.util.concurrent.atomic.AtomicInteger;
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
 *   R / R  yes, must      {@link ReaderReader}
 *   U / R  yes, must      {@link UpgradableReader}
 * </pre>
 *
 * <p>The sharing pairs are checked the other way round: each holder, once inside, waits (bounded)
 * for the other to come in too, so a lock that wrongly excluded one of them produces a FORBIDDEN
 * outcome. (A test where the readers merely look at each other's volatile flags cannot fail
 * because of the lock: volatile semantics alone rule out the only outcome it forbids.)
 *
 * <p>Each state draws its lock from {@link Locks#anyKind}: {@code new RwLock()}, the builder's
 * lock, or the builder's checked lock.
 */
public final class ExclusionTests {

    private ExclusionTests() {}

    /** Two writers. */
    @JCStressTest
    @State
    @Outcome(
            id = {"0, 1", "1, 0"},
            expect = ACCEPTABLE,
            desc = "The writers ran one after the other.")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "Lost update: both writers held the write lock at once.")
    @Outcome(expect = FORBIDDEN, desc = "Impossible counter value.")
    public static class WriterWriter {
        private final RwLock lock = Locks.anyKind(false);
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
    @Outcome(
            id = {"1, 0", "0, 1"},
            expect = FORBIDDEN,
            desc = "Torn read: reader and writer overlapped.")
    @Outcome(expect = FORBIDDEN, desc = "Impossible values.")
    public static class WriterReader {
        private final RwLock lock = Locks.anyKind(false);
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
    @Outcome(
            id = {"0, 1", "1, 0"},
            expect = ACCEPTABLE,
            desc = "Upgradable holder and writer ran one after the other.")
    @Outcome(
            id = "0, 0",
            expect = FORBIDDEN,
            desc = "Lost update: a writer entered while an upgradable reader held the lock.")
    @Outcome(expect = FORBIDDEN, desc = "Impossible counter value.")
    public static class UpgradableWriter {
        private final RwLock lock = Locks.anyKind(false);
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
    @Outcome(
            id = {"0, 1", "1, 0"},
            expect = ACCEPTABLE,
            desc = "The upgradable readers ran one after the other.")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "Lost update: two upgradable readers held the lock at once.")
    @Outcome(expect = FORBIDDEN, desc = "Impossible counter value.")
    public static class UpgradableUpgradable {
        private final RwLock lock = Locks.anyKind(false);
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
     * How long a holder that must share the lock waits, inside, for the other one to come in once
     * the other has announced that it is about to ask for the lock. Asking for a shared lock that
     * nothing excludes takes microseconds, so only a lock that wrongly excludes the other holder
     * (or a pause of the whole JVM, or a thread descheduled, for 10 s in those microseconds) makes
     * the wait run out. With 1 s, one trial in ~400,000 ran out on the fixed lock at load 25 on
     * 2 cores. Override with {@code -jvmArgsPrepend -Dlockword.exclusion.overlapWaitNanos=N}.
     */
    static final long OVERLAP_WAIT_NANOS = Long.getLong("lockword.exclusion.overlapWaitNanos", 10_000_000_000L);

    /**
     * Once a wait has run out in this JVM the lock is broken (or the machine stalled): later waits
     * are this short, so that an excluding lock fails the run quickly instead of costing 10 s per
     * trial.
     */
    static final long OVERLAP_WAIT_AFTER_FAILURE_NANOS = 1_000_000;

    private static volatile boolean overlapWaitRanOut;

    /* Where an actor of a sharing pair is: not yet there, about to ask for the lock, inside. */
    static final int AWAY = 0;
    static final int ARRIVING = 1;
    static final int INSIDE = 2;

    /** Before asking for the lock: tell the other actor. */
    static void arrive(AtomicInteger mine) {
        mine.set(ARRIVING);
    }

    /**
     * Inside the lock: say so, then wait for the other actor to come in too. Until it has arrived
     * (it may still be busy with jcstress's bookkeeping, or descheduled) the wait is unbounded, and
     * from its arrival on it is bounded by {@link #OVERLAP_WAIT_NANOS}. Returns 1 if it came in,
     * 0 if it asked for the lock and did not get in.
     */
    static int meet(AtomicInteger mine, AtomicInteger other) {
        mine.set(INSIDE);
        int spins = 0;
        while (other.get() == AWAY) {
            pause(spins++);
        }
        long deadline = System.nanoTime() + (overlapWaitRanOut ? OVERLAP_WAIT_AFTER_FAILURE_NANOS : OVERLAP_WAIT_NANOS);
        while (other.get() != INSIDE) {
            if (System.nanoTime() - deadline > 0) {
                overlapWaitRanOut = true;
                return 0;
            }
            pause(spins++);
        }
        return 1;
    }

    private static void pause(int spins) {
        if (spins < 100) {
            Thread.onSpinWait();
        } else {
            Thread.yield(); // on a loaded machine the other actor may need this core
        }
    }

    /**
     * Two readers must be able to hold the lock together: each, once inside, waits for the other to
     * come in too. A lock that wrongly excluded readers keeps the second out until the first gives
     * up waiting: one of them reports 0.
     */
    @JCStressTest
    @State
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "Both readers were inside at once: read locks are shared.")
    @Outcome(
            id = {"0, 1", "1, 0", "0, 0"},
            expect = FORBIDDEN,
            desc =
                    "A reader held the lock for the whole overlap wait (10 s) and the other could not come in: the lock excluded a reader.")
    @Outcome(expect = FORBIDDEN, desc = "Impossible values.")
    public static class ReaderReader {
        private final RwLock lock = Locks.anyKind(false);
        private final AtomicInteger in1 = new AtomicInteger();
        private final AtomicInteger in2 = new AtomicInteger();

        @Actor
        public void reader1(II_Result r) {
            arrive(in1);
            lock.lockRead();
            r.r1 = meet(in1, in2);
            lock.unlockRead();
        }

        @Actor
        public void reader2(II_Result r) {
            arrive(in2);
            lock.lockRead();
            r.r2 = meet(in2, in1);
            lock.unlockRead();
        }
    }

    /** An upgradable reader and a plain reader must be able to hold the lock together, like two readers. */
    @JCStressTest
    @State
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "Upgradable and plain reader were inside at once.")
    @Outcome(
            id = {"0, 1", "1, 0", "0, 0"},
            expect = FORBIDDEN,
            desc =
                    "One held the lock for the whole overlap wait (10 s) and the other could not come in: the lock excluded a reader from an upgradable holder.")
    @Outcome(expect = FORBIDDEN, desc = "Impossible values.")
    public static class UpgradableReader {
        private final RwLock lock = Locks.anyKind(false);
        private final AtomicInteger in1 = new AtomicInteger();
        private final AtomicInteger in2 = new AtomicInteger();

        @Actor
        public void upgradable(II_Result r) {
            arrive(in1);
            lock.lockUpgradable();
            r.r1 = meet(in1, in2);
            lock.unlockUpgradable();
        }

        @Actor
        public void reader(II_Result r) {
            arrive(in2);
            lock.lockRead();
            r.r2 = meet(in2, in1);
            lock.unlockRead();
        }
    }
}
