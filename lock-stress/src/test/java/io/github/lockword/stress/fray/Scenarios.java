// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.stress.fray;

import static java.util.concurrent.TimeUnit.MICROSECONDS;

import io.github.lockword.LockState;
import io.github.lockword.RwLock;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;

/**
 * The programs Fray runs, one static method per scenario. Each builds the lock of this run
 * ({@link FrayLock#forThisRun()}), starts real threads that use it the way an application does,
 * and ends with {@link #finish}: every thread must end (a lost wake-up leaves one parked on a free
 * lock, which is reported with the lock's word, not as a bare deadlock), the word must be 0 and
 * the lock must still be usable. Every step that changes what a thread holds is checked against
 * an {@link Occupancy} count and the word's invariants, so a corrupt word fails the run at the step
 * that made it, naming the word ({@link LockState#explain}).
 *
 * <p>Fray chooses the interleaving at every synchronization point (each atomic access to the word,
 * each bucket-lock CAS, park, unpark, thread start and join). Time is Fray's mocked clock:
 * {@code System.nanoTime()} advances by a fixed step per call and per scheduling step, and a timed
 * park can time out at any point of the schedule once its deadline has passed; so a
 * {@link #TIMEOUT_US} timeout sometimes runs out and sometimes does not, as Fray chooses.
 */
final class Scenarios {

    /** Timeout of every timed acquisition and timed await, in (mocked) microseconds. */
    static final long TIMEOUT_US = 1_000;
    /**
     * How many 1 ms sleeps (on Fray's mocked clock) {@link #finish} waits for a thread before it
     * reports it stuck: at least 2,000 ms of mocked time, that is at least 10,000 scheduling steps,
     * far more than any schedule of these programs takes while some thread can still run. When
     * nothing else can run, Fray advances its clock to the end of a sleep at once, so a thread
     * that will never return costs about {@value} quick steps. ({@code Thread.join(millis)} is no
     * substitute: the JDK's join measures its timeout with the real clock.)
     */
    static final int STUCK_POLLS = 2_000;

    private Scenarios() {}

    // =========================================================================== issue 465 races

    /**
     * The race of issue 465: the last reader's {@code unlockRead} against a {@code tryLockWrite}
     * whose wait for that reader times out. The buggy give-back turns {@code 0x08} into
     * {@code 0xFFFFFFFFFFFFFFFE}.
     */
    static void timedWriteVsLastReader() throws Exception {
        RwLock lock = FrayLock.forThisRun();
        Occupancy occ = new Occupancy(lock);
        lock.lockRead();
        occ.enter(Occupancy.READ);
        Thread writer = start("timed-writer", () -> {
            if (lock.tryLockWrite(TIMEOUT_US, MICROSECONDS)) {
                occ.enter(Occupancy.WRITE);
                occ.exit(Occupancy.WRITE);
                lock.unlockWrite();
            }
            occ.checkWord();
        });
        awaitWriterParked(lock, writer);
        occ.exit(Occupancy.READ);
        lock.unlockRead();
        occ.checkWord();
        finish(lock, writer);
    }

    /**
     * The same race in the timed upgrade: an upgradable reader's {@code tryUpgrade(timeout)}
     * waiting for the other reader, against that reader's {@code unlockRead}. The buggy give-back
     * leaves {@code 0x12} (UPGRADABLE lost), and the holder's {@code unlockUpgradable} then makes
     * {@code 0xFFFFFFFFFFFFFFFE}.
     */
    static void timedUpgradeVsLastReader() throws Exception {
        RwLock lock = FrayLock.forThisRun();
        Occupancy occ = new Occupancy(lock);
        lock.lockRead();
        occ.enter(Occupancy.READ);
        Thread upgrader = start("timed-upgrader", () -> {
            lock.lockUpgradable();
            occ.enter(Occupancy.UPGRADABLE);
            if (lock.tryUpgrade(TIMEOUT_US, MICROSECONDS)) {
                occ.change(Occupancy.UPGRADABLE, Occupancy.WRITE);
                occ.exit(Occupancy.WRITE);
                lock.unlockWrite();
            } else {
                occ.checkWord();
                occ.exit(Occupancy.UPGRADABLE);
                lock.unlockUpgradable();
            }
            occ.checkWord();
        });
        awaitWriterParked(lock, upgrader);
        occ.exit(Occupancy.READ);
        lock.unlockRead();
        occ.checkWord();
        finish(lock, upgrader);
    }

