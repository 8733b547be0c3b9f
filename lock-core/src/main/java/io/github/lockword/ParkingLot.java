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
 * The global parking lot: the only place where lockword threads sleep. A port of parking_lot_core's
 * contract, and of its table: padded buckets, a table that grows with the number of parked threads,
 * and a bucket lock that parks after a brief spin.
 *
 * <p>A table of buckets is indexed by a hash of (lock identity, key). Each bucket has a small lock
 * (the {@link BucketLock}, held only for a few field writes and the callbacks below, never across
 * a park), a FIFO of {@link Waiter}s and the eventual-fairness timer. Several (lock, key) queues
 * may share a bucket; every walk filters by both.
 *
 * <p>Contract (DESIGN.md section 2):
 * <ol>
 *   <li>{@link #park}: under the bucket lock run {@code validate}; false returns {@link #INVALID}.
 *       Otherwise enqueue, unlock, run {@code beforeSleep}, and sleep in a loop on the waiter's own
 *       flag. After a timeout or an interrupt, re-lock the waiter's bucket (looked up again: a
 *       rehash may have moved the waiter): a waiter already dequeued by an unparker returns that
 *       unparker's token even though time ran out; otherwise it removes itself, runs
 *       {@code timedOut(wasLastThreadOnKey)} UNDER THE BUCKET LOCK, and returns {@link #TIMED_OUT}
 *       or {@link #INTERRUPTED}.</li>
 *   <li>{@link #unparkOne}: under the bucket lock dequeue the first waiter of the key and call the
 *       callback, even when nobody was found; publish the token and wake the thread after
 *       unlocking.</li>
 *   <li>{@link #unparkFilter}: walk the key's waiters in order asking the filter; the callback runs
 *       under the bucket lock before anyone wakes.</li>
 * </ol>
 *
 * <p><b>The table</b> (DESIGN.md section 2.1). As in parking_lot_core: every operation that locks a
 * bucket loads the current table, locks the bucket, and re-checks that the table is still current
 * (else unlocks and retries): {@link #lockBucket}. Growing locks every bucket of the old table in
 * index order, re-checks that it is still current, moves every waiter to its bucket in the new table
 * (old buckets in index order, each queue front to back, so every (lock, key) queue keeps its FIFO
 * order: all of one key's waiters are in one old bucket), publishes the new table (the volatile
 * {@link #currentBits}), and unlocks the old buckets. A thread that locked an old bucket meanwhile
 * sees the new table on its re-check and retries, so nothing is ever done on a stale bucket. Where
 * lockword departs:
 * <ul>
 *   <li><i>What the size follows.</i> parking_lot_core counts live threads that have thread data
 *       (created at a thread's first park, dropped at thread exit) and keeps 3 buckets per thread.
 *       Java has no thread-exit hook, and a count of threads that ever parked would grow without
 *       bound with thread churn and virtual threads. lockword counts the threads inside
 *       {@link #park} right now ({@link #PARKED}, one atomic increment and decrement per park, on a
 *       padded array cell of its own) and grows the table to {@code LOAD_FACTOR} (3) buckets per such
 *       thread, before the thread enqueues. That is the number parking_lot_core's count bounds (a
 *       thread parks at most once at a time), measured instead of bounded. Like parking_lot_core
 *       the table never shrinks, so its size follows the peak.</li>
 *   <li><i>Start and cap.</i> The first table has 64 buckets (21 parked threads), not 3; growth is
 *       capped at 2^16 buckets (about 19 MiB, reached at 21,846 concurrently parked threads), where
 *       parking_lot_core has no cap: a million parked virtual threads must not cost a
 *       ten-million-bucket table. Past the cap, queues share buckets more, which costs walk length
 *       only.</li>
 *   <li><i>The fairness timers survive a rehash.</i> parking_lot_core starts every new bucket's
 *       timer afresh. Here the index is the low bits of one hash, so each new bucket has exactly one
 *       parent in the old table ({@code i & oldMask}), which holds every (lock, key) queue that
 *       moves into it; the new bucket inherits the parent's {@code fairAtNanos}, so each queue's
 *       timer runs on unchanged.</li>
 *   <li><i>No requeue, no bucket pairs.</i> lockword never moves a waiter from one key to another,
 *       so every operation locks one bucket; {@link #count} and {@link #snapshot} lock one key's
 *       bucket at a time (each per-key list is consistent; the whole is not atomic, as before).</li>
 *   <li><i>How the table is held.</i> Buckets are reached only through {@link #TABLES}, an array
 *       in a final field, indexed by the volatile {@link #currentBits}; the old tables stay, as
 *       parking_lot_core leaks its old tables. A volatile reference to a table object made
 *       Lincheck's model checker report a hang (DESIGN.md 2.1).</li>
 * </ul>
 *
 * <p><b>Padding</b>. parking_lot_core aligns each bucket to a 64-byte line. Java cannot align an
 * object, so each {@link Bucket} carries 128 bytes of padding fields before and after its hot
 * fields (the lock's two fields, the queue's head and tail, the timer): the hot fields of two
 * buckets are at least 128 bytes apart however the buckets are placed, so they share neither a
 * cache line nor an adjacent-line prefetch pair. Byte fields, in a class hierarchy (superclass
 * fields come first): the JVM fills holes in a superclass's layout with subclass fields, and a pad
 * made of bytes has none. {@code @Contended} would do the same but needs
 * {@code -XX:-RestrictContended}. A bucket thus takes about 300 bytes ({@code ParkingLotTableTest}
 * checks the field offsets).
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

    // ============================================================================ padding

    /** 128 bytes of padding, laid out before the fields of its subclasses. */
    abstract static class PadBefore {
        byte p000, p001, p002, p003, p004, p005, p006, p007, p008, p009, p010, p011, p012, p013, p014, p015;
        byte p016, p017, p018, p019, p020, p021, p022, p023, p024, p025, p026, p027, p028, p029, p030, p031;
        byte p032, p033, p034, p035, p036, p037, p038, p039, p040, p041, p042, p043, p044, p045, p046, p047;
        byte p048, p049, p050, p051, p052, p053, p054, p055, p056, p057, p058, p059, p060, p061, p062, p063;
        byte p064, p065, p066, p067, p068, p069, p070, p071, p072, p073, p074, p075, p076, p077, p078, p079;
        byte p080, p081, p082, p083, p084, p085, p086, p087, p088, p089, p090, p091, p092, p093, p094, p095;
        byte p096, p097, p098, p099, p100, p101, p102, p103, p104, p105, p106, p107, p108, p109, p110, p111;
        byte p112, p113, p114, p115, p116, p117, p118, p119, p120, p121, p122, p123, p124, p125, p126, p127;
    }

    // ============================================================================ the bucket lock

    /**
     * The bucket lock: a port of parking_lot_core's {@code WordLock}. It spins briefly while the
     * lock is held and nobody is queued, then queues the thread and parks it; unlocking wakes the
     * longest-queued thread, which then competes for the lock again (barging is allowed, as in
     * WordLock: handing the lock to a sleeping thread would leave it idle for a whole wake-up).
     *
     * <p>WordLock keeps the lock bit, a "queue locked" bit and the queue head in one word. Java
     * cannot tag a reference, so here they are two fields: {@link #bits} ({@link #LOCKED},
     * {@link #QUEUE_LOCKED}) and {@link #top}, the newest queued {@link LockNode}. The queue is
     * WordLock's: threads push themselves onto {@code top} with a CAS, without any lock; only a
     * thread holding {@code QUEUE_LOCKED} (an unlocker) walks it, fills in {@code prev} links, caches
     * the oldest node in the newest processed node's {@code queueTail}, and removes the oldest. So
     * nobody ever waits for {@code QUEUE_LOCKED}: an unlocker that finds it taken leaves the wake to
     * its holder.
     *
     * <p><b>No lost wake-up.</b> Because the lock bit and the queue are two fields, WordLock's
     * single CAS ("push only while still locked") becomes a Dekker pair of volatile accesses:
     * <ul>
     *   <li>a waiter pushes its node, then reads {@code bits}: if the lock was released meanwhile,
     *       the releaser may have missed the node, so the waiter runs the unlocker's slow path
     *       itself (it wakes the oldest queued thread, possibly the waiter itself, which then does
     *       not sleep);</li>
     *   <li>an unlocker clears {@code LOCKED} with an atomic read-modify-write, then reads
     *       {@code top}: a waiter whose push came first is seen.</li>
     * </ul>
     * The invariant is that whenever a thread is queued and the lock is free, some running thread
     * is responsible for a wake: a holder (its unlock will look), the holder of
     * {@code QUEUE_LOCKED} (it wakes one, or, if it found the queue empty, looks again after
     * releasing the bit: an unlock that saw the bit set relied on it, and a push may have slipped
     * in after it looked), or a thread just woken (it competes until it holds the lock, and its
     * unlock looks).
     *
     * <p>The uncontended path allocates nothing: {@code lock()} is one CAS, {@code unlock()} one
     * atomic add and a read. A node is allocated only when a thread queues (once per
     * {@code lock()} call that sleeps, reused if it sleeps again). The lock is not interruptible:
     * a queued thread that is interrupted keeps waiting and re-asserts the interrupt once it holds
     * the lock.
     */
    abstract static class BucketLock extends PadBefore {
        static final int LOCKED = 1;
        static final int QUEUE_LOCKED = 2;
        /** onSpinWait rounds before queueing (when nobody is queued yet); WordLock spins about as briefly. */
        static final int SPIN_LIMIT = 64;

        private static final VarHandle BITS;
        private static final VarHandle TOP;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                BITS = l.findVarHandle(BucketLock.class, "bits", int.class);
                TOP = l.findVarHandle(BucketLock.class, "top", LockNode.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** {@link #LOCKED} and {@link #QUEUE_LOCKED}. */
        volatile int bits;
        /** The newest queued thread; null when nobody is queued. */
        volatile LockNode top;

        final void lock() {
            if (!BITS.compareAndSet(this, 0, LOCKED)) {
                lockSlow();
            }
        }

        private void lockSlow() {
            int spins = 0;
            LockNode node = null;
            boolean interrupted = false;
            for (; ; ) {
                int b = bits;
                if ((b & LOCKED) == 0) {
                    // Free: take it, even past queued threads.
                    if (BITS.compareAndSet(this, b, b | LOCKED)) {
                        break;
                    }
                    continue;
                }
                if (spins < SPIN_LIMIT && top == null) {
                    spins++;
                    Thread.onSpinWait();
                    continue;
                }
                if (node == null) {
                    node = new LockNode(Thread.currentThread());
                } else {
                    node.signalled = false; // out of the queue since it was signalled: reuse it
                }
                push(node);
                if ((bits & LOCKED) == 0) {
                    // Released between our look and our push: its unlock may not have seen us.
                    unlockSlow();
                }
                while (!node.signalled) {
                    LockSupport.park(this);
                    if (Thread.interrupted()) {
                        interrupted = true; // not interruptible: clear, so park() sleeps again
                    }
                }
                spins = 0;
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        private void push(LockNode node) {
            for (; ; ) {
                LockNode t = top;
                node.next = t;
                node.prev = null;
                // The first node of an empty queue is its own tail; the others are not processed yet.
                node.queueTail = t == null ? node : null;
                if (TOP.compareAndSet(this, t, node)) {
                    return;
                }
            }
        }

        final void unlock() {
            int b = (int) BITS.getAndAdd(this, -LOCKED);
            if ((b & QUEUE_LOCKED) == 0 && top != null) {
                unlockSlow();
            }
        }

        /** Wakes the oldest queued thread if the lock is free and nobody else is about to. */
        private void unlockSlow() {
            for (; ; ) {
                int b = bits;
                if ((b & (LOCKED | QUEUE_LOCKED)) != 0 || top == null) {
                    // A holder's unlock, or the QUEUE_LOCKED holder, takes care; or nobody waits.
                    return;
                }
                if (!BITS.compareAndSet(this, b, b | QUEUE_LOCKED)) {
                    continue;
                }
                LockNode woken = takeOldest();
                BITS.getAndAdd(this, -QUEUE_LOCKED);
                if (woken != null) {
                    Thread t = woken.thread;
                    woken.signalled = true;
                    LockSupport.unpark(t);
                    return;
                }
                // Found nobody: an unlock that saw QUEUE_LOCKED set relied on us, and a push may
                // have come after we looked. Look again.
            }
        }

        /** Removes and returns the oldest queued node, or null; under {@code QUEUE_LOCKED}. */
        private LockNode takeOldest() {
            for (; ; ) {
                LockNode head = top;
                if (head == null) {
                    return null;
                }
                // Link the nodes pushed since the last walk back to the newest processed one.
                LockNode current = head;
                LockNode tail;
                while ((tail = current.queueTail) == null) {
                    LockNode next = current.next;
                    next.prev = current;
                    current = next;
                }
                head.queueTail = tail;
                LockNode newTail = tail.prev;
                if (newTail == null) {
                    // The only node: empty the queue, unless someone pushed meanwhile.
                    if (TOP.compareAndSet(this, tail, null)) {
                        return tail;
                    }
                    continue;
                }
                head.queueTail = newTail;
                newTail.next = null;
                return tail;
            }
        }

        /** Whether some thread holds the lock (for tests and assertions). */
        final boolean isLocked() {
            return (bits & LOCKED) != 0;
        }

        /** Whether some thread is queued on the lock (for tests). */
        final boolean hasQueuedThreads() {
            return top != null;
        }
    }

    /** A thread queued on a {@link BucketLock}. Links are written by the pusher before its push, then only under {@code QUEUE_LOCKED}. */
    static final class LockNode {
        final Thread thread;
        /** The next older node. */
        LockNode next;
        /** The next newer node; filled in by the unlocker's walk. */
        LockNode prev;
        /** On the newest processed node: the oldest node. Null on nodes not processed yet. */
        LockNode queueTail;
        /** Set by the unlocker that removed this node from the queue. */
        volatile boolean signalled;

        LockNode(Thread thread) {
            this.thread = thread;
        }
    }

    // ============================================================================ buckets

    /** The queue fields of a bucket, guarded by its lock. */
    abstract static class BucketQueue extends BucketLock {
        Waiter head;
        Waiter tail;
        /**
         * System.nanoTime() after which the next unpark is fair; guarded by the bucket lock. Starts at
         * the bucket's creation, not at 0: nanoTime may be negative, and only differences of
         * nanoTime values are meaningful. A rehash copies it from the bucket's parent.
         */
        long fairAtNanos;
    }

    /** One slot of the table: a lock, a FIFO of waiters and the eventual-fairness timer, padded. */
    static final class Bucket extends BucketQueue {
        byte q000, q001, q002, q003, q004, q005, q006, q007, q008, q009, q010, q011, q012, q013, q014, q015;
        byte q016, q017, q018, q019, q020, q021, q022, q023, q024, q025, q026, q027, q028, q029, q030, q031;
        byte q032, q033, q034, q035, q036, q037, q038, q039, q040, q041, q042, q043, q044, q045, q046, q047;
        byte q048, q049, q050, q051, q052, q053, q054, q055, q056, q057, q058, q059, q060, q061, q062, q063;
        byte q064, q065, q066, q067, q068, q069, q070, q071, q072, q073, q074, q075, q076, q077, q078, q079;
        byte q080, q081, q082, q083, q084, q085, q086, q087, q088, q089, q090, q091, q092, q093, q094, q095;
        byte q096, q097, q098, q099, q100, q101, q102, q103, q104, q105, q106, q107, q108, q109, q110, q111;
        byte q112, q113, q114, q115, q116, q117, q118, q119, q120, q121, q122, q123, q124, q125, q126, q127;
        // 8 more: a JVM may leave a hole among the hot fields and fill it with a pad byte (JDK 25 does).
        byte q128, q129, q130, q131, q132, q133, q134, q135;

        Bucket(long nowNanos) {
            this.fairAtNanos = nowNanos;
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

    // ============================================================================ the table

    /** Buckets per concurrently parked thread, as parking_lot_core's LOAD_FACTOR. */
    static final int LOAD_FACTOR = 3;
    /** The first table: 2^6 = 64 buckets, enough for 21 concurrently parked threads. */
    static final int INITIAL_BITS = 6;
    /** Growth stops at 2^16 buckets (see the class comment). */
    static final int MAX_BITS = 16;

    /**
     * Every table made so far, by size: {@code TABLES[bits]} has 2^bits buckets. The table only
     * grows, so each size is made once (only {@link #rehashForTests} replaces a table by one of the
     * same size). The old tables stay, as parking_lot_core keeps its
     * old tables (a thread may still be locking a bucket of one); together they are smaller than
     * the current one. An array in a final field, not a volatile reference to a table object:
     * Lincheck's model checker reports a hang when the buckets are reached through a mutable
     * reference (DESIGN.md 2.1).
     */
    private static final Bucket[][] TABLES = new Bucket[MAX_BITS + 1][];

    /**
     * The size of the current table, {@code TABLES[currentBits]}. Written after that table is filled
     * (a thread that reads it then sees the table), and only under every bucket lock of the table
     * it replaces.
     */
    private static volatile int currentBits;

    /**
     * Threads inside {@link #park} now, in {@code PARKED[PARKED_AT]}; the table grows to
     * LOAD_FACTOR buckets per such thread. The count is written on every park, so it sits in the
     * middle of an array of 64 ints: 128 bytes of the array on each side keep it off the cache
     * lines of anything else.
     */
    private static final int[] PARKED = new int[64];

    private static final int PARKED_AT = 32;
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);

    static {
        TABLES[INITIAL_BITS] = newTable(INITIAL_BITS, null);
        currentBits = INITIAL_BITS;
        // JDK-8074773: load everything a parking thread touches before anything can park, so no class
        // loading happens between "I am enqueued" (on a bucket or on a bucket lock) and park().
        Object[] ensureLoaded = {LockSupport.class, new LockNode(null)};
        if (ensureLoaded[0] == null) {
            throw new AssertionError();
        }
    }

    private ParkingLot() {}

    /**
     * A table of 2^{@code bits} buckets. Each bucket's fairness timer starts where its parent's
     * stands (bucket {@code i & (parent.length - 1)} of {@code parent}), or now without a parent.
     */
    private static Bucket[] newTable(int bits, Bucket[] parent) {
        Bucket[] buckets = new Bucket[1 << bits];
        long now = System.nanoTime();
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new Bucket(parent == null ? now : parent[i & (parent.length - 1)].fairAtNanos);
        }
        return buckets;
    }

    static int index(Object lock, int key, int bits) {
        // The same hash for every table size; the index is its low bits, so each bucket of a larger
        // table has exactly one parent bucket in a smaller one (i & smallerMask).
        int h = System.identityHashCode(lock) * 0x9E3779B9 + key * 0x85EBCA6B;
        return (h ^ (h >>> 16)) & ((1 << bits) - 1);
    }

    /**
     * The bucket of (lock, key) in the current table, without locking it: for tests and class
     * preloading. It may be stale as soon as it is returned; operations use {@link #lockBucket}.
     */
    static Bucket bucket(Object lock, int key) {
        int bits = currentBits;
        return TABLES[bits][index(lock, key, bits)];
    }

    /**
     * Locks and returns the bucket of (lock, key) in the current table: load the table, lock the
     * bucket, and re-check that the table is still current (a rehash holds every bucket lock of the
     * table it replaces, so once this holds the bucket of the current table, no rehash can move its
     * waiters until it unlocks).
     */
    static Bucket lockBucket(Object lock, int key) {
        for (; ; ) {
            int bits = currentBits;
            Bucket[] t = TABLES[bits];
            Bucket b = t[index(lock, key, bits)];
            b.lock();
            if (TABLES[currentBits] == t) {
                return b;
            }
            b.unlock();
        }
    }

    /** The number of buckets in the current table. */
    static int tableSize() {
        return 1 << currentBits;
    }

    /** Grows the table, if it is too small for {@code parkedThreads}, before one of them enqueues. */
    private static void growFor(int parkedThreads) {
        int bits = currentBits;
        if ((long) parkedThreads * LOAD_FACTOR > (1L << bits) && bits < MAX_BITS) {
            int want = 64 - Long.numberOfLeadingZeros((long) parkedThreads * LOAD_FACTOR - 1);
            rehash(Math.min(want, MAX_BITS), false);
        }
    }

    /**
     * Test hook: replaces the table by one of at least 2^{@code minBits} buckets (and never fewer
     * than now, nor more than 2^MAX_BITS), even when it is already that large, so that every
     * waiter is moved to a new bucket.
     */
    static void rehashForTests(int minBits) {
        rehash(Math.min(minBits, MAX_BITS), true);
    }

    /**
     * Moves every waiter to a new table of 2^max(minBits, current) buckets. Unless
     * {@code evenIfLargeEnough} (tests), nothing happens when the table already has 2^minBits.
     */
    private static void rehash(int minBits, boolean evenIfLargeEnough) {
        for (; ; ) {
            int oldBits = currentBits;
            Bucket[] from = TABLES[oldBits];
            if (oldBits >= minBits && !evenIfLargeEnough) {
                return; // someone else grew it
            }
            int bits = Math.max(minBits, oldBits);
            // Allocated before taking any bucket lock: parking stops only for the move itself. The
            // timers are copied again under the locks, where they are current.
            Bucket[] to = newTable(bits, from);
            for (Bucket b : from) {
                b.lock();
            }
            try {
                if (TABLES[currentBits] != from) {
                    continue; // replaced by someone else between our read and our last lock: start over
                }
                for (Bucket b : from) {
                    Waiter w = b.head;
                    while (w != null) {
                        Waiter next = w.next;
                        w.next = null;
                        to[index(w.lock, w.key, bits)].enqueue(w);
                        w = next;
                    }
                    b.head = null;
                    b.tail = null;
                }
                for (int i = 0; i < to.length; i++) {
                    to[i].fairAtNanos = from[i & (from.length - 1)].fairAtNanos;
                }
                TABLES[bits] = to;
                currentBits = bits; // volatile: publishes the filled table
                return;
            } finally {
                for (Bucket b : from) {
                    b.unlock();
                }
            }
        }
    }

    // ============================================================================ park

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
        int parked = (int) INTS.getAndAdd(PARKED, PARKED_AT, 1) + 1;
        try {
            growFor(parked);
            Waiter me = new Waiter(Thread.currentThread(), lock, key, parkToken);
            Bucket bucket = lockBucket(lock, key);
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
                leaveQueue(me, callbacks, TIMED_OUT);
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
                result = leaveQueue(me, callbacks, timedOut ? TIMED_OUT : INTERRUPTED);
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
        } finally {
            INTS.getAndAdd(PARKED, PARKED_AT, -1);
        }
    }

    /**
     * After a timeout or interrupt: remove ourselves under the bucket lock, or take the unparker's
     * token. The bucket is looked up again: a rehash since we enqueued has moved us to the bucket
     * of (lock, key) in the new table.
     */
    private static long leaveQueue(Waiter me, ParkCallbacks callbacks, long outcome) {
        Bucket bucket = lockBucket(me.lock, me.key);
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
        Waiter found = null;
        long token;
        Bucket bucket = lockBucket(lock, key);
        try {
            Waiter prev = null;
            for (Waiter w = bucket.head; w != null; prev = w, w = w.next) {
                if (w.lock == lock && w.key == key) {
                    found = w;
                    break;
                }
            }
            boolean more = found != null && hasWaiterAfter(found, lock, key);
            boolean fair = found != null && fairUnpark(bucket, lock, seam);
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

    /**
     * Whether this unpark is fair: the bucket's timer decides ({@link Bucket#beFair()}, which also
     * re-arms it when due); a fault seam may then override the answer for tests.
     */
    private static boolean fairUnpark(Bucket bucket, Object lock, FaultSeam seam) {
        boolean due = bucket.beFair();
        return seam == null ? due : seam.fairUnpark(lock, due);
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
        Waiter chosenHead = null;
        int count = 0;
        long token;
        Bucket bucket = lockBucket(lock, key);
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
            boolean fair = count > 0 && fairUnpark(bucket, lock, seam);
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
            Bucket bucket = lockBucket(lock, key);
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
            Bucket bucket = lockBucket(lock, key);
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
