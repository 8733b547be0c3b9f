// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static io.github.lockword.LockState.ONE_READER;
import static io.github.lockword.LockState.PARKED;
import static io.github.lockword.LockState.READERS_MASK;
import static io.github.lockword.LockState.UPGRADABLE;
import static io.github.lockword.LockState.WRITER;
import static io.github.lockword.LockState.WRITER_PARKED;

import io.github.lockword.seam.FaultSeam;
import io.github.lockword.seam.GiveBack;
import io.github.lockword.seam.SeamPoint;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.AbstractOwnableSynchronizer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;

/**
 * A reader-writer lock whose whole state is one 64-bit word: four signal bits and a 60-bit reader
 * count (see {@link LockState}). A port of the {@code RwLock} of Rust's {@code parking_lot} crate,
 * with the fix of its issue 465 in place. It implements {@link ReadWriteLock}, but it is not a
 * drop-in replacement for {@code ReentrantReadWriteLock} in every respect: see
 * <a href="#differences">Differences from ReentrantReadWriteLock</a> below.
 *
 * <p>Three kinds of access:
 * <ul>
 *   <li><b>read</b> ({@link #lockRead}): shared with other readers and with one upgradable reader;</li>
 *   <li><b>upgradable read</b> ({@link #lockUpgradable}): shared with readers, exclusive of writers
 *       and other upgradable readers; can be turned into a write lock ({@link #upgrade}) without
 *       letting another writer in first;</li>
 *   <li><b>write</b> ({@link #lockWrite}): exclusive.</li>
 * </ul>
 *
 * <p><b>Writer preference.</b> Once a writer has claimed the lock (even while it still waits for
 * readers to leave) new readers wait; {@link #lockReadRecursive} is the exception, for a thread that
 * already holds a read lock. The lock is <b>not reentrant</b>: a thread that holds the write lock and
 * asks for it again, or for a read or upgradable lock, with a blocking or timed call gets an
 * {@link IllegalMonitorStateException} instead of a self-deadlock (its non-waiting {@code tryLock*()}
 * calls return false); a read holder asking for the write lock, or re-entering a read behind a
 * waiting writer, deadlocks unless the lock was built in {@linkplain Builder#checked checked mode}.
 *
 * <p><b>Fairness.</b> By default the lock is <em>eventually fair</em>: an unlock normally lets
 * woken threads and newcomers race, but about once every 0.5 ms (per parking-lot bucket) an unlock
 * hands the lock directly to the threads it wakes. A {@linkplain #RwLock(boolean) fair} lock hands
 * off on every unlock that has waiters, as does {@link #unlockWriteFair}.
 *
 * <p><b>Timeouts and interrupts.</b> A timed acquisition has one deadline for all of its steps. A
 * timeout of zero or less tries once; a timeout too large to represent waits forever. An interrupt
 * during an interruptible or timed acquisition throws {@link InterruptedException} and leaves the
 * lock as if the call never happened.
 *
 * <p><b>Memory synchronization.</b> Every successful acquisition has the same memory effects as a
 * volatile read of the lock word, and every release those of a volatile write. So a release
 * happens-before any later acquisition that observes it: what a writer wrote before
 * {@link #unlockWrite} is visible to the next reader or writer, and what a reader read cannot be
 * affected by a later writer. Failed {@code tryLock} calls have no memory effects that may be relied
 * on.
 *
 * <p><b>Misuse.</b> Misuse that the word and the write owner reveal throws
 * {@link IllegalMonitorStateException} naming the lock and its decoded state, and leaves the word
 * exactly as it was: releasing a mode nobody holds, a write unlock or downgrade by a thread that is
 * not the write owner, a write re-entry, a read or upgradable request by the write owner. The reader
 * count never wraps: at 2^60-1 readers a further read is refused with an
 * {@link IllegalStateException}. Read shares and the upgradable lock are not bound to a thread: by
 * default any thread may release them, and only a lock built in {@linkplain Builder#checked checked
 * mode} refuses a release by a thread that holds nothing. On a {@linkplain Builder#readBiased
 * read-biased} lock a read share taken on the thread's slot is bound to that thread.
 *
 * <h2 id="differences">Differences from ReentrantReadWriteLock</h2>
 * <ul>
 *   <li><b>Read re-entry.</b> A plain {@link #lockRead} by a read holder waits behind a writer that
 *       has claimed the lock, and that writer waits for the holder: a self-deadlock. Take nested
 *       reads with {@link #lockReadRecursive}; a checked lock throws instead of hanging.</li>
 *   <li><b>Write re-entry</b> by the owner throws {@link IllegalMonitorStateException}
 *       ({@link #tryLockWrite()} returns false). Take the write lock once per critical section.</li>
 *   <li><b>The write owner taking a read lock</b> (ReentrantReadWriteLock's downgrade idiom) throws
 *       {@link IllegalMonitorStateException}. Use {@link #downgrade} or
 *       {@link #downgradeToUpgradable}.</li>
 *   <li><b>A read holder asking for the write lock</b> deadlocks, as with ReentrantReadWriteLock; a
 *       checked lock throws. Use {@link #lockUpgradable} and {@link #upgrade}.</li>
 *   <li><b>Releasing a read share another thread took</b> succeeds in the default mode (shares are
 *       counted, not owned); only a lock with no reader at all refuses. The same holds for the
 *       upgradable lock. The write lock is always bound to its owner. Unlock on the thread that
 *       locked; test with a checked lock.</li>
 *   <li><b>Conditions</b> exist only on the write lock ({@code readLock().newCondition()} throws
 *       {@link UnsupportedOperationException}, as ReentrantReadWriteLock's does). A signalled waiter
 *       re-acquires the write lock like any new writer.</li>
 *   <li><b>Hold counts and queue inspection</b> are missing: {@code getReadHoldCount},
 *       {@code getWriteHoldCount}, {@code hasQueuedThread}, {@code getOwner},
 *       {@code getQueuedThreads} and the condition queries. Use
 *       {@link #isWriteLockedByCurrentThread}, {@link #writeOwner}, {@link #getReadLockCount} (read
 *       shares, the upgradable holder's included), {@link LockReport} and {@link LockWatchdog}.</li>
 *   <li><b>The views' types</b> are {@link Lock}, not {@code ReentrantReadWriteLock.ReadLock} and
 *       {@code WriteLock}; {@link Builder#build()} may return a subclass.</li>
 *   <li><b>Fairness</b> is eventual, with writer preference, not FIFO: see above. A
 *       {@linkplain #RwLock(boolean) fair} lock hands off on every unlock with waiters, to readers in
 *       arrival order up to and including the first writer, plus at most one upgradable reader.</li>
 *   <li><b>{@code tryLock()}</b>: the read view's succeeds whenever no writer holds or has claimed
 *       the lock; the write view's succeeds only when nobody holds, claims or is parked on the lock,
 *       so it never barges.</li>
 *   <li><b>The reader limit</b> is 2^60-1 read shares ({@link IllegalStateException}), not 65,535
 *       holds ({@link Error}).</li>
 *   <li><b>Serialization</b> gives back an unlocked lock, as with ReentrantReadWriteLock; it keeps
 *       the name, fairness and checked mode, not the listener or hold-tracking settings.</li>
 *   <li><b>{@link #toString()}</b> shows the decoded word, e.g.
 *       {@code RwLock@1b6d3586[WRITER, readers=0, owner=worker-3]}.</li>
 * </ul>
 * Interruption, timeouts and memory visibility are as for any {@link Lock}. The project's README
 * (section "Replacing ReentrantReadWriteLock") says what to do about each difference.
 *
 * <p>Sample usage: a cache that upgrades only when it must write.
 * <pre> {@code
 * class Routes {
 *   private final RwLock lock = new RwLock();
 *   private final Map<String, Route> routes = new HashMap<>();
 *
 *   Route lookup(String host) {
 *     lock.lockRead();
 *     try {
 *       return routes.get(host);
 *     } finally {
 *       lock.unlockRead();
 *     }
 *   }
 *
 *   Route lookupOrAdd(String host, Function<String, Route> make) {
 *     lock.lockUpgradable();
 *     Route r = routes.get(host);
 *     if (r != null) {
 *       lock.unlockUpgradable();
 *       return r;
 *     }
 *     lock.upgrade();               // readers drain; no other writer gets in first
 *     try {
 *       r = make.apply(host);
 *       routes.put(host, r);
 *       return r;
 *     } finally {
 *       lock.unlockWrite();
 *     }
 *   }
 * }}</pre>
 */