    /**
     * A timed write that times out behind a reader while a writer and an upgradable reader queue
     * up behind it: when the timed writer leaves, its wake must let the parked writer or
     * upgrader run once the reader is gone (the seeded wake of {@code ISSUE_465_WAKE_SEED} skips
     * them and leaves them asleep on a free lock).
     */
    static void timedWriteTimesOutWithWaiters() throws Exception {
        RwLock lock = FrayLock.forThisRun();
        Occupancy occ = new Occupancy(lock);
        lock.lockRead();
        occ.enter(Occupancy.READ);
        Thread timed = start("timed-writer", () -> {
            if (lock.tryLockWrite(TIMEOUT_US, MICROSECONDS)) {
                occ.enter(Occupancy.WRITE);
                occ.exit(Occupancy.WRITE);
                lock.unlockWrite();
            }
            occ.checkWord();
        });
        Thread writer = start("writer", () -> {
            lock.lockWrite();
            occ.enter(Occupancy.WRITE);
            occ.exit(Occupancy.WRITE);
            lock.unlockWrite();
        });
        Thread upgradable = start("upgradable", () -> {
            lock.lockUpgradable();
            occ.enter(Occupancy.UPGRADABLE);
            occ.exit(Occupancy.UPGRADABLE);
            lock.unlockUpgradable();
        });
        // The reader leaves only once the timed writer is done, so that its timeout is what wakes
        // the others (the reader's own unlock would wake them otherwise).
        timed.join();
        occ.exit(Occupancy.READ);
        lock.unlockRead();
        finish(lock, timed, writer, upgradable);
    }

    // ================================================================ upgrade and downgrades

    /**
     * Upgrade and every downgrade, against a plain reader and a plain writer: one thread goes
     * upgradable, upgrade, write, downgrade (to read), unlockRead; another goes upgradable,
     * upgrade, downgradeToUpgradable, downgradeUpgradable, unlockRead; a reader and the main
     * thread as a writer compete with them. Hold counts go up only after a lock call returns
     * and down before an unlock, so they never claim more than the lock granted.
     */
    static void upgradeAndDowngrades() throws Exception {
        RwLock lock = FrayLock.forThisRun();
        Occupancy occ = new Occupancy(lock);
        Thread a = start("upgrade-downgrade", () -> {
            lock.lockUpgradable();
            occ.enter(Occupancy.UPGRADABLE);
            lock.upgrade();
            occ.change(Occupancy.UPGRADABLE, Occupancy.WRITE);
            occ.change(Occupancy.WRITE, Occupancy.READ);
            lock.downgrade();
            occ.checkWord();
            occ.exit(Occupancy.READ);
            lock.unlockRead();
        });
        Thread b = start("upgrade-downgrade-to-upgradable", () -> {
            lock.lockUpgradable();
            occ.enter(Occupancy.UPGRADABLE);
            lock.upgrade();
            occ.change(Occupancy.UPGRADABLE, Occupancy.WRITE);
            occ.change(Occupancy.WRITE, Occupancy.UPGRADABLE);
            lock.downgradeToUpgradable();
            occ.checkWord();
            occ.change(Occupancy.UPGRADABLE, Occupancy.READ);
            lock.downgradeUpgradable();
            occ.checkWord();
            occ.exit(Occupancy.READ);
            lock.unlockRead();
        });
        Thread reader = start("reader", () -> {
            lock.lockRead();
            occ.enter(Occupancy.READ);
            occ.exit(Occupancy.READ);
            lock.unlockRead();
        });
        lock.lockWrite();
        occ.enter(Occupancy.WRITE);
        occ.exit(Occupancy.WRITE);
        lock.unlockWrite();
        finish(lock, a, b, reader);
    }

    // ============================================================================ read bias

