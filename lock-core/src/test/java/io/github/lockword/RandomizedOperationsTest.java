// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Randomized multi-thread test: worker threads mix every operation of the lock (each acquisition
 * mode, plain / interruptible / try / timed with timeouts near zero, recursive reads, upgrades and
 * every downgrade, fair unlocks, the views, condition waits) on shared data, while an interrupter
 * thread interrupts them at random and a monitor samples the word. Checked throughout: mutual
 * exclusion (writers alone, at most one upgradable holder, no reader beside a writer), that readers
 * never see a half-finished write of plain fields, and that {@code LockState.violations(stateWord())}
 * stays empty; at the end every operation has run, the data adds up and the word is 0. Runs for
 * about two seconds per lock kind (default and fair); a stuck run fails with the threads' stacks.
 */
class RandomizedOperationsTest extends LockTestSupport {

    private static final long RUN_MILLIS = 2_000;
    private static final int WORKERS = 6;

    /** The operations; each is one case of {@link Worker#step}. */
    enum Op {
        READ,
        READ_INTERRUPTIBLY,
        TRY_READ,
        TIMED_READ,
        READ_THEN_RECURSIVE,
        READ_THEN_TIMED_RECURSIVE,
        WRITE,
        WRITE_INTERRUPTIBLY,
        TRY_WRITE,
        TIMED_WRITE,
        WRITE_UNLOCK_FAIR,
        UPGRADABLE,
        UPGRADABLE_INTERRUPTIBLY,
        TRY_UPGRADABLE,
        TIMED_UPGRADABLE,
        UPGRADABLE_UNLOCK_FAIR,
        UPGRADABLE_THEN_RECURSIVE_READ,
        UPGRADE,
        TRY_UPGRADE,
        TIMED_UPGRADE,
        DOWNGRADE,
        DOWNGRADE_TO_UPGRADABLE_AND_READ,
        DOWNGRADE_TO_UPGRADABLE_AND_UPGRADE,
        VIEW_READ,
        VIEW_TIMED_WRITE,
        CONDITION_WAIT
    }

    /** What is inside the lock right now, maintained by the threads inside it. */
    private final AtomicInteger readersIn = new AtomicInteger();

    private final AtomicInteger writersIn = new AtomicInteger();
    private final AtomicInteger upgradersIn = new AtomicInteger();
    /** Plain fields written only under the write lock; always equal outside a write. */
    private long dataA;

    private long dataB;

    private final AtomicLong writes = new AtomicLong();
    private final AtomicLongArray ran = new AtomicLongArray(Op.values().length);
    private final AtomicLongArray acquired = new AtomicLongArray(Op.values().length);
    private final AtomicLong interruptedExceptions = new AtomicLong();
    private final AtomicReference<String> badWord = new AtomicReference<>();

    private void checkWord(RwLock lock) {
        long s = lock.stateWord();
        if (!LockState.violations(s).isEmpty()) {
            badWord.compareAndSet(null, LockState.explain(s));
            throw new AssertionError("corrupt word " + LockState.explain(s));
        }
    }

    // --------------------------------------------------------------------- critical sections

    private void readSection() {
        readersIn.incrementAndGet();
        try {
            if (writersIn.get() != 0) {
                throw new AssertionError("a reader is inside with a writer");
            }
            long a = dataA;
            Thread.onSpinWait();
            long b = dataB;
            if (a != b) {
                throw new AssertionError("a reader saw a half-finished write: " + a + " != " + b);
            }
        } finally {
            readersIn.decrementAndGet();
        }
    }

    private void upgradableSection() {
        if (upgradersIn.incrementAndGet() != 1) {
            throw new AssertionError("two upgradable holders");
        }
        try {
            readSection();
        } finally {
            upgradersIn.decrementAndGet();
        }
    }

    private void writeSection(SplittableRandom rnd) {
        if (writersIn.incrementAndGet() != 1) {
            throw new AssertionError("two writers inside");
        }
        try {
            if (readersIn.get() != 0 || upgradersIn.get() != 0) {
                throw new AssertionError("a writer is inside with readers=" + readersIn + " upgradable=" + upgradersIn);
            }
            dataA++;
            if (rnd.nextInt(8) == 0) {
                Thread.yield();
            }
            dataB++;
            writes.incrementAndGet();
        } finally {
            writersIn.decrementAndGet();
        }
    }

    // ------------------------------------------------------------------------------ workers

    private final class Worker {
        private final RwLock lock;
        private final Condition condition;
        private final SplittableRandom rnd;

        Worker(RwLock lock, Condition condition, long seed) {
            this.lock = lock;
            this.condition = condition;
            this.rnd = new SplittableRandom(seed);
        }

        /** A timeout near zero: sometimes zero or negative, mostly a few microseconds. */
        private long tinyNanos() {
            int k = rnd.nextInt(10);
            return k == 0 ? 0 : k == 1 ? -1 : rnd.nextLong(50_000);
        }

