// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import io.github.lockword.seam.FaultSeam;
import io.github.lockword.seam.SeamPoint;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The global parking lot: the only place where lockword threads sleep. A port of the contract of
 * parking_lot_core (not of its memory layout).
 *
 * <p>A fixed table of buckets is indexed by a hash of (lock identity, key). Each bucket has a tiny
 * spin lock, held only for a few field writes and the callbacks below (never across a park), and a
 * FIFO of {@link Waiter}s. Several (lock, key) queues may share a bucket; every walk filters by both.
 *
 * <p>Contract (DESIGN.md section 2):
 * <ol>
 *   <li>{@link #park}: under the bucket lock run {@code validate}; false returns {@link #INVALID}.
 *       Otherwise enqueue, unlock, run {@code beforeSleep}, and sleep in a loop on the waiter's own
 *       flag. After a timeout or an interrupt, re-lock the bucket: a waiter already dequeued by an
 *       unparker returns that unparker's token even though time ran out; otherwise it removes itself,
 *       runs {@code timedOut(wasLastThreadOnKey)} UNDER THE BUCKET LOCK, and returns
 *       {@link #TIMED_OUT} or {@link #INTERRUPTED}.</li>
 *   <li>{@link #unparkOne}: under the bucket lock dequeue the first waiter of the key and call the
 *       callback, even when nobody was found; publish the token and wake the thread after
 *       unlocking.</li>
 *   <li>{@link #unparkFilter}: walk the key's waiters in order asking the filter; the callback runs
 *       under the bucket lock before anyone wakes.</li>
 * </ol>
 */
final class ParkingLot {

    /* Results of park(): a non-negative value is UNPARKED carrying that unpark token. */
    static final long INVALID = -1;
    static final long TIMED_OUT = -2;
    static final long INTERRUPTED = -3;

    /** Unpark token: the waiter was woken and must try again. */
    static final long TOKEN_NORMAL = 0;
    /** Unpark token: the unlocker wrote the waiter's share into the word; the waiter owns the lock. */
    static final long TOKEN_HANDOFF = 1;

    /* Filter decisions for unparkFilter. */
    static final int UNPARK = 0;
    static final int SKIP = 1;
    static final int STOP = 2;

    /** Callbacks of one park. Implementations run under the bucket lock: they must not park or block. */
    interface ParkCallbacks {
        /** Under the bucket lock, before enqueueing: false aborts the park with {@link #INVALID}. */
        boolean validate();

        /** After enqueueing and unlocking the bucket, before the first sleep. */
        default void beforeSleep() {}

        /** Under the bucket lock, after the waiter removed itself on timeout or interrupt. */
        default void timedOut(boolean wasLastThreadOnKey) {}
    }

    /** Decides, under the bucket lock, what to do with each waiter of the key in turn. */
    interface UnparkFilter {
        /** {@link #UNPARK}, {@link #SKIP} or {@link #STOP} for a waiter with that park token. */
        int decide(long parkToken);
    }

    /** Runs under the bucket lock after the waiters to wake were chosen; returns the unpark token. */
    interface UnparkCallback {
        long onUnpark(int unparkedThreads, boolean haveMoreThreads, boolean beFair);
    }

    /** A thread parked on (lock, key). Fields other than the flag are guarded by the bucket lock. */
    static final class Waiter {
        final Thread thread;
        final Object lock;
        final int key;
        final long parkToken;
        final long parkedAtNanos;
        Waiter next;
        /** Set under the bucket lock when an unparker removed this waiter from its queue. */
        boolean dequeued;
        /** unparkFilter's choice between its two passes; false outside the bucket lock. */
        boolean chosen;
        /** Written by the unparker before {@link #unparked}; read by the waiter after it. */
        long unparkToken;
        /** The waiter's own flag: it sleeps until this is true (or its time runs out). */
        volatile boolean unparked;

        Waiter(Thread thread, Object lock, int key, long parkToken) {
            this.thread = thread;
            this.lock = lock;
            this.key = key;
            this.parkToken = parkToken;
            this.parkedAtNanos = System.nanoTime();
        }
    }

    /** What {@link #snapshot} reports of one parked thread. */
    static final class Parked {
        final Thread thread;
        final int key;
        final long parkToken;
        final long parkedAtNanos;

        Parked(Waiter w) {
            this.thread = w.thread;
            this.key = w.key;
            this.parkToken = w.parkToken;
            this.parkedAtNanos = w.parkedAtNanos;
        }
    }

    /** One slot of the table: a spin lock, a FIFO of waiters and the eventual-fairness timer. */
    static final class Bucket {
        private static final VarHandle LOCKED;

        static {
            try {
                LOCKED = MethodHandles.lookup().findVarHandle(Bucket.class, "locked", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        @SuppressWarnings("unused") // accessed through LOCKED
        private volatile int locked;

        Waiter head;
        Waiter tail;
        /**
         * System.nanoTime() after which the next unpark is fair; guarded by the bucket lock. Starts at
         * the bucket's creation, not at 0: nanoTime may be negative, and only differences of
         * nanoTime values are meaningful.
         */
        long fairAtNanos;

        Bucket(long nowNanos) {
            this.fairAtNanos = nowNanos;
        }

        void lock() {
            if (!LOCKED.compareAndSet(this, 0, 1)) {
                lockSlow();
            }
        }

        private void lockSlow() {
            for (int spins = 0; ; spins++) {
                if (locked == 0 && LOCKED.compareAndSet(this, 0, 1)) {
                    return;
                }
                // Held only for a few writes: spin briefly, then give the holder the core.
                if (spins < 64) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }

        void unlock() {
            // Release is enough: everything written in the critical section happens-before the
            // next holder's successful (volatile) compareAndSet.
            LOCKED.setRelease(this, 0);
        }

        void enqueue(Waiter w) {
            if (tail == null) {
                head = w;
            } else {
                tail.next = w;
            }
            tail = w;
        }

        /** Unlinks {@code w}, whose predecessor is {@code prev} (null when it is the head). */
        void unlink(Waiter prev, Waiter w) {
            Waiter next = w.next;
            if (prev == null) {
                head = next;
            } else {
                prev.next = next;
            }
            if (tail == w) {
                tail = prev;
            }
            w.next = null;
        }

        boolean hasWaiter(Object lock, int key) {
            for (Waiter w = head; w != null; w = w.next) {
                if (w.lock == lock && w.key == key) {
                    return true;
                }
            }
            return false;
        }

        /** Eventual fairness: true about once every 0.5 ms, at a uniformly random point. */
        boolean beFair() {
            return beFair(System.nanoTime());
        }

        boolean beFair(long now) {
            if (now - fairAtNanos >= 0) {
                fairAtNanos = now + ThreadLocalRandom.current().nextLong(1_000_000L);
                return true;
            }
            return false;
        }
    }

    private static final int TABLE_BITS = 10;
    private static final Bucket[] TABLE = new Bucket[1 << TABLE_BITS];

    static {
        long now = System.nanoTime();
        for (int i = 0; i < TABLE.length; i++) {
            TABLE[i] = new Bucket(now);
        }
        // JDK-8074773: load LockSupport before anything can park, so no class loading happens
        // between "I am enqueued" and park().
        Class<?> ensureLoaded = LockSupport.class;
        if (ensureLoaded == null) {
            throw new AssertionError();
        }
    }

    private ParkingLot() {}

    static Bucket bucket(Object lock, int key) {
        int h = System.identityHashCode(lock) * 0x9E3779B9 + key * 0x85EBCA6B;
        return TABLE[(h ^ (h >>> 16)) & (TABLE.length - 1)];
    }

    /**
     * Parks the current thread on (lock, key) with {@code lock} as the blocker.
     *
     * @param timed         whether {@code deadlineNanos} applies; untimed parks only end by an unpark
     *                      (or an interrupt when {@code interruptible})
     * @param interruptible whether an interrupt ends the park with {@link #INTERRUPTED} (the flag is
     *                      then cleared); otherwise interrupts are absorbed and re-asserted on return
     * @return the unpark token (&gt;= 0), or {@link #INVALID}, {@link #TIMED_OUT}, {@link #INTERRUPTED}
     */
    static long park(
            Object lock,
            int key,
            ParkCallbacks callbacks,
            long parkToken,
            boolean timed,
            long deadlineNanos,
            boolean interruptible,
            FaultSeam seam) {
        Bucket bucket = bucket(lock, key);
        Waiter me = new Waiter(Thread.currentThread(), lock, key, parkToken);
        bucket.lock();
        boolean valid;
        try {
            valid = callbacks.validate();
            if (valid) {
                bucket.enqueue(me);
            }
        } finally {
            bucket.unlock();
        }
        if (!valid) {
            return INVALID;
        }
        try {
            callbacks.beforeSleep();
        } catch (Throwable t) {
            // Never leave an orphan in the queue: it would swallow the next unpark and keep the
            // thread and the lock reachable. Leave as a timed-out waiter does (its callback runs
            // under the bucket lock); if an unparker already took us, its token is ours and is lost
            // with the throw, which only a broken lock can cause (see WriteCondition).
            leaveQueue(bucket, me, callbacks, TIMED_OUT);
            throw t;
        }
        if (seam != null) {
            seam.pause(SeamPoint.PARKED, lock);
        }

        boolean absorbedInterrupt = false;
        boolean interrupted = false;
        boolean timedOut = false;
        while (!me.unparked) {
            if (seam != null) {
                if (seam.interruptBeforePark(lock)) {
                    Thread.currentThread().interrupt();
                }
                if (timed && seam.expireDeadlineNow(lock)) {
                    timedOut = true;
                    break;
                }
            }
            if (Thread.interrupted()) {
                if (interruptible) {
                    interrupted = true;
                    break;
                }
                absorbedInterrupt = true;
            }
            if (seam != null && seam.spuriousWakeup(lock)) {
                continue; // as if park() had returned for no reason
            }
            if (timed) {
                long remaining = deadlineNanos - System.nanoTime();
                if (remaining <= 0) {
                    timedOut = true;
                    break;
                }
                LockSupport.parkNanos(lock, remaining);
            } else {
                LockSupport.park(lock);
            }
        }

        long result;
        if (timedOut || interrupted) {
            result = leaveQueue(bucket, me, callbacks, timedOut ? TIMED_OUT : INTERRUPTED);
            if (result >= 0 && interrupted) {
                // An unparker won the race with our interrupt: we return owning what it gave us,
                // and the interrupt stays visible to the caller.
                absorbedInterrupt = true;
            }
        } else {
            result = me.unparkToken;
        }
        if (absorbedInterrupt) {
            Thread.currentThread().interrupt();
        }
        return result;
    }

    /** After a timeout or interrupt: remove ourselves under the bucket lock, or take the unparker's token. */
    private static long leaveQueue(Bucket bucket, Waiter me, ParkCallbacks callbacks, long outcome) {
        bucket.lock();
        boolean dequeued;
        try {
            dequeued = me.dequeued;
            if (!dequeued) {
                Waiter prev = null;
                for (Waiter w = bucket.head; w != me; w = w.next) {
                    prev = w;
                }
                bucket.unlink(prev, me);
                callbacks.timedOut(!bucket.hasWaiter(me.lock, me.key));
            }
        } finally {
            bucket.unlock();
        }
        if (!dequeued) {
            return outcome;
        }
        // An unparker chose us before our time ran out and is about to publish its token: wait for
        // it (uninterruptibly: what it hands us may be the lock itself).
        boolean absorbed = false;
        while (!me.unparked) {
            LockSupport.park(me.lock);
            if (Thread.interrupted()) {
                absorbed = true;
            }
        }
        if (absorbed) {
            Thread.currentThread().interrupt();
        }
        return me.unparkToken;
    }

    /**
     * Wakes the first waiter of (lock, key). The callback runs under the bucket lock even when no
     * waiter was found. The queue changes only after the callback returned: if it throws, no waiter
     * was taken and the exception propagates.
     */
    static void unparkOne(Object lock, int key, UnparkCallback callback, FaultSeam seam) {
        Bucket bucket = bucket(lock, key);
        Waiter found = null;
        long token;
        bucket.lock();
        try {
            Waiter prev = null;
            for (Waiter w = bucket.head; w != null; prev = w, w = w.next) {
                if (w.lock == lock && w.key == key) {
                    found = w;
                    break;
                }
            }
            boolean more = found != null && hasWaiterAfter(found, lock, key);
            boolean fair = found != null && bucket.beFair();
            if (found != null && seam != null) {
                fair = seam.fairUnpark(lock, fair);
            }
            token = callback.onUnpark(found == null ? 0 : 1, more, fair);
            if (found != null) {
                bucket.unlink(prev, found);
                found.dequeued = true;
            }
        } finally {
            bucket.unlock();
        }
        if (found != null) {
            deliver(found, token, seam);
        }
    }

    private static boolean hasWaiterAfter(Waiter w, Object lock, int key) {
        for (Waiter n = w.next; n != null; n = n.next) {
            if (n.lock == lock && n.key == key) {
                return true;
            }
        }
        return false;
    }

    /**
     * Walks the waiters of (lock, key) in FIFO order asking {@code filter}; wakes those it chose with
     * the token returned by {@code callback}, which runs under the bucket lock before anyone wakes.
     * The queue changes only after the callback returned: if the filter or the callback throws, no
     * waiter was taken and the exception propagates.
     */
    static void unparkFilter(Object lock, int key, UnparkFilter filter, UnparkCallback callback, FaultSeam seam) {
        Bucket bucket = bucket(lock, key);
        Waiter chosenHead = null;
        int count = 0;
        long token;
        bucket.lock();
        try {
            // Pass 1: choose, without touching the queue.
            int matching = 0;
            boolean stopped = false;
            for (Waiter w = bucket.head; w != null; w = w.next) {
                if (w.lock != lock || w.key != key) {
                    continue;
                }
                matching++;
                if (stopped) {
                    continue;
                }
                int op;
                try {
                    op = filter.decide(w.parkToken);
                } catch (RuntimeException | Error e) {
                    clearChosen(bucket);
                    throw e;
                }
                if (op == STOP) {
                    stopped = true;
                } else if (op == UNPARK) {
                    w.chosen = true;
                    count++;
                }
            }
            boolean fair = count > 0 && bucket.beFair();
            if (count > 0 && seam != null) {
                fair = seam.fairUnpark(lock, fair);
            }
            try {
                token = callback.onUnpark(count, matching > count, fair);
            } catch (RuntimeException | Error e) {
                clearChosen(bucket);
                throw e;
            }
            // Pass 2: take the chosen waiters out, in order, onto a private list.
            Waiter chosenTail = null;
            Waiter prev = null;
            Waiter w = bucket.head;
            while (w != null && count > 0) {
                Waiter next = w.next;
                if (w.chosen) {
                    bucket.unlink(prev, w);
                    w.chosen = false;
                    w.dequeued = true;
                    if (chosenTail == null) {
                        chosenHead = w;
                    } else {
                        chosenTail.next = w;
                    }
                    chosenTail = w;
                    count--;
                } else {
                    prev = w;
                }
                w = next;
            }
        } finally {
            bucket.unlock();
        }
        Waiter w = chosenHead;
        while (w != null) {
            Waiter next = w.next;
            w.next = null;
            deliver(w, token, seam);
            w = next;
        }
    }

    /** Forgets a half-made choice of unparkFilter; under the bucket lock. */
    private static void clearChosen(Bucket bucket) {
        for (Waiter w = bucket.head; w != null; w = w.next) {
            w.chosen = false;
        }
    }

    /** Wakes every waiter of (lock, key) with {@link #TOKEN_NORMAL}; returns how many. */
    static int unparkAll(Object lock, int key, FaultSeam seam) {
        int[] woken = new int[1];
        unparkFilter(
                lock,
                key,
                token -> UNPARK,
                (n, more, fair) -> {
                    woken[0] = n;
                    return TOKEN_NORMAL;
                },
                seam);
        return woken[0];
    }

    /** Publishes the token, then wakes the thread; runs after the bucket lock was released. */
    private static void deliver(Waiter w, long token, FaultSeam seam) {
        if (seam != null) {
            seam.beforeUnpark(w.lock, w.thread);
        }
        Thread t = w.thread;
        w.unparkToken = token;
        w.unparked = true; // volatile write publishes the token
        LockSupport.unpark(t);
    }

    /** How many threads are parked on {@code lock} under any of {@code keys}. */
    static int count(Object lock, int... keys) {
        int n = 0;
        for (int key : keys) {
            Bucket bucket = bucket(lock, key);
            bucket.lock();
            try {
                for (Waiter w = bucket.head; w != null; w = w.next) {
                    if (w.lock == lock && w.key == key) {
                        n++;
                    }
                }
            } finally {
                bucket.unlock();
            }
        }
        return n;
    }

    /** The threads parked on {@code lock} under any of {@code keys}, in queue order per key. */
    static List<Parked> snapshot(Object lock, int... keys) {
        List<Parked> out = new ArrayList<>();
        for (int key : keys) {
            Bucket bucket = bucket(lock, key);
            bucket.lock();
            try {
                for (Waiter w = bucket.head; w != null; w = w.next) {
                    if (w.lock == lock && w.key == key) {
                        out.add(new Parked(w));
                    }
                }
            } finally {
                bucket.unlock();
            }
        }
        return out;
    }
}