    /**
     * Readers against every kind of exclusive acquisition, written for the read-biased lock (on the
     * others it is one more mixed workload): two readers (one nests a recursive read), a writer, a
     * timed writer and a {@code tryLockWrite()}, while the main thread goes upgradable and upgrades
     * with {@code tryUpgrade()} or else {@code upgrade()}. On the read-biased lock the readers take
     * their shares on slots while the bias is on, and every exclusive path must revoke and wait for
     * them (or, if it may not wait, give WRITER back); the occupancy count catches a writer inside
     * with a reader.
     */
    static void biasedReadersAndWriters() throws Exception {
        RwLock lock = FrayLock.forThisRun();
        Occupancy occ = new Occupancy(lock);
        Thread r1 = start("reader-1", () -> {
            lock.lockRead();
            occ.enter(Occupancy.READ);
            occ.exit(Occupancy.READ);
            lock.unlockRead();
        });
        Thread r2 = start("reader-2", () -> {
            lock.lockRead();
            occ.enter(Occupancy.READ);
            lock.lockReadRecursive();
            occ.enter(Occupancy.READ);
            occ.exit(Occupancy.READ);
            lock.unlockRead();
            occ.exit(Occupancy.READ);
            lock.unlockRead();
        });
        Thread w = start("writer", () -> {
            lock.lockWrite();
            occ.enter(Occupancy.WRITE);
            occ.exit(Occupancy.WRITE);
            lock.unlockWrite();
        });
        Thread tw = start("timed-writer", () -> {
            if (lock.tryLockWrite(TIMEOUT_US, MICROSECONDS)) {
                occ.enter(Occupancy.WRITE);
                occ.exit(Occupancy.WRITE);
                lock.unlockWrite();
            }
            if (lock.tryLockWrite()) {
                occ.enter(Occupancy.WRITE);
                occ.exit(Occupancy.WRITE);
                lock.unlockWrite();
            }
            occ.checkWord();
        });
        lock.lockUpgradable();
        occ.enter(Occupancy.UPGRADABLE);
        if (!lock.tryUpgrade()) {
            occ.checkWord();
            lock.upgrade();
        }
        occ.change(Occupancy.UPGRADABLE, Occupancy.WRITE);
        occ.exit(Occupancy.WRITE);
        lock.unlockWrite();
        finish(lock, r1, r2, w, tw);
    }

    // ======================================================================== fair handoff

    /**
     * Fair unlock handoff: the main thread holds the write lock while a writer and a reader
     * queue up, then unlocks fairly ({@code unlockWrite} on a fair lock, {@code unlockWriteFair}
     * otherwise). A waiter parked at that moment cannot leave the queue by itself, so a fair
     * unlock must hand the lock to it: right after the unlock the lock must still be held (the
     * waiters keep what they got until the main thread lets them go). Then the main thread takes
     * the lock as upgradable and hands it over the same way with {@code unlockUpgradableFair}.
     */
    static void fairHandoff() throws Exception {
        RwLock lock = FrayLock.forThisRun();
        Occupancy occ = new Occupancy(lock);
        CountDownLatch release = new CountDownLatch(1);
        lock.lockWrite();
        occ.enter(Occupancy.WRITE);
        Thread writer = start("writer", () -> {
            lock.lockWrite();
            occ.enter(Occupancy.WRITE);
            release.await();
            occ.exit(Occupancy.WRITE);
            lock.unlockWrite();
        });
        Thread reader = start("reader", () -> {
            lock.lockRead();
            occ.enter(Occupancy.READ);
            release.await();
            occ.exit(Occupancy.READ);
            lock.unlockRead();
        });
        int queued = lock.getQueueLength();
        occ.exit(Occupancy.WRITE);
        if (lock.isFair()) {
            lock.unlockWrite();
        } else {
            lock.unlockWriteFair();
        }
        if (queued > 0 && !lock.isLocked()) {
            throw new AssertionError("a fair unlockWrite with " + queued + " parked waiter(s) left " + lock
                    + " free instead of handing it off; word " + LockState.explain(lock.stateWord()));
        }
        release.countDown();
        finish(lock, writer, reader);

        lock.lockUpgradable();
        occ.enter(Occupancy.UPGRADABLE);
        CountDownLatch release2 = new CountDownLatch(1);
        Thread writer2 = start("writer-2", () -> {
            lock.lockWrite();
            occ.enter(Occupancy.WRITE);
            release2.await();
            occ.exit(Occupancy.WRITE);
            lock.unlockWrite();
        });
        int queued2 = lock.getQueueLength();
        occ.exit(Occupancy.UPGRADABLE);
        lock.unlockUpgradableFair();
        if (queued2 > 0 && !lock.isWriteLocked()) {
            throw new AssertionError("unlockUpgradableFair with a parked writer did not hand it " + lock + "; word "
                    + LockState.explain(lock.stateWord()));
        }
        release2.countDown();
        finish(lock, writer2);
    }

