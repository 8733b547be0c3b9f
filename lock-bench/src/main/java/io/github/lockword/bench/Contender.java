// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.bench;

import io.github.lockword.RwLock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One lock under test, driven through whole critical sections: {@link #read(long)} acquires for
 * reading, burns {@code tokens} of {@link Blackhole#consumeCPU(long)} and releases; {@link
 * #write(long)} does the same exclusively.
 *
 * <p>Whole sections rather than separate lock/unlock calls because {@code synchronized} and an
 * optimistic {@link StampedLock} read cannot be split into two methods. Each JMH fork creates a
 * single contender, so only one subclass is ever loaded and the virtual call inlines
 * monomorphically: every contender pays the same (zero) dispatch cost, the floor included.
 *
 * <p>Contender names are the values of the benchmarks' {@code contender} parameter; {@link
 * #NAMES} lists them all and {@link #create(String)} makes one.
 */
public abstract class Contender {

    /** Every contender name, in the order the report shows them. */
    public static final List<String> NAMES = List.of(
            "rwlock",
            "rwlock-fair",
            "rwlock-views",
            "rwlock-biased",
            "rrwl",
            "rrwl-fair",
            "stamped-rw",
            "stamped",
            "stamped-opt",
            "reentrant",
            "synchronized",
            "floor",
            "floor-atomic");

    private final String name;

    Contender(String name) {
        this.name = name;
    }

    /** Creates the contender called {@code name} (one of {@link #NAMES}). */
    public static Contender create(String name) {
        switch (name) {
            case "rwlock":
                return new RwLockDirect(name, new RwLock());
            case "rwlock-fair":
                return new RwLockDirect(name, new RwLock(true));
            case "rwlock-views":
                return new RwLockViews(name, new RwLock());
            case "rwlock-biased":
                return new RwLockDirect(name, biased());
            case "rrwl":
                return new ViewPair(name, new ReentrantReadWriteLock());
            case "rrwl-fair":
                return new ViewPair(name, new ReentrantReadWriteLock(true));
            case "stamped-rw":
                return new StampedViews(name, new StampedLock());
            case "stamped":
                return new Stamped(name, new StampedLock());
            case "stamped-opt":
                return new StampedOptimistic(name, new StampedLock());
            case "reentrant":
                return new Mutex(name, new ReentrantLock());
            case "synchronized":
                return new Monitor(name);
            case "floor":
                return new Floor(name);
            case "floor-atomic":
                return new FloorAtomic(name);
            default:
                throw new IllegalArgumentException("unknown contender '" + name + "', known: " + NAMES);
        }
    }

    /**
     * The read-biased lock (BRAVO, {@code RwLock.builder().readBiased(true)}) without hold tracking,
     * so that what it adds over {@code rwlock} is the bias alone.
     */
    static RwLock biased() {
        return RwLock.builder().readBiased(true).trackHolds(false).build();
    }

    /** Burns {@code tokens} of CPU time; zero tokens costs one predictable branch. */
    static void work(long tokens) {
        if (tokens > 0) {
            Blackhole.consumeCPU(tokens);
        }
    }

    /** The name this contender was created with. */
    public final String name() {
        return name;
    }

    /** The lock object itself, for footprint measurement. */
    public abstract Object lock();

    /** One shared critical section of {@code tokens} work. */
    public abstract void read(long tokens);

    /** One exclusive critical section of {@code tokens} work. */
    public abstract void write(long tokens);

    /**
     * One exclusive critical section of {@code tokens} work, if the write lock can be had within
     * {@code timeoutNanos}.
     *
     * @return whether the lock was acquired (and the section run)
     * @throws UnsupportedOperationException if this contender has no timed acquisition
     */
    public boolean tryWrite(long tokens, long timeoutNanos) throws InterruptedException {
        throw new UnsupportedOperationException(name + " has no timed write acquisition");
    }

    @Override
    public String toString() {
        return name;
    }

    /** lockword through its own methods. */
    static final class RwLockDirect extends Contender {
        private final RwLock lock;

        RwLockDirect(String name, RwLock lock) {
            super(name);
            this.lock = lock;
        }

        @Override
        public Object lock() {
            return lock;
        }

        @Override
        public void read(long tokens) {
            lock.lockRead();
            try {
                work(tokens);
            } finally {
                lock.unlockRead();
            }
        }

        @Override
        public void write(long tokens) {
            lock.lockWrite();
            try {
                work(tokens);
            } finally {
                lock.unlockWrite();
            }
        }

        @Override
        public boolean tryWrite(long tokens, long timeoutNanos) throws InterruptedException {
            if (!lock.tryLockWrite(timeoutNanos, TimeUnit.NANOSECONDS)) {
                return false;
            }
            try {
                work(tokens);
            } finally {
                lock.unlockWrite();
            }
            return true;
        }
    }

    /** Any {@code ReadWriteLock}-style pair of {@link Lock} views, the way drop-in users call them. */
    static class ViewPair extends Contender {
        private final Object owner;
        private final Lock readLock;
        private final Lock writeLock;

        ViewPair(String name, ReadWriteLock rw) {
            this(name, rw, rw.readLock(), rw.writeLock());
        }

        ViewPair(String name, Object owner, Lock readLock, Lock writeLock) {
            super(name);
            this.owner = owner;
            this.readLock = readLock;
            this.writeLock = writeLock;
        }

        @Override
        public Object lock() {
            return owner;
        }

        @Override
        public void read(long tokens) {
            readLock.lock();
            try {
                work(tokens);
            } finally {
                readLock.unlock();
            }
        }

        @Override
        public void write(long tokens) {
            writeLock.lock();
            try {
                work(tokens);
            } finally {
                writeLock.unlock();
            }
        }

        @Override
        public boolean tryWrite(long tokens, long timeoutNanos) throws InterruptedException {
            if (!writeLock.tryLock(timeoutNanos, TimeUnit.NANOSECONDS)) {
                return false;
            }
            try {
                work(tokens);
            } finally {
                writeLock.unlock();
            }
            return true;
        }
    }

    /** lockword through its {@code ReadWriteLock} views. */
    static final class RwLockViews extends ViewPair {
        RwLockViews(String name, RwLock lock) {
            super(name, lock);
        }
    }

    /** {@link StampedLock#asReadWriteLock()}: what a {@code ReadWriteLock} user would swap in. */
    static final class StampedViews extends ViewPair {
        StampedViews(String name, StampedLock lock) {
            super(
                    name,
                    lock,
                    lock.asReadWriteLock().readLock(),
                    lock.asReadWriteLock().writeLock());
        }
    }

    /** {@link StampedLock} through its stamps. */
    static class Stamped extends Contender {
        final StampedLock lock;

        Stamped(String name, StampedLock lock) {
            super(name);
            this.lock = lock;
        }

        @Override
        public Object lock() {
            return lock;
        }

        @Override
        public void read(long tokens) {
            long stamp = lock.readLock();
            try {
                work(tokens);
            } finally {
                lock.unlockRead(stamp);
            }
        }

        @Override
        public final void write(long tokens) {
            long stamp = lock.writeLock();
            try {
                work(tokens);
            } finally {
                lock.unlockWrite(stamp);
            }
        }

        @Override
        public final boolean tryWrite(long tokens, long timeoutNanos) throws InterruptedException {
            long stamp = lock.tryWriteLock(timeoutNanos, TimeUnit.NANOSECONDS);
            if (stamp == 0L) {
                return false;
            }
            try {
                work(tokens);
            } finally {
                lock.unlockWrite(stamp);
            }
            return true;
        }
    }

    /**
     * {@link StampedLock}'s optimistic read, a reference point rather than a lock: the section
     * runs without acquiring anything and is repeated under a real read lock when a writer
     * intervened. Only valid for readers that tolerate inconsistent reads.
     */
    static final class StampedOptimistic extends Stamped {
        StampedOptimistic(String name, StampedLock lock) {
            super(name, lock);
        }

        @Override
        public void read(long tokens) {
            long stamp = lock.tryOptimisticRead();
            work(tokens);
            if (!lock.validate(stamp)) {
                stamp = lock.readLock();
                try {
                    work(tokens);
                } finally {
                    lock.unlockRead(stamp);
                }
            }
        }
    }

    /** A mutex baseline: readers exclude each other too. */
    static final class Mutex extends Contender {
        private final ReentrantLock lock;

        Mutex(String name, ReentrantLock lock) {
            super(name);
            this.lock = lock;
        }

        @Override
        public Object lock() {
            return lock;
        }

        @Override
        public void read(long tokens) {
            write(tokens);
        }

        @Override
        public void write(long tokens) {
            lock.lock();
            try {
                work(tokens);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public boolean tryWrite(long tokens, long timeoutNanos) throws InterruptedException {
            if (!lock.tryLock(timeoutNanos, TimeUnit.NANOSECONDS)) {
                return false;
            }
            try {
                work(tokens);
            } finally {
                lock.unlock();
            }
            return true;
        }
    }

    /** The built-in monitor of a plain object; it has no timed acquisition. */
    static final class Monitor extends Contender {
        private final Object monitor = new Object();

        Monitor(String name) {
            super(name);
        }

        @Override
        public Object lock() {
            return monitor;
        }

        @Override
        public void read(long tokens) {
            write(tokens);
        }

        @Override
        public void write(long tokens) {
            synchronized (monitor) {
                work(tokens);
            }
        }
    }

    /**
     * The floor: the fewest atomic operations on one 64-bit word that a reader-writer lock's
     * uncontended acquire + release can do, on a {@code VarHandle} word. A read is a volatile load
     * and one CAS to add a reader, then one atomic add to remove it; a write is one CAS 0 -> WRITER
     * and one CAS WRITER -> 0. Readers still respect a writer, so critical sections stay exclusive
     * and contended numbers are those of a real (spinning, unfair) lock: a waiter spins with
     * {@link Thread#onSpinWait()} and never parks, so it is a floor for the read-mostly cases and
     * no model for queueing.
     */
    static final class Floor extends Contender {
        private static final long WRITER = 1L << 3;
        private static final long ONE_READER = 1L << 4;
        private static final VarHandle WORD;

        static {
            try {
                WORD = MethodHandles.lookup().findVarHandle(Floor.class, "word", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        @SuppressWarnings("unused") // accessed through WORD
        private volatile long word;

        Floor(String name) {
            super(name);
        }

        @Override
        public Object lock() {
            return this;
        }

        @Override
        public void read(long tokens) {
            for (; ; ) {
                final long word = (long) WORD.getVolatile(this);
                if ((word & WRITER) == 0 && WORD.compareAndSet(this, word, word + ONE_READER)) {
                    break;
                }
                Thread.onSpinWait();
            }
            try {
                work(tokens);
            } finally {
                WORD.getAndAdd(this, -ONE_READER);
            }
        }

        @Override
        public void write(long tokens) {
            while (!WORD.compareAndSet(this, 0L, WRITER)) {
                Thread.onSpinWait();
            }
            try {
                work(tokens);
            } finally {
                WORD.compareAndSet(this, WRITER, 0L);
            }
        }

        @Override
        public boolean tryWrite(long tokens, long timeoutNanos) {
            if (!WORD.compareAndSet(this, 0L, WRITER)) {
                final long deadline = System.nanoTime() + timeoutNanos;
                do {
                    if (System.nanoTime() - deadline >= 0) {
                        return false;
                    }
                    Thread.onSpinWait();
                } while (!WORD.compareAndSet(this, 0L, WRITER));
            }
            try {
                work(tokens);
            } finally {
                WORD.compareAndSet(this, WRITER, 0L);
            }
            return true;
        }
    }

    /** {@link Floor} on an {@link AtomicLong}: the same operations behind one more pointer. */
    static final class FloorAtomic extends Contender {
        private static final long WRITER = 1L << 3;
        private static final long ONE_READER = 1L << 4;
        private final AtomicLong word = new AtomicLong();

        FloorAtomic(String name) {
            super(name);
        }

        @Override
        public Object lock() {
            return word;
        }

        @Override
        public void read(long tokens) {
            for (; ; ) {
                final long w = word.get();
                if ((w & WRITER) == 0 && word.compareAndSet(w, w + ONE_READER)) {
                    break;
                }
                Thread.onSpinWait();
            }
            try {
                work(tokens);
            } finally {
                word.getAndAdd(-ONE_READER);
            }
        }

        @Override
        public void write(long tokens) {
            while (!word.compareAndSet(0L, WRITER)) {
                Thread.onSpinWait();
            }
            try {
                work(tokens);
            } finally {
                word.compareAndSet(WRITER, 0L);
            }
        }
    }
}
