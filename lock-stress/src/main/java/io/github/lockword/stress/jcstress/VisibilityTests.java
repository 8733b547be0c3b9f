// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.stress.jcstress;

import static io.github.lockword.stress.jcstress.Acquire.ACQUIRED;
import static io.github.lockword.stress.jcstress.Acquire.PATIENT_NANOS;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.github.lockword.RwLock;
import io.github.lockword.stress.Locks;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Lock;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Visibility: what a writer stores under the write lock is seen, whole, by the next holder, for
 * every way of getting the write lock (plain, timed, interruptible, {@code Lock} view, upgrade,
 * timed upgrade) and every way of getting the lock afterwards (read, timed read, interruptible
 * read, recursive read, upgradable, write, timed write, interruptible write).
 *
 * <p>The writer stores {@code x = 1} then {@code y = 1} with plain stores. The other actor reads
 * {@code x} then {@code y} with plain loads. Only {@code (0, 0)} (it went first) and
 * {@code (1, 1)} (it went second) are legal; anything else means the lock's release/acquire did
 * not order the plain accesses, or the two critical sections overlapped.
 *
 * <p>Results with three slots put a status code first ({@code 1} acquired, {@code -1} timed out,
 * {@code -2} interrupted; see {@link Acquire}). A timeout of {@link Acquire#PATIENT_NANOS} (5 s)
 * against a holder that releases within microseconds means the waiter slept through the release:
 * a lost wake-up, FORBIDDEN. An interrupt never happens (nobody interrupts) and is forbidden too.
 *
 * <p>Each state draws its lock from {@link Locks#anyKind}: {@code new RwLock()}, the builder's
 * lock, or the builder's checked lock, so every test covers all three.
 */
public final class VisibilityTests {

    private VisibilityTests() {}

    /** lockWrite, then lockRead. */
    @JCStressTest
    @State
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "The reader went first.")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The reader went second and saw both stores.")
    @Outcome(expect = FORBIDDEN, desc = "Torn or stale pair: the write lock's release did not publish the stores.")
    public static class Plain {
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

    /** writeLock().lock(), then readLock().lock(): the {@code java.util.concurrent.locks.Lock} views. */
    @JCStressTest
    @State
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "The reader went first.")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The reader went second and saw both stores.")
    @Outcome(expect = FORBIDDEN, desc = "Torn or stale pair through the Lock views.")
    public static class LockViews {
        private final RwLock rw = Locks.anyKind(false);
        private final Lock readLock = rw.readLock();
        private final Lock writeLock = rw.writeLock();
        private int x;
        private int y;

        @Actor
        public void writer() {
            writeLock.lock();
            try {
                x = 1;
                y = 1;
            } finally {
                writeLock.unlock();
            }
        }

        @Actor
        public void reader(II_Result r) {
            readLock.lock();
            try {
                r.r1 = x;
                r.r2 = y;
            } finally {
                readLock.unlock();
            }
        }
    }

    /** tryLockWrite(timeout), then tryLockRead(timeout). */
    @JCStressTest
    @State
    @Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "The reader went first.")
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "The reader went second and saw both stores.")
    @Outcome(
            id = {"-1, 0, 0", "-?1, -1, -1"},
            expect = FORBIDDEN,
            desc =
                    "Lost wake-up: a timed acquisition gave up after 5 s against a holder that releases within microseconds.")
    @Outcome(expect = FORBIDDEN, desc = "Torn or stale pair, or an acquisition was interrupted (nobody interrupts).")
    public static class Timed {
        private final RwLock lock = Locks.anyKind(false);
        private int x;
        private int y;

        @Actor
        public void writer(III_Result r) {
            r.r1 = Acquire.tryWrite(lock, PATIENT_NANOS);
            if (r.r1 == ACQUIRED) {
                x = 1;
                y = 1;
                lock.unlockWrite();
            }
        }

        @Actor
        public void reader(III_Result r) {
            int status = Acquire.tryRead(lock, PATIENT_NANOS);
            if (status == ACQUIRED) {
                r.r2 = x;
                r.r3 = y;
                lock.unlockRead();
            } else {
                r.r2 = status;
                r.r3 = status;
            }
        }
    }

    /** lockWriteInterruptibly, then lockReadInterruptibly. */
    @JCStressTest
    @State
    @Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "The reader went first.")
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "The reader went second and saw both stores.")
    @Outcome(expect = FORBIDDEN, desc = "Torn or stale pair, or an acquisition was interrupted (nobody interrupts).")
    public static class Interruptible {
        private final RwLock lock = Locks.anyKind(false);
        private int x;
        private int y;

        @Actor
        public void writer(III_Result r) {
            r.r1 = Acquire.writeInterruptibly(lock);
            if (r.r1 == ACQUIRED) {
                x = 1;
                y = 1;
                lock.unlockWrite();
            }
        }

        @Actor
        public void reader(III_Result r) {
            int status = Acquire.readInterruptibly(lock);
            if (status == ACQUIRED) {
                r.r2 = x;
                r.r3 = y;
                lock.unlockRead();
            } else {
                r.r2 = status;
                r.r3 = status;
            }
        }
    }

    /** lockWrite, then lockReadRecursive (no read lock held, so it behaves like lockRead). */
    @JCStressTest
    @State
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "The reader went first.")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The reader went second and saw both stores.")
    @Outcome(expect = FORBIDDEN, desc = "Torn or stale pair seen by a recursive reader.")
    public static class RecursiveRead {
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
            lock.lockReadRecursive();
            r.r1 = x;
            r.r2 = y;
            lock.unlockRead();
        }
    }

    /** lockWrite, then the next writer (lockWrite) reads. */
    @JCStressTest
    @State
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "The second writer went first.")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The second writer went second and saw both stores.")
    @Outcome(expect = FORBIDDEN, desc = "Torn or stale pair seen by the next writer.")
    public static class WriterToWriter {
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
        public void nextWriter(II_Result r) {
            lock.lockWrite();
            r.r1 = x;
            r.r2 = y;
            lock.unlockWrite();
        }
    }

    /** lockWrite, then the next writer acquires with tryLockWrite(timeout). */
    @JCStressTest
    @State
    @Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "The timed writer went first.")
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "The timed writer went second and saw both stores.")
    @Outcome(
            id = "-1, -1, -1",
            expect = FORBIDDEN,
            desc =
                    "Lost wake-up: the timed writer gave up after 5 s; the writer before it releases within microseconds.")
    @Outcome(expect = FORBIDDEN, desc = "Torn or stale pair seen by a timed writer, or it was interrupted.")
    public static class WriterToTimedWriter {
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
        public void nextWriter(III_Result r) {
            r.r1 = Acquire.tryWrite(lock, PATIENT_NANOS);
            if (r.r1 == ACQUIRED) {
                r.r2 = x;
                r.r3 = y;
                lock.unlockWrite();
            } else {
                r.r2 = r.r1;
                r.r3 = r.r1;
            }
        }
    }

    /** lockWrite, then the next writer acquires with lockWriteInterruptibly. */
    @JCStressTest
    @State
    @Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "The interruptible writer went first.")
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "The interruptible writer went second and saw both stores.")
    @Outcome(expect = FORBIDDEN, desc = "Torn or stale pair seen by an interruptible writer, or it was interrupted.")
    public static class WriterToInterruptibleWriter {
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
        public void nextWriter(III_Result r) {
            r.r1 = Acquire.writeInterruptibly(lock);
            if (r.r1 == ACQUIRED) {
                r.r2 = x;
                r.r3 = y;
                lock.unlockWrite();
            } else {
                r.r2 = r.r1;
                r.r3 = r.r1;
            }
        }
    }

    /** lockWrite, then an upgradable reader (plain, timed and interruptible entries are all covered). */
    @JCStressTest
    @State
    @Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "The upgradable reader went first.")
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "The upgradable reader went second and saw both stores.")
    @Outcome(
            id = "-1, -1, -1",
            expect = FORBIDDEN,
            desc = "Lost wake-up: the timed upgradable gave up after 5 s; the writer releases within microseconds.")
    @Outcome(expect = FORBIDDEN, desc = "Torn or stale pair seen by an upgradable reader, or it was interrupted.")
    public static class WriterToUpgradable {
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
        public void upgradable(III_Result r) {
            // Each state object gets one call; pick its entry at random so all three are exercised.
            int mode = ThreadLocalRandom.current().nextInt(3);
            if (mode == 0) {
                lock.lockUpgradable();
                r.r1 = ACQUIRED;
            } else if (mode == 1) {
                r.r1 = Acquire.tryUpgradable(lock, PATIENT_NANOS);
            } else {
                r.r1 = Acquire.upgradableInterruptibly(lock);
            }
            if (r.r1 == ACQUIRED) {
                r.r2 = x;
                r.r3 = y;
                lock.unlockUpgradable();
            } else {
                r.r2 = r.r1;
                r.r3 = r.r1;
            }
        }
    }

    /** lockUpgradable then upgrade(); the writes under the upgraded lock reach the next reader. */
    @JCStressTest
    @State
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "The reader went first.")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The reader went after the upgraded writer and saw both stores.")
    @Outcome(expect = FORBIDDEN, desc = "Torn or stale pair: the upgraded write lock did not exclude or publish.")
    public static class Upgrade {
        private final RwLock lock = Locks.anyKind(false);
        private int x;
        private int y;

        @Actor
        public void upgrader() {
            lock.lockUpgradable();
            lock.upgrade();
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

    /**
     * lockUpgradable then tryUpgrade(timeout), racing a reader: the upgrade waits for the reader
     * to drain, then publishes.
     */
    @JCStressTest
    @State
    @Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "The reader went first (or alongside the upgradable holder).")
    @Outcome(
            id = "1, 1, 1",
            expect = ACCEPTABLE,
            desc = "The reader went after the upgraded writer and saw both stores.")
    @Outcome(
            id = "-1, 0, 0",
            expect = FORBIDDEN,
            desc = "Lost wake-up: the upgrade gave up after 5 s; the reader releases within microseconds.")
    @Outcome(expect = FORBIDDEN, desc = "Torn or stale pair, or the upgrade was interrupted.")
    public static class TimedUpgrade {
        private final RwLock lock = Locks.anyKind(false);
        private int x;
        private int y;

        @Actor
        public void upgrader(III_Result r) {
            lock.lockUpgradable();
            r.r1 = Acquire.tryUpgrade(lock, PATIENT_NANOS);
            if (r.r1 == ACQUIRED) {
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

    /**
     * lockWrite, store, downgrade() to a read lock, re-read, unlock. The downgraded holder sees its
     * own stores; a reader entering after the downgrade sees them too.
     */
    @JCStressTest
    @State
    @Outcome(id = "2, 0, 0", expect = ACCEPTABLE, desc = "The reader went first.")
    @Outcome(
            id = "2, 1, 1",
            expect = ACCEPTABLE,
            desc = "The reader went after the stores (possibly alongside the downgraded holder).")
    @Outcome(expect = FORBIDDEN, desc = "Torn or stale pair, or the downgraded holder lost its own stores.")
    public static class Downgrade {
        private final RwLock lock = Locks.anyKind(false);
        private int x;
        private int y;

        @Actor
        public void writer(III_Result r) {
            lock.lockWrite();
            x = 1;
            y = 1;
            lock.downgrade();
            r.r1 = x + y;
            lock.unlockRead();
        }

        @Actor
        public void reader(III_Result r) {
            lock.lockRead();
            r.r2 = x;
            r.r3 = y;
            lock.unlockRead();
        }
    }

    /** lockWrite, store, downgradeToUpgradable(), then downgradeUpgradable() to a plain read lock. */
    @JCStressTest
    @State
    @Outcome(id = "2, 0, 0", expect = ACCEPTABLE, desc = "The other upgradable went first.")
    @Outcome(id = "2, 1, 1", expect = ACCEPTABLE, desc = "The other upgradable went after the stores.")
    @Outcome(expect = FORBIDDEN, desc = "Torn or stale pair, or the downgraded holder lost its own stores.")
    public static class DowngradeToUpgradable {
        private final RwLock lock = Locks.anyKind(false);
        private int x;
        private int y;

        @Actor
        public void writer(III_Result r) {
            lock.lockWrite();
            x = 1;
            y = 1;
            lock.downgradeToUpgradable();
            int seen = x + y;
            lock.downgradeUpgradable();
            r.r1 = seen;
            lock.unlockRead();
        }

        @Actor
        public void upgradable(III_Result r) {
            lock.lockUpgradable();
            r.r2 = x;
            r.r3 = y;
            lock.unlockUpgradable();
        }
    }
}