    // ========================================================================== conditions

    /**
     * A write-lock condition: one thread awaits a flag with {@code await()}, another with
     * {@code awaitNanos} (which may time out), and the main thread sets the flag and signals
     * twice. Every waiter must return holding the write lock.
     */
    static void conditionAwaitSignalTimed() throws Exception {
        RwLock lock = FrayLock.forThisRun();
        Occupancy occ = new Occupancy(lock);
        Condition cond = lock.writeLock().newCondition();
        boolean[] ready = new boolean[1]; // guarded by the write lock
        Thread waiter = start("await", () -> {
            lock.lockWrite();
            occ.enter(Occupancy.WRITE);
            while (!ready[0]) {
                occ.exit(Occupancy.WRITE);
                cond.await();
                occ.enter(Occupancy.WRITE);
                requireOwner(lock);
            }
            occ.exit(Occupancy.WRITE);
            lock.unlockWrite();
        });
        Thread timed = start("await-nanos", () -> {
            lock.lockWrite();
            occ.enter(Occupancy.WRITE);
            long nanos = MICROSECONDS.toNanos(TIMEOUT_US);
            while (!ready[0] && nanos > 0) {
                occ.exit(Occupancy.WRITE);
                nanos = awaitNanos(cond, nanos);
                occ.enter(Occupancy.WRITE);
                requireOwner(lock);
            }
            occ.exit(Occupancy.WRITE);
            lock.unlockWrite();
        });
        lock.lockWrite();
        occ.enter(Occupancy.WRITE);
        ready[0] = true;
        cond.signal();
        cond.signal();
        occ.exit(Occupancy.WRITE);
        lock.unlockWrite();
        finish(lock, waiter, timed);
    }

    // ========================================================================== interrupts

    /**
     * Interrupts during every kind of acquisition wait: while the main thread holds the write
     * lock, threads wait in {@code lockReadInterruptibly}, {@code lockWriteInterruptibly},
     * {@code lockUpgradableInterruptibly} and {@code tryLockWrite(timeout)}; the main thread
     * interrupts each of them (before, during or after its wait, as Fray chooses) and then
     * unlocks. Each either gets the lock or throws {@code InterruptedException} leaving the lock
     * as if it had never asked.
     */
    static void interruptAcquisitions() throws Exception {
        RwLock lock = FrayLock.forThisRun();
        Occupancy occ = new Occupancy(lock);
        lock.lockWrite();
        occ.enter(Occupancy.WRITE);
        Thread r = start("read-interruptibly", () -> {
            try {
                lock.lockReadInterruptibly();
            } catch (InterruptedException e) {
                occ.checkWord();
                return;
            }
            occ.enter(Occupancy.READ);
            occ.exit(Occupancy.READ);
            lock.unlockRead();
        });
        Thread w = start("write-interruptibly", () -> {
            try {
                lock.lockWriteInterruptibly();
            } catch (InterruptedException e) {
                occ.checkWord();
                return;
            }
            occ.enter(Occupancy.WRITE);
            occ.exit(Occupancy.WRITE);
            lock.unlockWrite();
        });
        Thread u = start("upgradable-interruptibly", () -> {
            try {
                lock.lockUpgradableInterruptibly();
            } catch (InterruptedException e) {
                occ.checkWord();
                return;
            }
            occ.enter(Occupancy.UPGRADABLE);
            occ.exit(Occupancy.UPGRADABLE);
            lock.unlockUpgradable();
        });
        Thread t = start("timed-write", () -> {
            boolean got;
            try {
                got = lock.tryLockWrite(TIMEOUT_US, MICROSECONDS);
            } catch (InterruptedException e) {
                occ.checkWord();
                return;
            }
            if (got) {
                occ.enter(Occupancy.WRITE);
                occ.exit(Occupancy.WRITE);
                lock.unlockWrite();
            }
        });
        r.interrupt();
        w.interrupt();
        u.interrupt();
        t.interrupt();
        occ.exit(Occupancy.WRITE);
        lock.unlockWrite();
        finish(lock, r, w, u, t);
    }