public sealed class RwLock extends AbstractOwnableSynchronizer implements ReadWriteLock, Serializable
        permits InstrumentedRwLock {

    /*
     * Algorithmic notes:
     *
     * Lineage. parking_lot's raw_rwlock.rs (Amanieu d'Antras), itself modelled on Boost's
     * upgrade_mutex: one word, two wait queues. MAIN holds every thread waiting to enter; WRITER holds
     * at most one thread, the one that set WRITER and now waits for readers to drain. Threads sleep only
     * in the ParkingLot, whose callbacks run under a bucket lock; that is what makes it safe for one
     * thread to clear a bit (PARKED, WRITER_PARKED) that describes another thread's queue.
     *
     * Bit ownership (the whole story of issue 465). ONE_READER shares, WRITER and UPGRADABLE belong to
     * their holder and are added or subtracted blindly by it. PARKED and WRITER_PARKED are shared:
     * set by a waiter with a CAS before it parks, and cleared only by an AND or a store inside a
     * park/unpark callback, under the bucket lock of the queue the bit describes. Before PR #466 a
     * timed-out writer gave back with one getAndAdd(prev - (WRITER | WRITER_PARKED)) outside that lock;
     * if the last reader's unpark callback had already cleared WRITER_PARKED the add borrowed through
     * all 64 bits (0x08 -> 0xFFFFFFFFFFFFFFFE). Here the WRITER-queue timed-out callback clears
     * WRITER_PARKED and the give-back subtracts only WRITER.
     *
     * State transitions (R = ONE_READER, U = UPGRADABLE, W = WRITER, WP = WRITER_PARKED, P = PARKED):
     *   read:        s -> s + R              (no W; or, recursive, readers > 0)
     *   upgradable:  s -> s + R + U          (no W, no U)
     *   write 1:     s -> s | W              (no W, no U; readers and P may be present)
     *   write 2:     s -> s | WP, park        while readers > 0; last reader: unparkOne(WRITER) clears WP
     *   unlock read: s -> s - R
     *   unlock write: W -> 0, or with P: store the handed-off shares (fair) or 0/P under the bucket lock
     *   upgrade:     s -> s - (R + U) + W, then write 2
     *   downgrade:   s -> s + R - W;  s -> s + R + U - W;  s -> s - U
     *   time-out in write 2 (fixed): timed-out callback WP -> 0 (bucket lock); s -> s + prev - W;
     *                                wake MAIN seeded with prev if P
     *
     * Fast paths are one CAS or one atomic add and consult nothing else: no seam, no mode, no
     * diagnostics. Slow paths (spin, then park) check the word against the layout's invariants,
     * report waits to Diagnostics, and consult the FaultSeam when the lock has one.
     *
     * Memory ordering. Every access to the word is volatile-strength (compareAndSet,
     * compareAndExchange, getAndAdd, getAndBitwiseAnd, volatile read/write), as DESIGN.md section 1 asks:
     * parking_lot needed three fixes for orderings that were too weak, and no arm64 machine is
     * available here to argue weaker ones.
     * weakCompareAndSet is used only inside retry loops; it is volatile-strength when it succeeds.
     */

    private static final long serialVersionUID = 1L;

    private static final long R = ONE_READER;
    private static final long U = UPGRADABLE;
    private static final long W = WRITER;
    private static final long WP = WRITER_PARKED;
    private static final long P = PARKED;

    /** Parking-lot key of the queue every new waiter joins. */
    static final int KEY_MAIN = 0;
    /** Parking-lot key of the queue where the WRITER holder waits for readers to leave. */
    static final int KEY_WRITER = 1;
    /** Parking-lot key of the write lock's conditions (their identity, not the lock's, is hashed). */
    static final int KEY_CONDITION = 2;

    /* Park tokens: the share a waiter adds to the word when it is woken (and handed the lock). */
    private static final long TOKEN_SHARED = R;
    private static final long TOKEN_UPGRADABLE = R | U;
    private static final long TOKEN_EXCLUSIVE = W;

    /* What an acquisition in the MAIN queue asks for. */
    private static final int ACQ_READ = 0;
    private static final int ACQ_READ_RECURSIVE = 1;
    private static final int ACQ_UPGRADABLE = 2;
    private static final int ACQ_WRITE = 3;

    /* Outcomes of slow paths. */
    static final int ACQUIRED = 0;
    static final int TIMED_OUT = 1;
    static final int INTERRUPTED = 2;

    /* What the callback of a MAIN wake does with the word. */
    private static final int AFTER_WRITE_UNLOCK = 0;
    private static final int AFTER_UPGRADABLE_UNLOCK = 1;
    private static final int CLEAR_PARKED_IF_LAST = 2;

    /** Spin rounds before parking (parking_lot's SpinWait: 3 busy rounds, then yields). */
    private static final int SPIN_LIMIT = 10;

    /** Timeouts at least this long (about 36 years) are treated as "wait forever". */
    static final long FOREVER_NANOS = Long.MAX_VALUE >>> 2;

    private static final VarHandle WORD;
    private static final VarHandle VIEWS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            WORD = l.findVarHandle(RwLock.class, "word", long.class);
            VIEWS = l.findVarHandle(RwLock.class, "views", Views.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        // Load everything a parking thread touches before it can be needed: no class loading may
        // happen between "I am enqueued" and park() (JDK-8074773; virtual threads would pin).
        ParkingLot.bucket(RwLock.class, KEY_MAIN);
        Diagnostics.init();
        preload(MainPark.class, WriterPark.class, Wake.class, WriteCondition.class, LockCorruptedException.class);
        FaultSeam.installFactory((name, fair, seam) -> new RwLock(Config.seamed(name, fair, seam)));
    }

    private static void preload(Class<?>... classes) {
        for (Class<?> c : classes) {
            try {
                Class.forName(c.getName(), true, c.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /** The whole lock. Written only through {@link #WORD}. */
    private volatile long word;

    /** Name, fairness and the optional seam and listener; shared by all default locks. */
    final transient Config config;

    /** The {@link #readLock()} / {@link #writeLock()} views, created on first request. */
    private transient volatile Views views;

    /** Creates an eventually fair lock, as parking_lot's. */
    public RwLock() {
        this(Config.DEFAULT);
    }

    /**
     * Creates a lock.
     *
     * @param fair true: every unlock that has waiters hands the lock to them; false: eventually fair
     */
    public RwLock(boolean fair) {
        this(fair ? Config.FAIR : Config.DEFAULT);
    }

    RwLock(Config config) {
        this.config = config;
    }

    /** A builder for a named, checked or observed lock. */
    public static Builder builder() {
        return new Builder();
    }

    // =================================================================================== read

    /** Acquires a read lock, waiting while a writer holds or has claimed the lock. */
    public void lockRead() {
        final long s = word;
        if ((s & (W | Long.MIN_VALUE)) != 0 || !WORD.weakCompareAndSet(this, s, s + R)) {
            acquireMain(ACQ_READ, false, 0L, false);
        }
    }

    /**
     * Acquires a read lock unless the thread is interrupted.
     *
     * @throws InterruptedException if interrupted on entry or while waiting; the lock is unchanged
     */
    public void lockReadInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        final long s = word;
        if ((s & (W | Long.MIN_VALUE)) != 0 || !WORD.weakCompareAndSet(this, s, s + R)) {
            if (acquireMain(ACQ_READ, false, 0L, true) == INTERRUPTED) {
                throw new InterruptedException();
            }
        }
    }

    /** Acquires a read lock if no writer holds or has claimed the lock; never waits. */
    public boolean tryLockRead() {
        final long s = word;
        if ((s & (W | Long.MIN_VALUE)) == 0 && WORD.weakCompareAndSet(this, s, s + R)) {
            return true;
        }
        return tryAddShare(ACQ_READ);
    }

    /**
     * Acquires a read lock, waiting at most {@code timeout}.
     *
     * @return true if acquired; false if the time ran out
     * @throws InterruptedException if interrupted on entry or while waiting; the lock is unchanged
     * @throws NullPointerException if {@code unit} is null
     */
    public boolean tryLockRead(long timeout, TimeUnit unit) throws InterruptedException {
        return tryAcquireTimed(ACQ_READ, timeout, unit);
    }

    /**
     * Releases a read lock. An upgradable holder releases with {@link #unlockUpgradable} (or first
     * {@link #downgradeUpgradable}).
     *
     * @throws IllegalMonitorStateException if no read lock is held, or the only reader is the
     *                                      upgradable holder; the word is unchanged
     */
    public void unlockRead() {
        // First guess the word without reading it: the caller is the only reader and no flag is set
        // (the uncontended case). A CAS whose expected value comes from a load of the same word
        // waits for that load; a guess lets it issue at once. A wrong guess changes nothing, and
        // its witness is checked like any read of the word before the next attempt.
        long s = R;
        while (true) {
            final long witness = (long) WORD.compareAndExchange(this, s, s - R);
            if (witness == s) {
                break;
            }
            s = witness;
            final long readers = s & READERS_MASK;
            if (readers == 0) {
                throw misuse("unlockRead()", "no read lock is held");
            }
            if (readers == R && (s & U) != 0) {
                // The only reader is the upgradable holder: taking its share would leave UPGRADABLE
                // with no reader, a word no operation could ever release.
                throw misuse("unlockRead()", "the only reader holds the upgradable lock; use unlockUpgradable()");
            }
        }
        if ((s & (READERS_MASK | WP)) == (R | WP)) {
            wakeWriter();
        }
    }

    /**
     * Acquires a read lock even while a writer waits for readers to drain, provided the lock already
     * has readers: for a thread that already holds a read lock and must take another (a plain
     * {@link #lockRead} would deadlock behind the waiting writer).
     */
    public void lockReadRecursive() {
        final long s = word;
        if (!recursiveFastPath(s)) {
            acquireMain(ACQ_READ_RECURSIVE, false, 0L, false);
        }
    }

    /**
     * As {@link #lockReadRecursive()}, waiting at most {@code timeout}.
     *
     * @throws InterruptedException if interrupted on entry or while waiting; the lock is unchanged
     */
    public boolean tryLockReadRecursive(long timeout, TimeUnit unit) throws InterruptedException {
        return tryAcquireTimed(ACQ_READ_RECURSIVE, timeout, unit);
    }

    private boolean recursiveFastPath(long s) {
        return s >= 0 && ((s & W) == 0 || (s & READERS_MASK) != 0) && WORD.weakCompareAndSet(this, s, s + R);
    }

    // =================================================================================== write

    /**
     * Acquires the write lock: claims WRITER, then waits for the readers inside to leave.
     *
     * @throws IllegalMonitorStateException if the current thread already holds the write lock
     */
    public void lockWrite() {
        if (!WORD.compareAndSet(this, 0L, W)) {
            acquireWrite(false, 0L, false);
        }
        setExclusiveOwnerThread(Thread.currentThread());
    }

    /**
     * Acquires the write lock unless the thread is interrupted.
     *
     * @throws InterruptedException if interrupted on entry or while waiting; the lock is unchanged
     * @throws IllegalMonitorStateException if the current thread already holds the write lock
     */
    public void lockWriteInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (!WORD.compareAndSet(this, 0L, W) && acquireWrite(false, 0L, true) == INTERRUPTED) {
            throw new InterruptedException();
        }
        setExclusiveOwnerThread(Thread.currentThread());
    }

    /** Acquires the write lock if nobody holds, claims or waits for any part of it; never waits. */
    public boolean tryLockWrite() {
        return tryLockWriteNow();
    }

    /*
     * The public methods never call each other's overridable forms: the timed paths call these
     * private helpers, so InstrumentedRwLock (the only subclass: the class is sealed) sees each public
     * call exactly once and no change here can silently bypass its bookkeeping.
     */

    private boolean tryLockWriteNow() {
        if (WORD.compareAndSet(this, 0L, W)) {
            setExclusiveOwnerThread(Thread.currentThread());
            return true;
        }
        return false;
    }

    /**
     * Acquires the write lock, waiting at most {@code timeout} for both steps together (claiming
     * WRITER, then the readers' drain). On timeout everything the call took is given back and
     * waiters it held up are woken.
     *
     * @return true if acquired; false if the time ran out
     * @throws InterruptedException if interrupted on entry or while waiting; the lock is unchanged
     * @throws NullPointerException if {@code unit} is null
     */
    public boolean tryLockWrite(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (tryLockWriteNow()) {
            return true;
        }
        if (nanos <= 0) {
            return tryClaimFreeWrite();
        }
        int r = nanos >= FOREVER_NANOS
                ? acquireWrite(false, 0L, true)
                : acquireWrite(true, System.nanoTime() + nanos, true);
        if (r == INTERRUPTED) {
            throw new InterruptedException();
        }
        if (r == ACQUIRED) {
            setExclusiveOwnerThread(Thread.currentThread());
            return true;
        }
        return false;
    }

    /**
     * A zero or negative timeout: takes the write lock if no thread holds or claims any part of it,
     * even while threads are parked (PARKED stays set for the unlock to see), as parking_lot's
     * {@code try_lock_exclusive_for(0)} does. Unlike parking_lot it does not claim WRITER while
     * readers are inside only to give it back after a few spins: with readers it fails at once.
     */
    private boolean tryClaimFreeWrite() {
        long s = word;
        while ((s & (W | U | WP | READERS_MASK)) == 0) {
            if (WORD.weakCompareAndSet(this, s, s | W)) {
                setExclusiveOwnerThread(Thread.currentThread());
                return true;
            }
            s = word;
        }
        return false;
    }

    /**
     * Releases the write lock. With waiters, wakes readers in arrival order up to and including the
     * first writer, plus at most one upgradable reader; hands off when the lock is fair or the
     * parking lot's fairness timer says so.
     *
     * @throws IllegalMonitorStateException if the current thread does not hold the write lock
     */
    public void unlockWrite() {
        releaseWrite("unlockWrite()", false);
    }

    /**
     * Releases the write lock and, if threads wait, hands it directly to those woken so that no
     * newcomer can barge in.
     *
     * @throws IllegalMonitorStateException if the current thread does not hold the write lock
     */
    public void unlockWriteFair() {
        releaseWrite("unlockWriteFair()", true);
    }

    private void releaseWrite(String op, boolean fair) {
        if (getExclusiveOwnerThread() != Thread.currentThread()) {
            throw misuse(op, "the current thread does not hold the write lock");
        }
        setExclusiveOwnerThread(null);
        if (!WORD.compareAndSet(this, W, 0L)) {
            unlockWriteSlow(op, fair || config.fair);
        }
    }

    private void unlockWriteSlow(String op, boolean fair) {
        final long s = word;
        if (!LockState.isValid(s)) {
            setExclusiveOwnerThread(Thread.currentThread());
            onCorruptWord(s, null);
        }
        if ((s & W) == 0 || (s & READERS_MASK) != 0) {
            setExclusiveOwnerThread(Thread.currentThread());
            throw misuse(op, "the word does not show a held write lock");
        }
        // WRITER with PARKED and no readers: nobody else may change the word until we store it.
        wake(0L, AFTER_WRITE_UNLOCK, fair);
    }

    // =================================================================================== upgradable

    /** Acquires an upgradable read lock: waits while a writer or another upgradable reader is in. */
    public void lockUpgradable() {
        if (!upgradableFastPath()) {
            acquireMain(ACQ_UPGRADABLE, false, 0L, false);
        }
    }

    /**
     * As {@link #lockUpgradable()} unless the thread is interrupted.
     *
     * @throws InterruptedException if interrupted on entry or while waiting; the lock is unchanged
     */
    public void lockUpgradableInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (!upgradableFastPath() && acquireMain(ACQ_UPGRADABLE, false, 0L, true) == INTERRUPTED) {
            throw new InterruptedException();
        }
    }

    /** Acquires an upgradable read lock if no writer and no upgradable reader is in; never waits. */
    public boolean tryLockUpgradable() {
        return upgradableFastPath() || tryAddShare(ACQ_UPGRADABLE);
    }

    /**
     * Acquires an upgradable read lock, waiting at most {@code timeout}.
     *
     * @throws InterruptedException if interrupted on entry or while waiting; the lock is unchanged
     */
    public boolean tryLockUpgradable(long timeout, TimeUnit unit) throws InterruptedException {
        return tryAcquireTimed(ACQ_UPGRADABLE, timeout, unit);
    }

    private boolean upgradableFastPath() {
        final long s = word;
        return (s & (W | U | Long.MIN_VALUE)) == 0 && WORD.weakCompareAndSet(this, s, s + (R | U));
    }

    /**
     * Releases the upgradable read lock; wakes waiting writers and upgraders.
     *
     * @throws IllegalMonitorStateException if the lock has no upgradable holder; the word is unchanged
     */
    public void unlockUpgradable() {
        releaseUpgradable("unlockUpgradable()", false);
    }

    /**
     * Releases the upgradable read lock, handing it off to woken waiters.
     *
     * @throws IllegalMonitorStateException if the lock has no upgradable holder; the word is unchanged
     */
    public void unlockUpgradableFair() {
        releaseUpgradable("unlockUpgradableFair()", true);
    }

    private void releaseUpgradable(String op, boolean fair) {
        long s = word;
        while (true) {
            if ((s & U) == 0 || (s & READERS_MASK) == 0) {
                FaultSeam seam = config.seam;
                if (seam != null && seam.blindUpgradableRelease()) {
                    // The pre-fix arithmetic, for lock-faults only: subtract a share we do not own.
                    WORD.getAndAdd(this, -(R | U));
                    return;
                }
                throw misuse(op, "no upgradable read lock is held");
            }
            if ((s & P) != 0) {
                wake(0L, AFTER_UPGRADABLE_UNLOCK, fair || config.fair);
                return;
            }
            if (WORD.weakCompareAndSet(this, s, s - (R | U))) {
                return;
            }
            s = word;
        }
    }

    /**
     * Turns the upgradable read lock held by the caller into the write lock, waiting for the other
     * readers to leave. No other writer can get in between.
     *
     * @throws IllegalMonitorStateException if the lock has no upgradable holder
     */
    public void upgrade() {
        requireUpgradable("upgrade()");
        final long prev = (long) WORD.getAndAdd(this, W - (R | U));
        if ((prev & READERS_MASK) != R) {
            waitForReaders(false, 0L, false, R | U, GiveBack.UPGRADE, null);
        }
        setExclusiveOwnerThread(Thread.currentThread());
    }

    /**
     * Upgrades to the write lock if the caller is the only reader; never waits.
     *
     * @throws IllegalMonitorStateException if the lock has no upgradable holder
     */
    public boolean tryUpgrade() {
        return tryUpgradeNow("tryUpgrade()");
    }

    private boolean tryUpgradeNow(String op) {
        if (!WORD.compareAndSet(this, R | U, W)) {
            long s = word;
            while (true) {
                if ((s & U) == 0) {
                    throw misuse(op, "no upgradable read lock is held");
                }
                if ((s & READERS_MASK) != R) {
                    return false;
                }
                if (WORD.weakCompareAndSet(this, s, s - (R | U) + W)) {
                    break;
                }
                s = word;
            }
        }
        setExclusiveOwnerThread(Thread.currentThread());
        return true;
    }

    /**
     * Upgrades to the write lock, waiting at most {@code timeout} for the other readers to leave. On
     * timeout the caller still holds its upgradable read lock.
     *
     * @throws InterruptedException if interrupted on entry or while waiting; the caller keeps its
     *                              upgradable read lock
     * @throws IllegalMonitorStateException if the lock has no upgradable holder
     */
    public boolean tryUpgrade(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (nanos <= 0) {
            return tryUpgradeNow("tryUpgrade(timeout)");
        }
        requireUpgradable("tryUpgrade(timeout)");
        final long prev = (long) WORD.getAndAdd(this, W - (R | U));
        if ((prev & READERS_MASK) != R) {
            int r = nanos >= FOREVER_NANOS
                    ? waitForReaders(false, 0L, true, R | U, GiveBack.UPGRADE, null)
                    : waitForReaders(true, System.nanoTime() + nanos, true, R | U, GiveBack.UPGRADE, null);
            if (r == INTERRUPTED) {
                throw new InterruptedException();
            }
            if (r == TIMED_OUT) {
                return false;
            }
        }
        setExclusiveOwnerThread(Thread.currentThread());
        return true;
    }

    /**
     * Atomically turns the write lock into a read lock; wakes waiting readers.
     *
     * @throws IllegalMonitorStateException if the current thread does not hold the write lock
     */
    public void downgrade() {
        requireWriteOwner("downgrade()");
        setExclusiveOwnerThread(null);
        final long prev = (long) WORD.getAndAdd(this, R - W);
        if ((prev & P) != 0) {
            wake(R, CLEAR_PARKED_IF_LAST, false);
        }
    }

    /**
     * Atomically turns the write lock into an upgradable read lock; wakes waiting readers.
     *
     * @throws IllegalMonitorStateException if the current thread does not hold the write lock
     */
    public void downgradeToUpgradable() {
        requireWriteOwner("downgradeToUpgradable()");
        setExclusiveOwnerThread(null);
        final long prev = (long) WORD.getAndAdd(this, (R | U) - W);
        if ((prev & P) != 0) {
            wake(R | U, CLEAR_PARKED_IF_LAST, false);
        }
    }

    /**
     * Atomically turns the upgradable read lock into a plain read lock; wakes a waiting writer or
     * upgrader.
     *
     * @throws IllegalMonitorStateException if the lock has no upgradable holder
     */
    public void downgradeUpgradable() {
        requireUpgradable("downgradeUpgradable()");
        final long prev = (long) WORD.getAndAdd(this, -U);
        if ((prev & P) != 0) {
            wake(R, CLEAR_PARKED_IF_LAST, false);
        }
    }

    private void requireUpgradable(String op) {
        final long s = word;
        if ((s & U) == 0 || (s & READERS_MASK) == 0) {
            throw misuse(op, "no upgradable read lock is held");
        }
    }

    private void requireWriteOwner(String op) {
        if (getExclusiveOwnerThread() != Thread.currentThread() || (word & W) == 0) {
            throw misuse(op, "the current thread does not hold the write lock");
        }
    }

    // =================================================================================== slow paths

    /** Timed acquisition of a read, recursive read or upgradable lock. */
    private boolean tryAcquireTimed(int mode, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (tryAddShare(mode)) {
            return true;
        }
        if (nanos <= 0) {
            return false;
        }
        int r = nanos >= FOREVER_NANOS
                ? acquireMain(mode, false, 0L, true)
                : acquireMain(mode, true, System.nanoTime() + nanos, true);
        if (r == INTERRUPTED) {
            throw new InterruptedException();
        }
        return r == ACQUIRED;
    }

    /** The non-waiting loop of tryLockRead / tryLockUpgradable (parking_lot's try_lock_*_slow). */
    private boolean tryAddShare(int mode) {
        long s = word;
        while (true) {
            if (blocked(mode, s)) {
                return false;
            }
            if (WORD.weakCompareAndSet(this, s, addShare(s, mode))) {
                return true;
            }
            s = word;
        }
    }

    private static boolean blocked(int mode, long s) {
        switch (mode) {
            case ACQ_READ:
                return (s & W) != 0;
            case ACQ_READ_RECURSIVE:
                return (s & W) != 0 && (s & READERS_MASK) == 0;
            default:
                return (s & (W | U)) != 0;
        }
    }

    /** {@code s} plus the share {@code mode} takes; the reader count never wraps. */
    private long addShare(long s, int mode) {
        if (mode == ACQ_WRITE) {
            return s | W;
        }
        if ((s & READERS_MASK) == READERS_MASK) {
            throw new IllegalStateException(
                    this + ": reader count overflow: the lock already has " + "2^60-1 readers; the word is unchanged");
        }
        return s + (mode == ACQ_UPGRADABLE ? R | U : R);
    }

    /** lockWrite's slow path: step 1 in the MAIN queue, step 2 waiting for readers. */
    private int acquireWrite(boolean timed, long deadline, boolean interruptible) {
        if (getExclusiveOwnerThread() == Thread.currentThread()) {
            throw misuse("lockWrite()", "the current thread already holds the write lock (RwLock is not reentrant)");
        }
        return acquireMain(ACQ_WRITE, timed, deadline, interruptible);
    }

    /**
     * Waits in the MAIN queue until the share {@code mode} asks for can be taken (parking_lot's
     * lock_common). For a writer this is step 1 (claim WRITER); step 2 follows here.
     */
    private int acquireMain(int mode, boolean timed, long deadline, boolean interruptible) {
        if (mode != ACQ_WRITE && getExclusiveOwnerThread() == Thread.currentThread()) {
            throw misuse(
                    mode == ACQ_UPGRADABLE ? "lockUpgradable()" : "lockRead()",
                    "the current thread holds the write lock and would wait for itself; use downgrade()");
        }
        final long validateFlags = mode >= ACQ_UPGRADABLE ? W | U : W;
        final long token =
                mode == ACQ_WRITE ? TOKEN_EXCLUSIVE : mode == ACQ_UPGRADABLE ? TOKEN_UPGRADABLE : TOKEN_SHARED;
        Diagnostics.Wait trace = null;
        int spin = 0;
        long s = word;
        while (true) {
            if (!LockState.isValid(s)) {
                s = onCorruptWord(s, trace);
            }
            // Try to take our share.
            if (!blocked(mode, s)) {
                long next;
                try {
                    next = addShare(s, mode);
                } catch (IllegalStateException overflow) {
                    Diagnostics.endWait(this, trace, Diagnostics.FAILED);
                    throw overflow;
                }
                if (WORD.weakCompareAndSet(this, s, next)) {
                    if (mode == ACQ_WRITE) {
                        // Step 2: WRITER is ours; wait for the readers inside to leave.
                        return waitForReaders(timed, deadline, interruptible, 0L, GiveBack.WRITE, trace);
                    }
                    Diagnostics.endWait(this, trace, ACQUIRED);
                    return ACQUIRED;
                }
                Thread.onSpinWait(); // contention on the count: let the others through
                s = word;
                continue;
            }
            // Spin a little while nobody is parked.
            if ((s & (P | WP)) == 0 && spin < SPIN_LIMIT) {
                spinWait(spin++);
                s = word;
                continue;
            }
            // Announce that we park.
            if ((s & P) == 0 && !WORD.weakCompareAndSet(this, s, s | P)) {
                s = word;
                continue;
            }
            if (trace == null) {
                trace = Diagnostics.beginWait(this, lockMode(mode), s);
            }
            long r = ParkingLot.park(
                    this, KEY_MAIN, new MainPark(validateFlags), token, timed, deadline, interruptible, config.seam);
            if (r == ParkingLot.TOKEN_HANDOFF) {
                // The unlocker wrote our share into the word: we own it without touching the word.
                if (mode == ACQ_WRITE) {
                    return waitForReaders(timed, deadline, interruptible, 0L, GiveBack.WRITE, trace);
                }
                Diagnostics.endWait(this, trace, ACQUIRED);
                return ACQUIRED;
            }
            if (r == ParkingLot.TIMED_OUT || r == ParkingLot.INTERRUPTED) {
                int outcome = r == ParkingLot.TIMED_OUT ? TIMED_OUT : INTERRUPTED;
                Diagnostics.endWait(this, trace, outcome);
                return outcome;
            }
            // Unparked normally, or validation failed: try again.
            spin = 0;
            s = word;
        }
    }

    /**
     * Step 2 of a write, and the wait of an upgrade: WRITER is ours; wait until no reader is left.
     *
     * @param prev the share this thread held before it took WRITER (0 for a writer,
     *             ONE_READER|UPGRADABLE for an upgrader), restored on timeout or interrupt
     */
    private int waitForReaders(
            boolean timed, long deadline, boolean interruptible, long prev, GiveBack op, Diagnostics.Wait traceSoFar) {
        Diagnostics.Wait trace = traceSoFar;
        int spin = 0;
        long s = word;
        while ((s & READERS_MASK) != 0) {
            if (!LockState.isValid(s)) {
                s = onCorruptWord(s, trace);
            }
            if (spin < SPIN_LIMIT) {
                spinWait(spin++);
                s = word;
                continue;
            }
            if ((s & WP) == 0 && !WORD.weakCompareAndSet(this, s, s | WP)) {
                s = word;
                continue;
            }
            if (trace == null) {
                trace = Diagnostics.beginWait(this, op == GiveBack.UPGRADE ? LockMode.UPGRADE : LockMode.WRITE, s);
            }
            FaultSeam seamBeforePark = config.seam;
            if (seamBeforePark != null) {
                seamBeforePark.pause(SeamPoint.WRITER_BEFORE_PARK, this);
            }
            long r = ParkingLot.park(
                    this, KEY_WRITER, new WriterPark(op), TOKEN_EXCLUSIVE, timed, deadline, interruptible, config.seam);
            if (r >= 0 || r == ParkingLot.INVALID) {
                // Woken by the last reader, or readers were gone before we slept: re-check, since a
                // reader may have sneaked in while an earlier writer timed out.
                s = word;
                continue;
            }
            // Timed out or interrupted, and no longer queued: give back what this thread took.
            FaultSeam seam = config.seam;
            if (seam != null) {
                seam.pause(SeamPoint.WRITER_TIMED_OUT_BEFORE_RESTORE, this);
            }
            giveBack(prev, op);
            int outcome = r == ParkingLot.TIMED_OUT ? TIMED_OUT : INTERRUPTED;
            Diagnostics.endWait(this, trace, outcome);
            return outcome;
        }
        if ((s & WP) != 0) {
            // Our park found the readers gone (INVALID) after we had set WRITER_PARKED. The last reader
            // saw WP and will clear it in its unpark callback, but that may not have run yet; if we
            // returned with WP set, a downgrade would leave WRITER_PARKED without WRITER (0x12, then
            // 0x02), which every slow path reports as corruption. Clear it now, under the WRITER
            // queue's bucket lock like every other clear of WP; nobody is queued there but us.
            unparkWriterQueue(config.seam);
        }
        Diagnostics.endWait(this, trace, ACQUIRED);
        return ACQUIRED;
    }

    /**
     * Gives back WRITER after a timed-out or interrupted wait for readers, and wakes the threads
     * WRITER held up. WRITER_PARKED was already cleared by the timed-out callback, under the WRITER
     * queue's bucket lock; WRITER is ours alone, so subtracting it is safe.
     */
    private void giveBack(long prev, GiveBack op) {
        FaultSeam seam = config.seam;
        long delta = seam == null ? FaultSeam.fixedGiveBackDelta(prev) : seam.giveBackDelta(op, prev);
        final long before = (long) WORD.getAndAdd(this, delta);
        if ((before & P) != 0) {
            wake(seam == null ? prev : seam.wakeSeedAfterGiveBack(op, prev), CLEAR_PARKED_IF_LAST, false);
        }
    }

    /** The last reader left while the writer is parked: wake it (parking_lot's unlock_shared_slow). */
    private void wakeWriter() {
        FaultSeam seam = config.seam;
        if (seam != null) {
            seam.pause(SeamPoint.LAST_READER_BEFORE_UNPARK, this);
        }
        // The callback runs even if the writer already timed out and left: WRITER_PARKED is cleared
        // under the WRITER queue's bucket lock either way.
        unparkWriterQueue(seam);
    }

    /** Wakes the WRITER queue's waiter, if any; the callback clears WRITER_PARKED under its bucket lock. */
    private void unparkWriterQueue(FaultSeam seam) {
        ParkingLot.unparkOne(
                this,
                KEY_WRITER,
                (n, more, fair) -> {
                    WORD.getAndBitwiseAnd(this, ~WP);
                    return ParkingLot.TOKEN_NORMAL;
                },
                seam);
    }

    /** Wakes MAIN waiters chosen by the wake filter, seeded with {@code seed}. */
    private void wake(long seed, int afterwards, boolean fair) {
        Wake w = new Wake(seed, afterwards, fair);
        ParkingLot.unparkFilter(this, KEY_MAIN, w, w, config.seam);
    }

    /**
     * Handles a word that breaks the layout's invariants: reports it once, wakes every waiter so it
     * can fail too, and throws. A faithful reproduction of the pre-fix crate turns this off through
     * its seam; then the word is returned and the thread goes on as parking_lot 0.12.3 would.
     */
    private long onCorruptWord(long s, Diagnostics.Wait trace) {
        FaultSeam seam = config.seam;
        if (seam != null && !seam.detectCorruption()) {
            return s;
        }
        Diagnostics.endWait(this, trace, Diagnostics.FAILED);
        Diagnostics.corrupted(this, s);
        ParkingLot.unparkAll(this, KEY_MAIN, seam);
        ParkingLot.unparkAll(this, KEY_WRITER, seam);
        throw new LockCorruptedException(this, s);
    }

    /** parking_lot's SpinWait: a few rounds of growing busy-waits, then yields. */
    private static void spinWait(int iteration) {
        if (iteration < 3) {
            for (int i = 2 << iteration; i > 0; i--) {
                Thread.onSpinWait();
            }
        } else {
            Thread.yield();
        }
    }

    private static LockMode lockMode(int acq) {
        switch (acq) {
            case ACQ_WRITE:
                return LockMode.WRITE;
            case ACQ_UPGRADABLE:
                return LockMode.UPGRADABLE;
            default:
                return LockMode.READ;
        }
    }

    /** MAIN-queue park: validate that PARKED is still set and that we are still blocked. */
    private final class MainPark implements ParkingLot.ParkCallbacks {
        private final long flags;

        MainPark(long flags) {
            this.flags = flags;
        }

        @Override
        public boolean validate() {
            final long s = word;
            return (s & P) != 0 && (s & flags) != 0 && (LockState.isValid(s) || !detectsCorruption());
        }

        @Override
        public void timedOut(boolean wasLastThreadOnKey) {
            // Under the MAIN bucket lock: the last waiter to leave clears PARKED.
            if (wasLastThreadOnKey) {
                WORD.getAndBitwiseAnd(RwLock.this, ~P);
            }
        }
    }

    /** WRITER-queue park: validate that readers remain and WRITER_PARKED is still set. */
    private final class WriterPark implements ParkingLot.ParkCallbacks {
        private final GiveBack op;

        WriterPark(GiveBack op) {
            this.op = op;
        }

        @Override
        public boolean validate() {
            final long s = word;
            return (s & READERS_MASK) != 0 && (s & WP) != 0 && (LockState.isValid(s) || !detectsCorruption());
        }

        @Override
        public void timedOut(boolean wasLastThreadOnKey) {
            // The fix of parking_lot PR #466: clear WRITER_PARKED here, under the WRITER queue's bucket
            // lock, where the last reader's unpark callback clears it too. AND is idempotent, so it
            // does not matter which of the two gets here first.
            FaultSeam seam = config.seam;
            if (seam == null || seam.clearWriterParkedOnTimeout(op)) {
                WORD.getAndBitwiseAnd(RwLock.this, ~WP);
            }
        }
    }

    private boolean detectsCorruption() {
        FaultSeam seam = config.seam;
        return seam == null || seam.detectCorruption();
    }

    /**
     * The MAIN wake (parking_lot's wake_parked_threads): walks the queue accumulating the shares of
     * the threads it wakes; stops after a writer; skips writers and upgraders once an upgradable
     * share is in. So it wakes readers in arrival order up to and including the first writer, plus
     * at most one upgrader. The callback then fixes the word under the bucket lock.
     */
    private final class Wake implements ParkingLot.UnparkFilter, ParkingLot.UnparkCallback {
        private long state;
        private final int afterwards;
        private final boolean fair;

        Wake(long seed, int afterwards, boolean fair) {
            this.state = seed;
            this.afterwards = afterwards;
            this.fair = fair;
        }

        @Override
        public int decide(long parkToken) {
            if ((state & W) != 0) {
                return ParkingLot.STOP;
            }
            if ((parkToken & (U | W)) != 0 && (state & U) != 0) {
                return ParkingLot.SKIP;
            }
            state += parkToken;
            return ParkingLot.UNPARK;
        }

        @Override
        public long onUnpark(int unparked, boolean haveMore, boolean beFair) {
            switch (afterwards) {
                case AFTER_WRITE_UNLOCK:
                    // We hold WRITER with no readers and PARKED set: nobody else changes the word
                    // (waiters leaving clear PARKED under this bucket lock, which we hold).
                    if (unparked != 0 && (fair || beFair)) {
                        WORD.setVolatile(RwLock.this, haveMore ? state | P : state);
                        return ParkingLot.TOKEN_HANDOFF;
                    }
                    WORD.setVolatile(RwLock.this, haveMore ? P : 0L);
                    return ParkingLot.TOKEN_NORMAL;
                case AFTER_UPGRADABLE_UNLOCK:
                    return releaseUpgradableUnderBucket(haveMore, unparked != 0 && (fair || beFair));
                default:
                    if (!haveMore) {
                        WORD.getAndBitwiseAnd(RwLock.this, ~P);
                    }
                    return ParkingLot.TOKEN_NORMAL;
            }
        }

        /** Readers come and go while we hold U: CAS our release (and maybe the handoff) in. */
        private long releaseUpgradableUnderBucket(boolean haveMore, boolean handoff) {
            long s = word;
            while (true) {
                long next = s - (R | U);
                boolean handingOff = handoff && readers(next) + readers(state) <= LockState.MAX_READERS;
                if (handingOff) {
                    next += state;
                }
                next = haveMore ? next | P : next & ~P;
                if (WORD.weakCompareAndSet(RwLock.this, s, next)) {
                    return handingOff ? ParkingLot.TOKEN_HANDOFF : ParkingLot.TOKEN_NORMAL;
                }
                s = word;
            }
        }
    }

    private static long readers(long s) {
        return LockState.readers(s);
    }

    // =================================================================================== introspection

    /** The raw lock word, for diagnostics and tests; decode it with {@link LockState}. */
    public long stateWord() {
        return word;
    }

    /** Replaces the word. Tests only (e.g. to reach the reader-count limit without 2^60 threads). */
    void setStateWordForTesting(long s) {
        word = s;
    }

    /**
     * Whether anything holds the lock: readers (on a {@linkplain Builder#readBiased read-biased}
     * lock, biased readers too), an upgradable reader or a writer.
     */
    public boolean isLocked() {
        return (word & (W | READERS_MASK)) != 0 || biasedReadShares() != 0;
    }

    /**
     * Whether a writer holds the lock (not merely claims it while readers drain, or, on a
     * read-biased lock, while biased readers drain).
     */
    public boolean isWriteLocked() {
        final long s = word;
        return (s & W) != 0 && (s & READERS_MASK) == 0 && biasedReadShares() == 0;
    }

    /**
     * The read shares held outside the word: on a {@linkplain Builder#readBiased read-biased} lock
     * the shares on the global slot table (a racy snapshot that scans the table); 0 otherwise.
     */
    long biasedReadShares() {
        return 0L;
    }

    /** Whether the current thread holds the write lock. */
    public boolean isWriteLockedByCurrentThread() {
        return getExclusiveOwnerThread() == Thread.currentThread();
    }

    /** The thread holding the write lock, or null (a racy snapshot, for monitoring). */
    public Thread writeOwner() {
        return getExclusiveOwnerThread();
    }

    /**
     * The number of read holds, an upgradable holder included (saturated at
     * {@code Integer.MAX_VALUE}); on a {@linkplain Builder#readBiased read-biased} lock, biased
     * read shares included.
     */
    public int getReadLockCount() {
        return (int) Math.min(Integer.MAX_VALUE, LockState.readers(word) + biasedReadShares());
    }

    /** Whether any thread is parked waiting for this lock (an estimate, for monitoring). */
    public boolean hasQueuedThreads() {
        return (word & (P | WP)) != 0 && getQueueLength() > 0;
    }

    /** How many threads are parked waiting for this lock (an estimate, for monitoring). */
    public int getQueueLength() {
        return ParkingLot.count(this, KEY_MAIN, KEY_WRITER);
    }

    /** The threads parked on this lock, MAIN queue first. */
    List<ParkingLot.Parked> parkedThreads() {
        return ParkingLot.snapshot(this, KEY_MAIN, KEY_WRITER);
    }

    /** The name given to the builder, or null. */
    public String getName() {
        return config.name;
    }

    /** Whether every unlock with waiters hands off. */
    public boolean isFair() {
        return config.fair;
    }

    /**
     * The lock and its decoded state, e.g.
     * {@code RwLock@1b6d3586[WRITER|WRITER_PARKED, readers=0, owner=worker-3]}; a read-biased lock
     * counts its biased readers among the readers: {@code readers=3 (2 biased)}.
     */
    @Override
    public String toString() {
        final long s = word;
        final long biased = biasedReadShares();
        Thread owner = getExclusiveOwnerThread();
        StringBuilder sb =
                new StringBuilder(96).append(displayName()).append('[').append(LockState.describe(s, biased));
        if (owner != null) {
            sb.append(", owner=").append(owner.getName());
        }
        if (!LockState.isValid(s)) {
            sb.append(", CORRUPT word=").append(LockState.hex(s));
        }
        return sb.append(']').toString();
    }

    /**
     * A number that identifies this lock in diagnostics: its identity hash code, the hex digits
     * after {@code @} in {@link #toString()} and in JFR events' {@code lock} field. Every lockword
     * JFR event carries it as {@code lockId}, so events can be grouped per lock. It costs no field
     * (the lock stays 32 bytes); like any identity hash it is not guaranteed unique among live locks,
     * so a name ({@link Builder#name}) is the way to tell two locks apart for sure.
     */
    public long lockId() {
        return System.identityHashCode(this) & 0xFFFF_FFFFL;
    }

    /** {@code RwLock@hash}, or {@code RwLock(name)@hash} for a named lock. */
    String displayName() {
        String n = config.name;
        String id = Long.toHexString(lockId());
        return n == null ? "RwLock@" + id : "RwLock(" + n + ")@" + id;
    }

    IllegalMonitorStateException misuse(String op, String why) {
        return new IllegalMonitorStateException(this + ": " + op + ": " + why + "; the lock is unchanged");
    }

    // ========================================================================== guards, Duration

    /**
     * Acquires a read lock (as {@link #lockRead()}) and returns a guard that releases it on close:
     * {@code try (var g = lock.read()) { ... }}.
     */
    public final ReadGuard read() {
        lockRead();
        return new ReadGuard(this, true);
    }

    /**
     * Acquires a read lock interruptibly (as {@link #lockReadInterruptibly()}) and returns its guard.
     *
     * @throws InterruptedException if interrupted on entry or while waiting; the lock is unchanged
     */
    public final ReadGuard readInterruptibly() throws InterruptedException {
        lockReadInterruptibly();
        return new ReadGuard(this, true);
    }

    /**
     * Tries for a read lock for at most {@code timeout} (as {@link #tryLockRead(long, TimeUnit)});
     * the guard's {@link ReadGuard#acquired()} says whether it got one. Closing a guard that did not
     * acquire does nothing.
     *
     * @throws InterruptedException if interrupted on entry or while waiting; the lock is unchanged
     */
    public final ReadGuard tryRead(Duration timeout) throws InterruptedException {
        return new ReadGuard(this, tryLockRead(timeout));
    }

    /**
     * Acquires the write lock (as {@link #lockWrite()}) and returns a guard that releases it on
     * close: {@code try (var g = lock.write()) { ... }}.
     */
    public final WriteGuard write() {
        lockWrite();
        return new WriteGuard(this, true, false);
    }

    /**
     * Acquires the write lock interruptibly (as {@link #lockWriteInterruptibly()}) and returns its guard.
     *
     * @throws InterruptedException if interrupted on entry or while waiting; the lock is unchanged
     */
    public final WriteGuard writeInterruptibly() throws InterruptedException {
        lockWriteInterruptibly();
        return new WriteGuard(this, true, false);
    }

    /**
     * Tries for the write lock for at most {@code timeout} (as {@link #tryLockWrite(long, TimeUnit)});
     * the guard's {@link WriteGuard#acquired()} says whether it got it. Closing a guard that did not
     * acquire does nothing.
     *
     * @throws InterruptedException if interrupted on entry or while waiting; the lock is unchanged
     */
    public final WriteGuard tryWrite(Duration timeout) throws InterruptedException {
        return new WriteGuard(this, tryLockWrite(timeout), false);
    }

    /**
     * Acquires the upgradable read lock (as {@link #lockUpgradable()}) and returns its guard, whose
     * {@link UpgradableGuard#upgrade()} gives a nested write guard.
     */
    public final UpgradableGuard upgradable() {
        lockUpgradable();
        return new UpgradableGuard(this, true);
    }

    /**
     * Tries for the upgradable read lock for at most {@code timeout}; the guard's
     * {@link UpgradableGuard#acquired()} says whether it got it.
     *
     * @throws InterruptedException if interrupted on entry or while waiting; the lock is unchanged
     */
    public final UpgradableGuard tryUpgradable(Duration timeout) throws InterruptedException {
        return new UpgradableGuard(this, tryLockUpgradable(timeout));
    }

    /**
     * Runs {@code body} under a read lock and returns its result; the lock is released however
     * {@code body} ends.
     */
    public final <T> T withRead(java.util.function.Supplier<? extends T> body) {
        Objects.requireNonNull(body, "body");
        lockRead();
        try {
            return body.get();
        } finally {
            unlockRead();
        }
    }

    /**
     * Runs {@code body} under the write lock and returns its result; the lock is released however
     * {@code body} ends.
     */
    public final <T> T withWrite(java.util.function.Supplier<? extends T> body) {
        Objects.requireNonNull(body, "body");
        lockWrite();
        try {
            return body.get();
        } finally {
            unlockWrite();
        }
    }

    /** {@link #tryLockRead(long, TimeUnit)} with a {@link Duration} (saturated to the nanosecond range). */
    public final boolean tryLockRead(Duration timeout) throws InterruptedException {
        return tryLockRead(nanos(timeout), TimeUnit.NANOSECONDS);
    }

    /** {@link #tryLockReadRecursive(long, TimeUnit)} with a {@link Duration}. */
    public final boolean tryLockReadRecursive(Duration timeout) throws InterruptedException {
        return tryLockReadRecursive(nanos(timeout), TimeUnit.NANOSECONDS);
    }

    /** {@link #tryLockWrite(long, TimeUnit)} with a {@link Duration}. */
    public final boolean tryLockWrite(Duration timeout) throws InterruptedException {
        return tryLockWrite(nanos(timeout), TimeUnit.NANOSECONDS);
    }

    /** {@link #tryLockUpgradable(long, TimeUnit)} with a {@link Duration}. */
    public final boolean tryLockUpgradable(Duration timeout) throws InterruptedException {
        return tryLockUpgradable(nanos(timeout), TimeUnit.NANOSECONDS);
    }

    /** {@link #tryUpgrade(long, TimeUnit)} with a {@link Duration}. */
    public final boolean tryUpgrade(Duration timeout) throws InterruptedException {
        return tryUpgrade(nanos(timeout), TimeUnit.NANOSECONDS);
    }

    private static long nanos(Duration timeout) {
        return TimeUnit.NANOSECONDS.convert(Objects.requireNonNull(timeout, "timeout"));
    }

    // =================================================================================== views

    /** The read lock as a {@link Lock}; its conditions are unsupported. */
    @Override
    public Lock readLock() {
        Views v = views;
        return (v != null ? v : initViews()).read;
    }

    /** The write lock as a {@link Lock}, whose {@link Lock#newCondition()} works. */
    @Override
    public Lock writeLock() {
        Views v = views;
        return (v != null ? v : initViews()).write;
    }

    private Views initViews() {
        Views fresh = new Views(new ReadView(this), new WriteView(this));
        Views witness = (Views) VIEWS.compareAndExchange(this, (Views) null, fresh);
        return witness == null ? fresh : witness;
    }

    private static final class Views {
        final Lock read;
        final Lock write;

        Views(Lock read, Lock write) {
            this.read = read;
            this.write = write;
        }
    }

    private static final class ReadView implements Lock {
        private final RwLock lock;

        ReadView(RwLock lock) {
            this.lock = lock;
        }

        @Override
        public void lock() {
            lock.lockRead();
        }

        @Override
        public void lockInterruptibly() throws InterruptedException {
            lock.lockReadInterruptibly();
        }

        @Override
        public boolean tryLock() {
            return lock.tryLockRead();
        }

        @Override
        public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
            return lock.tryLockRead(time, unit);
        }

        @Override
        public void unlock() {
            lock.unlockRead();
        }

        @Override
        public Condition newCondition() {
            throw new UnsupportedOperationException(lock + ": read locks have no conditions");
        }

        @Override
        public String toString() {
            return lock + ".readLock()";
        }
    }

    private static final class WriteView implements Lock {
        private final RwLock lock;

        WriteView(RwLock lock) {
            this.lock = lock;
        }

        @Override
        public void lock() {
            lock.lockWrite();
        }

        @Override
        public void lockInterruptibly() throws InterruptedException {
            lock.lockWriteInterruptibly();
        }

        @Override
        public boolean tryLock() {
            return lock.tryLockWrite();
        }

        @Override
        public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
            return lock.tryLockWrite(time, unit);
        }

        @Override
        public void unlock() {
            lock.unlockWrite();
        }

        @Override
        public Condition newCondition() {
            return new WriteCondition(lock);
        }

        @Override
        public String toString() {
            return lock + ".writeLock()";
        }
    }

    // =================================================================================== serialization

    /** Serialized as its name and fairness; a deserialized lock is unlocked, like ReentrantReadWriteLock. */
    Object writeReplace() throws ObjectStreamException {
        return new SerialForm(config.name, config.fair, config.checked, config.readBiased);
    }

    private static final class SerialForm implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String name;
        private final boolean fair;
        private final boolean checked;
        private final boolean readBiased;

        SerialForm(String name, boolean fair, boolean checked, boolean readBiased) {
            this.name = name;
            this.fair = fair;
            this.checked = checked;
            this.readBiased = readBiased;
        }

        private Object readResolve() throws ObjectStreamException {
            if (name == null && !checked && !readBiased) {
                return new RwLock(fair);
            }
            Builder b = builder().fair(fair).checked(checked).readBiased(readBiased);
            return (name == null ? b : b.name(name)).build();
        }
    }

    // =================================================================================== builder

    /** Builds a named, checked or observed {@link RwLock}. Not thread-safe. */
    public static final class Builder {
        private String name;
        private boolean fair;
        private boolean checked;
        private boolean trackHolds = true;
        private boolean readBiased;
        private LockListener listener;
        private Duration longHold = Config.DEFAULT_LONG_HOLD;

        private Builder() {}

        /** The name that toString(), exceptions, events and reports show. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Whether every unlock with waiters hands off (default false: eventually fair). */
        public Builder fair(boolean fair) {
            this.fair = fair;
            return this;
        }

        /**
         * Whether the lock tracks each thread's read holds and turns self-deadlocks (a read holder
         * asking for the write or upgradable lock, a read re-entry behind a waiting writer) and
         * unlocks without a hold into {@link IllegalMonitorStateException}s. Costs speed; default off.
         */
        public Builder checked(boolean checked) {
            this.checked = checked;
            return this;
        }

        /**
         * Whether the lock records its write and upgradable holders with the times they acquired and
         * released it, for the watchdog and long-hold events (default on for built locks; a plain
         * {@code new RwLock()} records only the current write owner). Off, an acquisition allocates
         * no record and reads no clock, also on a read-biased lock; checked mode still records the
         * upgradable holder, which its misuse checks need.
         */
        public Builder trackHolds(boolean trackHolds) {
            this.trackHolds = trackHolds;
            return this;
        }

        /**
         * Whether reads scale past the one word (default off): BRAVO (Dice and Kogan, USENIX ATC 2019).
         * While the lock is read-biased a reader publishes itself in a slot of a global table of
         * visible readers (chosen by hashing thread and lock) instead of adding to the word, so
         * readers of the lock no longer write one shared cache line. Every path to exclusive
         * ownership ({@code lockWrite}, its interruptible and {@code tryLockWrite} forms, the write
         * view, condition re-acquisition, {@code upgrade} and {@code tryUpgrade}) takes the word's
         * write lock, then revokes the bias and waits for the biased readers to leave; the bias
         * comes back only after nine times as long as the last revocation took, so writers are not
         * starved. Upgradable acquisition does not revoke.
         *
         * <p>Costs: a global table of 1,024 padded slots (about 132 KiB, allocated once); each
         * revocation scans the whole table, so a write after a read-biased period costs
         * microseconds more; and a read share taken on a slot is bound to the thread that took it:
         * only that thread can release it ({@link #unlockRead()} looks at the thread's own slot
         * first, then the word). Use it for read-mostly locks read by many threads at once.
         */
        public Builder readBiased(boolean readBiased) {
            this.readBiased = readBiased;
            return this;
        }

        /** Receives contention, timeout, corruption and long-hold notices; its exceptions are contained. */
        public Builder listener(LockListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** A write or upgradable hold longer than this is reported (default 20 ms). */
        public Builder longHoldThreshold(Duration threshold) {
            if (threshold.isNegative()) {
                throw new IllegalArgumentException("negative threshold: " + threshold);
            }
            this.longHold = threshold;
            return this;
        }

        /** A new unlocked lock. */
        public RwLock build() {
            Config c = new Config(name, fair, checked, trackHolds, readBiased, listener, null, longHold.toNanos());
            return c.instrumented() ? new InstrumentedRwLock(c) : new RwLock(c);
        }
    }
}