        void run(long endNanos) {
            while (System.nanoTime() - endNanos < 0) {
                if (rnd.nextInt(4) == 0) {
                    Thread.interrupted(); // sometimes start clean, sometimes with a pending interrupt
                }
                Op op = Op.values()[rnd.nextInt(Op.values().length)];
                ran.incrementAndGet(op.ordinal());
                try {
                    if (step(op)) {
                        acquired.incrementAndGet(op.ordinal());
                    }
                } catch (InterruptedException e) {
                    interruptedExceptions.incrementAndGet();
                }
                checkWord(lock);
            }
            Thread.interrupted();
        }

        /** Runs one operation to completion (everything taken is released); returns whether it got in. */
        boolean step(Op op) throws InterruptedException {
            final long t = tinyNanos();
            switch (op) {
                case READ:
                    lock.lockRead();
                    return readAndUnlock();
                case READ_INTERRUPTIBLY:
                    lock.lockReadInterruptibly();
                    return readAndUnlock();
                case TRY_READ:
                    return lock.tryLockRead() && readAndUnlock();
                case TIMED_READ:
                    return lock.tryLockRead(t, NANOSECONDS) && readAndUnlock();
                case READ_THEN_RECURSIVE:
                    lock.lockRead();
                    lock.lockReadRecursive();
                    readSection();
                    lock.unlockRead();
                    return readAndUnlock();
                case READ_THEN_TIMED_RECURSIVE:
                    lock.lockRead();
                    try {
                        if (lock.tryLockReadRecursive(t, NANOSECONDS)) {
                            readSection();
                            lock.unlockRead();
                        }
                    } finally {
                        readAndUnlock();
                    }
                    return true;
                case WRITE:
                    lock.lockWrite();
                    return writeAndUnlock(false);
                case WRITE_INTERRUPTIBLY:
                    lock.lockWriteInterruptibly();
                    return writeAndUnlock(false);
                case TRY_WRITE:
                    return lock.tryLockWrite() && writeAndUnlock(false);
                case TIMED_WRITE:
                    return lock.tryLockWrite(t, NANOSECONDS) && writeAndUnlock(false);
                case WRITE_UNLOCK_FAIR:
                    lock.lockWrite();
                    return writeAndUnlock(true);
                case UPGRADABLE:
                    lock.lockUpgradable();
                    return upgradableAndUnlock(false);
                case UPGRADABLE_INTERRUPTIBLY:
                    lock.lockUpgradableInterruptibly();
                    return upgradableAndUnlock(false);
                case TRY_UPGRADABLE:
                    return lock.tryLockUpgradable() && upgradableAndUnlock(false);
                case TIMED_UPGRADABLE:
                    return lock.tryLockUpgradable(t, NANOSECONDS) && upgradableAndUnlock(false);
                case UPGRADABLE_UNLOCK_FAIR:
                    lock.lockUpgradable();
                    return upgradableAndUnlock(true);
                case UPGRADABLE_THEN_RECURSIVE_READ:
                    lock.lockUpgradable();
                    lock.lockReadRecursive();
                    readSection();
                    lock.unlockRead();
                    return upgradableAndUnlock(false);
                case UPGRADE:
                    lock.lockUpgradable();
                    upgradableSection();
                    lock.upgrade();
                    return writeAndUnlock(false);
                case TRY_UPGRADE:
                    lock.lockUpgradable();
                    upgradableSection();
                    if (lock.tryUpgrade()) {
                        return writeAndUnlock(false);
                    }
                    upgradableAndUnlock(false);
                    return false;
                case TIMED_UPGRADE:
                    lock.lockUpgradable();
                    upgradableSection();
                    boolean upgraded;
                    try {
                        upgraded = lock.tryUpgrade(t, NANOSECONDS);
                    } catch (InterruptedException e) {
                        upgradableAndUnlock(false); // still ours after an interrupted upgrade
                        throw e;
                    }
                    if (upgraded) {
                        return writeAndUnlock(false);
                    }
                    upgradableAndUnlock(false);
                    return false;
                case DOWNGRADE:
                    lock.lockWrite();
                    writeSection(rnd);
                    lock.downgrade();
                    return readAndUnlock();
                case DOWNGRADE_TO_UPGRADABLE_AND_READ:
                    lock.lockWrite();
                    writeSection(rnd);
                    lock.downgradeToUpgradable();
                    upgradableSection();
                    lock.downgradeUpgradable();
                    return readAndUnlock();
                case DOWNGRADE_TO_UPGRADABLE_AND_UPGRADE:
                    lock.lockWrite();
                    writeSection(rnd);
                    lock.downgradeToUpgradable();
                    upgradableSection();
                    lock.upgrade();
                    return writeAndUnlock(false);
                case VIEW_READ:
                    if (rnd.nextBoolean()) {
                        lock.readLock().lock();
                    } else if (!lock.readLock().tryLock(t, NANOSECONDS)) {
                        return false;
                    }
                    readSection();
                    lock.readLock().unlock();
                    return true;
                case VIEW_TIMED_WRITE:
                    if (!lock.writeLock().tryLock(t, NANOSECONDS)) {
                        return false;
                    }
                    writeSection(rnd);
                    lock.writeLock().unlock();
                    return true;
                case CONDITION_WAIT:
                    lock.lockWrite();
                    try {
                        writeSection(rnd);
                        if (rnd.nextBoolean()) {
                            condition.signalAll();
                        } else {
                            condition.signal();
                        }
                        condition.awaitNanos(Math.max(0, t)); // releases and re-acquires the write lock
                        if (!lock.isWriteLockedByCurrentThread()) {
                            throw new AssertionError("await returned without the write lock");
                        }
                        writeSection(rnd);
                    } finally {
                        lock.unlockWrite(); // also after an InterruptedException: await re-acquired it
                    }
                    return true;
                default:
                    throw new AssertionError(op);
            }
        }