    /**
     * Interrupts during the waits that happen while holding something: a timed
     * {@code tryUpgrade} waiting for a reader (on InterruptedException the thread must still hold
     * its upgradable lock), a timed {@code tryLockRead} behind that upgrade, and a condition
     * {@code await} (which must return holding the write lock even when interrupted).
     */
    static void interruptUpgradeAndAwait() throws Exception {
        RwLock lock = FrayLock.forThisRun();
        Occupancy occ = new Occupancy(lock);
        Condition cond = lock.writeLock().newCondition();
        boolean[] ready = new boolean[1]; // guarded by the write lock
        lock.lockRead();
        occ.enter(Occupancy.READ);
        Thread up = start("timed-upgrade", () -> {
            lock.lockUpgradable();
            occ.enter(Occupancy.UPGRADABLE);
            boolean got;
            try {
                got = lock.tryUpgrade(TIMEOUT_US, MICROSECONDS);
            } catch (InterruptedException e) {
                got = false;
            }
            if (got) {
                occ.change(Occupancy.UPGRADABLE, Occupancy.WRITE);
                occ.exit(Occupancy.WRITE);
                lock.unlockWrite();
            } else {
                occ.checkWord();
                occ.exit(Occupancy.UPGRADABLE);
                lock.unlockUpgradable();
            }
        });
        Thread reader = start("timed-read", () -> {
            boolean got;
            try {
                got = lock.tryLockRead(TIMEOUT_US, MICROSECONDS);
            } catch (InterruptedException e) {
                occ.checkWord();
                return;
            }
            if (got) {
                occ.enter(Occupancy.READ);
                occ.exit(Occupancy.READ);
                lock.unlockRead();
            }
        });
        Thread awaiter = start("await", () -> {
            lock.lockWrite();
            occ.enter(Occupancy.WRITE);
            try {
                while (!ready[0]) {
                    occ.exit(Occupancy.WRITE);
                    try {
                        cond.await();
                    } finally {
                        occ.enter(Occupancy.WRITE);
                        requireOwner(lock);
                    }
                }
            } catch (InterruptedException e) {
                occ.checkWord();
            }
            occ.exit(Occupancy.WRITE);
            lock.unlockWrite();
        });
        up.interrupt();
        reader.interrupt();
        awaiter.interrupt();
        occ.exit(Occupancy.READ);
        lock.unlockRead();
        lock.lockWrite();
        occ.enter(Occupancy.WRITE);
        ready[0] = true;
        cond.signal();
        occ.exit(Occupancy.WRITE);
        lock.unlockWrite();
        finish(lock, up, reader, awaiter);
    }

    // ============================================================================= helpers