        private boolean readAndUnlock() {
            try {
                readSection();
            } finally {
                lock.unlockRead();
            }
            return true;
        }

        private boolean upgradableAndUnlock(boolean fair) {
            try {
                upgradableSection();
            } finally {
                if (fair) {
                    lock.unlockUpgradableFair();
                } else {
                    lock.unlockUpgradable();
                }
            }
            return true;
        }

        private boolean writeAndUnlock(boolean fair) {
            try {
                if (!lock.isWriteLockedByCurrentThread()) {
                    throw new AssertionError("holding the write lock but not its owner: " + lock);
                }
                writeSection(rnd);
            } finally {
                if (fair) {
                    lock.unlockWriteFair();
                } else {
                    lock.unlockWrite();
                }
            }
            return true;
        }
    }

    // ---------------------------------------------------------------------------------- the test

    @ParameterizedTest(name = "fair={0}")
    @ValueSource(booleans = {false, true})
    void everyOperationMixedAcrossThreadsKeepsExclusionAndAValidWord(boolean fair) throws InterruptedException {
        RwLock lock = new RwLock(fair);
        Condition condition = lock.writeLock().newCondition();
        long seed = System.nanoTime();
        long end = System.nanoTime() + MILLISECONDS.toNanos(RUN_MILLIS);
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            Worker w = new Worker(lock, condition, seed + i);
            workers.add(newStartedThread("worker-" + i, () -> w.run(end)));
        }
        Thread monitor = newStartedThread("word-monitor", () -> {
            while (System.nanoTime() - end < 0) {
                checkWord(lock);
                Thread.yield();
            }
        });
        Thread interrupter = newStartedThread("interrupter", () -> {
            SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
            while (System.nanoTime() - end < 0) {
                workers.get(rnd.nextInt(workers.size())).interrupt();
                Thread.sleep(0, 200_000 + rnd.nextInt(800_000));
            }
        });

        long joinDeadline = end + MILLISECONDS.toNanos(LONG_DELAY_MS);
        for (Thread t : workers) {
            t.join(Math.max(1, NANOSECONDS.toMillis(joinDeadline - System.nanoTime())));
        }
        awaitTermination(interrupter);
        awaitTermination(monitor);
        List<String> stuck = new ArrayList<>();
        for (Thread t : workers) {
            if (t.isAlive()) {
                stuck.add(stackOf(t));
            }
        }
        if (!stuck.isEmpty()) {
            // Fail with the picture; the end-of-test check interrupts what is still running.
            String picture = "seed=" + seed + " fair=" + fair + " " + lock + " " + LockState.explain(lock.stateWord())
                    + " queue=" + lock.getQueueLength() + "\n" + String.join("\n", stuck);
            fail("workers stuck after " + RUN_MILLIS + " ms + " + LONG_DELAY_MS + " ms: " + picture);
        }

        assertNull(badWord.get(), "seed " + seed);
        assertWord(0, lock);
        assertEquals(0, lock.getQueueLength());
        assertEquals(writes.get(), dataA);
        assertEquals(dataA, dataB);
        StringBuilder stats = new StringBuilder();
        for (Op op : Op.values()) {
            assertTrue(ran.get(op.ordinal()) > 0, "never ran " + op + " (seed " + seed + ")");
            stats.append(op)
                    .append('=')
                    .append(acquired.get(op.ordinal()))
                    .append('/')
                    .append(ran.get(op.ordinal()))
                    .append(' ');
        }
        assertTrue(
                writes.get() > 0 && interruptedExceptions.get() > 0,
                () -> "writes=" + writes + " interrupted=" + interruptedExceptions + " " + stats);
        System.out.println("RandomizedOperationsTest fair=" + fair + " seed=" + seed + " writes=" + writes
                + " InterruptedExceptions=" + interruptedExceptions + " acquired/ran: " + stats);
    }
}