    /**
     * {@code Condition.awaitNanos} through a method handle. Fray 0.9.2 rewrites every call site of
     * {@code Condition.await(long, TimeUnit)}, {@code awaitNanos} and {@code awaitUntil} in
     * application code into its model of AQS conditions, which then calls the condition's untimed
     * {@code await()} outside its scheduler: on lockword's write condition the waiter parks for
     * real, for ever, and the run hangs (lock-stress's README has the stack). Through a method
     * handle the call reaches lockword's {@code awaitNanos} unchanged, whose park Fray does control.
     */
    static long awaitNanos(Condition cond, long nanos) throws InterruptedException {
        try {
            return (long) AWAIT_NANOS.invokeExact(cond, nanos);
        } catch (InterruptedException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static final MethodHandle AWAIT_NANOS;

    static {
        try {
            AWAIT_NANOS = MethodHandles.publicLookup()
                    .findVirtual(Condition.class, "awaitNanos", MethodType.methodType(long.class, long.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A thread body that may throw; anything it throws fails the Fray run. */
    interface Body {
        void run() throws Exception;
    }

    static Thread start(String name, Body body) {
        Thread t = new Thread(
                () -> {
                    try {
                        body.run();
                    } catch (RuntimeException | Error e) {
                        throw e;
                    } catch (Exception e) {
                        throw new AssertionError(Thread.currentThread().getName() + ": unexpected " + e, e);
                    }
                },
                name);
        t.start();
        return t;
    }

    /**
     * Lets {@code waiter} get as far as parking for the readers to leave (WRITER_PARKED in the
     * word), or finish, before the caller goes on: the reader's release then races with the
     * waiter's park, timeout and give-back, which is where issue 465 lives. Only a precondition:
     * which of those steps the release meets is Fray's choice. (A writer spins before it parks;
     * without this, nearly every schedule releases the read lock during that spin.)
     */
    static void awaitWriterParked(RwLock lock, Thread waiter) throws InterruptedException {
        while (waiter.isAlive() && (lock.stateWord() & LockState.WRITER_PARKED) == 0) {
            Thread.yield();
        }
    }

    static void requireOwner(RwLock lock) {
        if (!lock.isWriteLockedByCurrentThread()) {
            throw new AssertionError(Thread.currentThread().getName()
                    + " returned from a condition wait without the write lock: " + lock
                    + ", word " + LockState.explain(lock.stateWord()));
        }
    }

    /**
     * Waits for every thread; each must end (one still parked when all others are done waits
     * for nothing: a lost wake-up, reported with the word); then the word must be 0 and the lock
     * must still be usable.
     */
    static void finish(RwLock lock, Thread... threads) throws InterruptedException {
        List<String> stuck = new ArrayList<>();
        for (Thread t : threads) {
            for (int i = 0; i < STUCK_POLLS && t.isAlive(); i++) {
                Thread.sleep(1);
            }
            if (t.isAlive()) {
                stuck.add(t.getName());
            } else {
                t.join();
            }
        }
        long word = lock.stateWord();
        if (!stuck.isEmpty()) {
            StringBuilder where = new StringBuilder();
            for (Thread t : threads) {
                if (t.isAlive()) {
                    where.append("\n  ").append(t.getName()).append(':');
                    for (StackTraceElement e : t.getStackTrace()) {
                        if (!e.getClassName().startsWith("org.pastalab.fray")) {
                            where.append("\n    at ").append(e);
                        }
                    }
                }
            }
            throw new AssertionError("threads " + stuck + " never returned from " + lock + "; word "
                    + LockState.explain(word) + ", nobody else holds it" + where);
        }
        if (word != 0) {
            throw new AssertionError("every thread is done but the word of " + lock + " is " + LockState.explain(word)
                    + " (expected 0x0000000000000000)");
        }
        if (!lock.tryLockWrite()) {
            throw new AssertionError(
                    "the free lock " + lock + " refused tryLockWrite(); word " + LockState.explain(lock.stateWord()));
        }
        lock.unlockWrite();
    }

    /**
     * Who holds the lock, counted with one atomic word beside it (readers in the low 20 bits,
     * upgradable holders in the next 20, writers above): each change is checked against mutual
     * exclusion, and the lock's word against its invariants.
     */
    static final class Occupancy {
        static final long READ = 1L;
        static final long UPGRADABLE = 1L << 20;
        static final long WRITE = 1L << 40;
        private static final long FIELD = (1L << 20) - 1;

        private final RwLock lock;
        private final AtomicLong holders = new AtomicLong();

        Occupancy(RwLock lock) {
            this.lock = lock;
        }

        void enter(long mode) {
            check(holders.addAndGet(mode), "entered");
        }

        void exit(long mode) {
            check(holders.addAndGet(-mode), "left");
        }

        /** Turns one hold into another in one step (upgrade, downgrades). */
        void change(long from, long to) {
            check(holders.addAndGet(to - from), "changed");
        }

        void checkWord() {
            long word = lock.stateWord();
            if (!LockState.isValid(word)) {
                throw new AssertionError(
                        Thread.currentThread().getName() + ": corrupt word " + LockState.explain(word) + " of " + lock);
            }
        }

        private void check(long h, String what) {
            long r = h & FIELD;
            long u = (h / UPGRADABLE) & FIELD;
            long w = (h / WRITE) & FIELD;
            if (w > 1 || u > 1 || (w == 1 && (r > 0 || u > 0))) {
                throw new AssertionError(Thread.currentThread().getName() + " " + what + ": "
                        + w + " writer(s), " + u + " upgradable, " + r + " reader(s) inside " + lock
                        + " at once; word " + LockState.explain(lock.stateWord()));
            }
            checkWord();
        }
    }
}
