// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The lock {@link RwLock.Builder#build()} returns when hold tracking, checked mode or read bias is on. It runs
 * exactly {@link RwLock}'s algorithm (every override calls {@code super}) and adds, around it:
 *
 * <ul>
 *   <li><b>Hold tracking</b>: the current write and upgradable holds (thread, acquired-at time) and
 *       the last of each (thread name, acquired, released), kept outside the word for
 *       {@link LockWatchdog} and {@link LockReport}; holds of at least the lock's long-hold threshold
 *       reported on release to the listener and as JFR {@code LockHeld} events.</li>
 *   <li><b>Checked mode</b>: each thread's read holds, so that a read holder asking for the write or
 *       upgradable lock, a read re-entry behind a waiting writer, an upgrade by a thread that also
 *       holds plain reads, and an unlock of what the thread does not hold become
 *       {@link IllegalMonitorStateException}s naming the lock and the thread, thrown before the word
 *       is touched.</li>
 *   <li><b>Read bias</b> ({@link RwLock.Builder#readBiased}): BRAVO (Dice and Kogan, USENIX ATC
 *       2019) on top of the word. While the lock is read-biased a reader takes its share on a slot
 *       of the global {@link VisibleReaders} table instead of the word; every path that obtains
 *       exclusive ownership revokes the bias after it holds the word's write lock and waits for the
 *       slots to drain; the bias comes back {@value #INHIBIT_FACTOR} times the last revocation's
 *       cost later, so writers are not starved.</li>
 * </ul>
 * A default {@code new RwLock()} is never an instance of this class, so it pays for none of it.
 */
final class InstrumentedRwLock extends RwLock {

    /*
     * Implementation notes:
     *
     * Why the read bias lives here and not in a subclass of its own. This class already sees every
     * public call exactly once (RwLock is sealed and its public methods never call each other's
     * overridable forms), and the bias hooks sit at exactly those points: before a read goes to the
     * word, before a read release goes to the word, and after an exclusive acquisition has the word.
     * Hold tracking and checked mode must compose with the bias (a biased read is still a read hold
     * for checked mode; the write hold begins only once the revocation is done), which a separate
     * final subclass could only do by copying this class. A lock built without readBiased(true) pays
     * one read of a final boolean per read operation; new RwLock() pays nothing.
     *
     * The bias, step by step (BRAVO):
     *   read:    recursive read and own slot already holds this lock -> nest on it (never waits,
     *            even behind a revoking writer, which waits for that slot anyway); else if rbias: CAS slot null -> this,
     *            re-read rbias; still set -> done, the word untouched; else release the slot (and wake
     *            a revoker) and fall back to the word. After a read on the word, one time in
     *            REBIAS_SAMPLE at random: if the bias is off, the inhibit time has passed and no
     *            writer has claimed the word, set rbias again.
     *   unlock:  own slot holds this lock -> give back a nested share or the slot; else the word.
     *   write:   take the word's write lock as RwLock does, then if rbias (or revokePending): clear
     *            rbias, publish the revoker, wait until no slot names this lock, set
     *            inhibitUntil = now + INHIBIT_FACTOR * (revocation time). Upgrade likewise after
     *            RwLock's upgrade. Upgradable acquisition excludes only writers: it does not revoke.
     *   failure: a tryLockWrite() that finds slot readers, or a timed or interruptible one that runs
     *            out of time or is interrupted while they drain, gives the write lock back through
     *            RwLock.unlockWrite (a failed upgrade through RwLock.downgradeToUpgradable): the
     *            existing release paths, never an inverse added to the word. rbias stays off and
     *            revokePending tells the next writer that slot readers may remain.
     * rbias can only become true in the hands of a word reader, and no word reader coexists with a
     * writer that holds the word, so a writer that finds rbias false (and nothing pending) owns the
     * lock outright. revokePending is read and written only by the word's write holder.
     */

    /*
     * Hold tracking and checked mode:
     *
     * Who writes what. A Hold is created by the thread that acquired (after the word says it holds)
     * and is cleared by the thread that releases (before the word is released), so the lock's own
     * happens-before orders consecutive holders' writes: the next holder's record can never be
     * overwritten by the previous one's release. The fields are volatile for the watchdog, which only
     * reads them. If releasing the word throws (misuse, corruption) the records are put back.
     *
     * RwLock is sealed (this is its only subclass) and its public methods do not call each other's
     * overridable forms: each public call lands here exactly once. Only WriteCondition (unlockWrite()
     * and lockWrite()), the Lock views and the guards call the public methods, and those land here
     * too, so records stay consistent. Beginning a hold is idempotent all the same.
     *
     * Read holds (checked mode) live in a per-lock ThreadLocal; an entry is removed when its count
     * drops to zero, so threads that come and go leave nothing behind. The upgradable share is not
     * counted as a read hold: it is the upgradable Hold.
     */

    private static final long serialVersionUID = 1L;

    static {
        // Loaded before any instrumented lock is used, so no class loading happens on its paths.
        Class<?> ensureLoaded = Hold.class;
        if (ensureLoaded == null || ReadHolds.class == null) {
            throw new AssertionError();
        }
    }

    /** One write or upgradable hold. Written by its holder; read by anyone. */
    static final class Hold {
        final Thread thread;
        final String threadName;
        final LockMode mode;
        final long acquiredNanos;
        /** The begun JFR LockHeld event, or null. */
        final Object heldEvent;
        /**
         * Written once by the holder before the hold is published as the last hold; readers read it
         * only through that volatile publication (lastWriteHold / lastUpgradableHold).
         */
        long releasedNanos;

        Hold(Thread thread, LockMode mode, long acquiredNanos, Object heldEvent) {
            this.thread = thread;
            this.threadName = thread.getName();
            this.mode = mode;
            this.acquiredNanos = acquiredNanos;
            this.heldEvent = heldEvent;
        }
    }

    /** One thread's plain read holds of this lock (checked mode). */
    private static final class ReadHolds {
        int count;
    }

    private final transient boolean checked;

    /** The bias comes back this many revocation times after a revocation (BRAVO's N). */
    static final int INHIBIT_FACTOR = 9;

    /** On average one read on the word in this many checks whether the bias may come back; a power of two. */
    static final int REBIAS_SAMPLE = 64;

    /** Busy rounds of a revoking writer per slot before it parks. */
    private static final int REVOKE_SPINS = 100;

    /** Built with readBiased(true). */
    private final transient boolean biased;

    /** This lock's hash salt for the {@link VisibleReaders} table. */
    private final transient int salt;

    /** BRAVO's RBias: readers may take their shares on slots. */
    private transient volatile boolean rbias;

    /** Readers may not set {@link #rbias} again before this {@code System.nanoTime()}. */
    private transient volatile long inhibitUntil;

    /** A revocation gave up with slot readers possibly left. Only the word's write holder uses it. */
    private transient boolean revokePending;

    /** The writer waiting for slot readers to drain, for their release to wake; or null. */
    private transient volatile Thread revoker;

    /**
     * Revocations so far: written only by the word's write holder, so read it (tests) after a
     * happens-before edge from the last writer, e.g. holding the lock or after joining the writer.
     */
    private transient long revocations;

    /**
     * Whether write and upgradable holds are recorded ({@link #writeHold}, {@link #upgradableHold}
     * and the last ones): with hold tracking, and in checked mode, whose misuse checks ask who holds
     * the upgradable lock. Off for a lock built with {@code trackHolds(false)} and only read bias:
     * then an acquisition allocates no record and reads no clock.
     */
    private final transient boolean recordsHolds;

    /** Checked mode: this lock's read holds per thread; null otherwise. */
    private final transient ThreadLocal<ReadHolds> readHolds;

    private transient volatile Hold writeHold;
    private transient volatile Hold upgradableHold;
    private transient volatile Hold lastWriteHold;
    private transient volatile Hold lastUpgradableHold;

    InstrumentedRwLock(Config config) {
        super(config);
        this.checked = config.checked;
        this.recordsHolds = config.trackHolds || config.checked;
        this.readHolds = config.checked ? new ThreadLocal<>() : null;
        this.biased = config.readBiased;
        this.salt = config.readBiased ? VisibleReaders.nextSalt() : 0;
        this.rbias = config.readBiased;
        this.inhibitUntil = System.nanoTime();
    }

    // =================================================================================== accessors

    /** The current write hold, or null (also briefly null right after an acquisition). */
    Hold writeHold() {
        return writeHold;
    }

    /** The current upgradable hold, or null. */
    Hold upgradableHold() {
        return upgradableHold;
    }

    /** The last released write hold, or null. */
    Hold lastWriteHold() {
        return lastWriteHold;
    }

    /** The last released upgradable hold, or null. */
    Hold lastUpgradableHold() {
        return lastUpgradableHold;
    }

    boolean isChecked() {
        return checked;
    }

    /** Whether the lock was built read-biased. */
    boolean isReadBiased() {
        return biased;
    }

    /** Whether readers may take biased shares now. */
    boolean biasNow() {
        return rbias;
    }

    /** The {@code System.nanoTime()} before which readers do not turn the bias back on. */
    long inhibitUntilNanos() {
        return inhibitUntil;
    }

    /** The thread revoking the bias (waiting for biased readers to leave), or null. */
    Thread revokingThread() {
        return revoker;
    }

    /**
     * Test hook: turns the bias off until {@code nanos} from now, so that reads go to the word (for
     * tests of the word's own limits). Only while no biased reader holds the lock.
     */
    void inhibitBiasForTesting(long nanos) {
        rbias = false;
        inhibitUntil = System.nanoTime() + nanos;
    }

    @Override
    public boolean hasQueuedThreads() {
        return super.hasQueuedThreads() || (biased && revoker != null);
    }

    @Override
    public int getQueueLength() {
        return super.getQueueLength() + (biased && revoker != null ? 1 : 0);
    }

    /** How many revocations writers have run. */
    long revocations() {
        return revocations;
    }

    @Override
    long biasedReadShares() {
        return biased ? VisibleReaders.shares(this) : 0L;
    }

    /** Checked mode: the current thread's plain read holds of this lock; 0 when not checked. */
    int readHoldCount() {
        if (!checked) {
            return 0;
        }
        ReadHolds h = readHolds.get();
        return h == null ? 0 : h.count;
    }

    // =================================================================================== read

    @Override
    public void lockRead() {
        if (checked) {
            if (isReentry()) {
                readReentry("lockRead()");
                return;
            }
            readOnSlotOrWord();
            addRead();
        } else if (biased) {
            readOnSlotOrWord();
        } else {
            super.lockRead();
        }
    }

    private void readOnSlotOrWord() {
        if (!biased) {
            super.lockRead();
        } else if (!tryBiasedRead(false)) {
            super.lockRead();
            maybeRebias();
        }
    }

    @Override
    public void lockReadInterruptibly() throws InterruptedException {
        if (checked) {
            if (isReentry()) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                readReentry("lockReadInterruptibly()");
                return;
            }
            readInterruptiblyOnSlotOrWord();
            addRead();
        } else if (biased) {
            readInterruptiblyOnSlotOrWord();
        } else {
            super.lockReadInterruptibly();
        }
    }

    private void readInterruptiblyOnSlotOrWord() throws InterruptedException {
        if (!biased) {
            super.lockReadInterruptibly();
            return;
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (!tryBiasedRead(false)) {
            super.lockReadInterruptibly();
            maybeRebias();
        }
    }

    @Override
    public boolean tryLockRead() {
        boolean ok = tryReadOnSlotOrWord();
        if (ok && checked) {
            addRead();
        }
        return ok;
    }

    @Override
    public boolean tryLockRead(long timeout, TimeUnit unit) throws InterruptedException {
        if (checked) {
            if (isReentry()) {
                long unused = unit.toNanos(timeout); // same NullPointerException as the unchecked call
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                readReentry("tryLockRead(timeout)");
                return true;
            }
            boolean ok = timedReadOnSlotOrWord(timeout, unit, false);
            if (ok) {
                addRead();
            }
            return ok;
        }
        return biased ? timedReadOnSlotOrWord(timeout, unit, false) : super.tryLockRead(timeout, unit);
    }

    private boolean tryReadOnSlotOrWord() {
        if (!biased) {
            return super.tryLockRead();
        }
        if (tryBiasedRead(false)) {
            return true;
        }
        if (super.tryLockRead()) {
            maybeRebias();
            return true;
        }
        return false;
    }

    /** A timed read or recursive read: the entry checks of RwLock's, then a slot, then the word. */
    private boolean timedReadOnSlotOrWord(long timeout, TimeUnit unit, boolean recursive) throws InterruptedException {
        if (biased) {
            long unused = unit.toNanos(timeout); // same NullPointerException as RwLock's
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (tryBiasedRead(recursive)) {
                return true;
            }
        }
        boolean ok = recursive ? super.tryLockReadRecursive(timeout, unit) : super.tryLockRead(timeout, unit);
        if (ok && biased) {
            maybeRebias();
        }
        return ok;
    }

    @Override
    public void lockReadRecursive() {
        if (!biased) {
            super.lockReadRecursive();
        } else if (!tryBiasedRead(true)) {
            super.lockReadRecursive();
            maybeRebias();
        }
        if (checked) {
            addRead();
        }
    }

    @Override
    public boolean tryLockReadRecursive(long timeout, TimeUnit unit) throws InterruptedException {
        boolean ok = timedReadOnSlotOrWord(timeout, unit, true);
        if (ok && checked) {
            addRead();
        }
        return ok;
    }

    @Override
    public void unlockRead() {
        if (checked) {
            ReadHolds h = readHolds.get();
            if (h == null) {
                Thread me = Thread.currentThread();
                throw misuse(
                        "unlockRead()",
                        thread(me) + " holds no read lock of this lock"
                                + (isUpgradableHolder(me)
                                        ? "; it holds the upgradable read lock: release that with "
                                                + "unlockUpgradable()"
                                        : ""));
            }
            releaseRead();
            if (--h.count == 0) {
                readHolds.remove();
            }
        } else if (biased) {
            releaseRead();
        } else {
            super.unlockRead();
        }
    }

    /**
     * A read release: this thread's slot if it holds a share there, else the word. A share taken on
     * a slot is bound to the thread that took it; a word share is not (as in RwLock).
     */
    private void releaseRead() {
        if (!biased) {
            super.unlockRead();
            return;
        }
        Thread me = Thread.currentThread();
        int r = VisibleReaders.exitIfHeld(VisibleReaders.slot(me, salt), this, me);
        if (r == VisibleReaders.RELEASED) {
            if (!rbias) {
                VisibleReaders.wake(revoker);
            }
            return;
        }
        if (r == VisibleReaders.UNNESTED) {
            return;
        }
        try {
            super.unlockRead();
        } catch (IllegalMonitorStateException e) {
            throw new IllegalMonitorStateException(e.getMessage() + " (read-biased lock: " + thread(me)
                    + " holds no share on its read-bias slot either; a biased share can be released only by"
                    + " the thread that took it)");
        }
    }

    // =================================================================================== bias

    /**
     * BRAVO's reader fast path: a share on this thread's slot, without touching the word. False:
     * take the share on the word instead. A recursive read by a thread that already holds this
     * lock's slot nests on it, so it never waits, not even behind a revoking writer (which waits for
     * that slot anyway); a plain read by that thread goes to the word and, like any plain read
     * re-entry, waits behind a writer that has claimed the lock.
     */
    private boolean tryBiasedRead(boolean recursive) {
        Thread me = Thread.currentThread();
        int b = VisibleReaders.slot(me, salt);
        if (recursive && VisibleReaders.nestIfHeld(b, this, me)) {
            return true;
        }
        if (!rbias || !VisibleReaders.tryClaim(b, this)) {
            return false;
        }
        if (rbias) {
            VisibleReaders.confirm(b, me);
            return true;
        }
        // A writer cleared the bias after our check: back out; it may already wait for this slot.
        VisibleReaders.release(b);
        VisibleReaders.wake(revoker);
        return false;
    }

    /**
     * After a read share on the word: turn the bias back on once the inhibit time has passed. Only
     * one read in {@link #REBIAS_SAMPLE} on average, chosen at random, reads the clock: while the
     * bias is inhibited every read on the word comes through here, and BRAVO's check there reads a
     * cycle counter, which costs a few cycles, where {@code System.nanoTime()} costs tens of
     * nanoseconds: a clock read on every such read halved the catalog benchmark's throughput on
     * one thread (lock-bench/README.md, "The read-biased lock's sampled clock check"). The bias
     * comes back about {@link #REBIAS_SAMPLE} reads on the word after the inhibit time on average,
     * never earlier.
     */
    private void maybeRebias() {
        if (!rbias
                && (ThreadLocalRandom.current().nextInt() & (REBIAS_SAMPLE - 1)) == 0
                && System.nanoTime() - inhibitUntil >= 0
                && (stateWord() & LockState.WRITER) == 0) {
            rbias = true;
        }
    }

    /**
     * Called by the holder of the word's write lock (a writer, or an upgrader that now holds WRITER):
     * revokes the bias and waits until no slot names this lock.
     *
     * @param wait false: fail at once if a slot reader remains (tryLockWrite(), tryUpgrade())
     * @return ACQUIRED, TIMED_OUT (also for a non-waiting attempt that found readers) or INTERRUPTED;
     *         on anything but ACQUIRED the caller gives the write lock back
     */
    private int revoke(LockMode mode, boolean wait, boolean timed, long deadline, boolean interruptible) {
        if (!rbias && !revokePending) {
            return ACQUIRED;
        }
        final long start = System.nanoTime();
        final Thread me = Thread.currentThread();
        // WRITER is claimed but not held until the biased readers are gone: no owner meanwhile, as
        // while RwLock's writer waits in the WRITER queue.
        setExclusiveOwnerThread(null);
        rbias = false;
        revoker = me;
        int outcome = ACQUIRED;
        boolean reinterrupt = false;
        Diagnostics.Wait trace = null;
        try {
            for (int i = 0; i < VisibleReaders.SLOTS && outcome == ACQUIRED; i++) {
                int b = VisibleReaders.slotNumber(i);
                int spin = 0;
                while (VisibleReaders.names(b, this)) {
                    if (!wait || (timed && deadline - System.nanoTime() <= 0)) {
                        // About to give up: first let a reader that has claimed the slot but not yet
                        // re-checked the bias finish (it is inside, or backs out to the word, which
                        // fails while WRITER is set): failing while it backs out would let a try on
                        // each side fail, where the word lets at least one succeed.
                        if (VisibleReaders.unconfirmed(b, this)) {
                            Thread.onSpinWait();
                            Thread.yield();
                            continue;
                        }
                        if (VisibleReaders.names(b, this)) {
                            outcome = TIMED_OUT;
                            break;
                        }
                        continue;
                    }
                    if (interruptible && Thread.interrupted()) {
                        outcome = INTERRUPTED;
                        break;
                    }
                    if (spin < REVOKE_SPINS) {
                        if (spin++ < REVOKE_SPINS / 2) {
                            Thread.onSpinWait();
                        } else {
                            Thread.yield();
                        }
                        continue;
                    }
                    if (trace == null) {
                        trace = Diagnostics.beginWait(this, mode, stateWord());
                    }
                    if (timed) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            continue; // time is up: give up at the top of the loop
                        }
                        LockSupport.parkNanos(this, left);
                    } else {
                        LockSupport.park(this);
                    }
                    if (!interruptible && Thread.interrupted()) {
                        reinterrupt = true; // park returns at once while the flag is set
                    }
                }
            }
        } finally {
            revoker = null;
            setExclusiveOwnerThread(me); // also for a give-back through RwLock's release path
            long now = System.nanoTime();
            inhibitUntil = now + INHIBIT_FACTOR * (now - start);
            revokePending = outcome != ACQUIRED;
            revocations++;
        }
        Diagnostics.endWait(this, trace, outcome);
        if (reinterrupt) {
            me.interrupt();
        }
        return outcome;
    }

    /** The remaining nanoseconds of a timed exclusive call that started at {@code start}. */
    private static int revokeTimed(InstrumentedRwLock l, LockMode mode, long nanos, long start) {
        if (nanos <= 0) {
            return l.revoke(mode, false, false, 0L, true);
        }
        if (nanos >= FOREVER_NANOS) {
            return l.revoke(mode, true, false, 0L, true);
        }
        return l.revoke(mode, true, true, start + nanos, true);
    }

    /** Checked: whether the current thread already holds a read or the upgradable lock. */
    private boolean isReentry() {
        return readHolds.get() != null || isUpgradableHolder(Thread.currentThread());
    }

    /**
     * A thread that already holds a read share asks for another. A plain read waits while a writer
     * has claimed the lock, and that writer waits for this thread's read: take the share only if no
     * writer has claimed the lock, and throw otherwise. tryLockRead() fails only when WRITER is set.
     */
    private void readReentry(String op) {
        if (!tryReadOnSlotOrWord()) {
            Thread me = Thread.currentThread();
            throw misuse(
                    op,
                    thread(me) + " already holds " + heldDescription(me)
                            + " and a writer is waiting for the readers to leave: a plain read would wait for that "
                            + "writer, which waits for this thread (self-deadlock); use lockReadRecursive() for a "
                            + "nested read");
        }
        addRead();
    }

    private void addRead() {
        ReadHolds h = readHolds.get();
        if (h == null) {
            h = new ReadHolds();
            readHolds.set(h);
        }
        h.count++;
    }

    // =================================================================================== write

    @Override
    public void lockWrite() {
        if (checked) {
            checkMayWaitForWrite("lockWrite()");
        }
        super.lockWrite();
        if (biased) {
            revoke(LockMode.WRITE, true, false, 0L, false);
        }
        beginWriteHold();
    }

    @Override
    public void lockWriteInterruptibly() throws InterruptedException {
        if (checked) {
            checkMayWaitForWrite("lockWriteInterruptibly()");
        }
        super.lockWriteInterruptibly();
        if (biased && revoke(LockMode.WRITE, true, false, 0L, true) != ACQUIRED) {
            super.unlockWrite();
            throw new InterruptedException();
        }
        beginWriteHold();
    }

    @Override
    public boolean tryLockWrite() {
        if (super.tryLockWrite()) {
            if (biased && revoke(LockMode.WRITE, false, false, 0L, false) != ACQUIRED) {
                super.unlockWrite();
                return false;
            }
            beginWriteHold();
            return true;
        }
        return false;
    }

    @Override
    public boolean tryLockWrite(long timeout, TimeUnit unit) throws InterruptedException {
        if (checked) {
            checkMayWaitForWrite("tryLockWrite(timeout)");
        }
        final long start = biased ? System.nanoTime() : 0L;
        if (super.tryLockWrite(timeout, unit)) {
            if (biased) {
                int r = revokeTimed(this, LockMode.WRITE, unit.toNanos(timeout), start);
                if (r != ACQUIRED) {
                    super.unlockWrite(); // the existing release path: wakes whom WRITER held up
                    if (r == INTERRUPTED) {
                        throw new InterruptedException();
                    }
                    return false;
                }
            }
            beginWriteHold();
            return true;
        }
        return false;
    }

    @Override
    public void unlockWrite() {
        releaseWrite("unlockWrite()", false);
    }

    @Override
    public void unlockWriteFair() {
        releaseWrite("unlockWriteFair()", true);
    }

    private void releaseWrite(String op, boolean fair) {
        if (checked) {
            requireWriteOwner(op);
        }
        reportEnd(endWriteHoldAround(fair ? STEP_UNLOCK_FAIR : STEP_UNLOCK));
    }

    /* What endWriteHoldAround / endUpgradableHoldAround run on RwLock. */
    private static final int STEP_UNLOCK = 0;
    private static final int STEP_UNLOCK_FAIR = 1;
    private static final int STEP_DOWNGRADE = 2;
    private static final int STEP_DOWNGRADE_TO_UPGRADABLE = 3;

    /**
     * Ends the current thread's write hold, then runs {@code step} (an unlock or a downgrade of the
     * write lock) on RwLock; if that throws (misuse, corruption), the record is put back as it was
     * and the exception propagates. The record is cleared before the word is released, so the next
     * holder's record cannot be overwritten. Returns the ended hold (null if the record was not this
     * thread's).
     */
    private Hold endWriteHoldAround(int step) {
        Hold h = endWriteHoldBeforeRelease();
        Hold prevLast = h == null ? null : lastWriteHold;
        if (h != null) {
            lastWriteHold = h;
        }
        try {
            switch (step) {
                case STEP_UNLOCK:
                    super.unlockWrite();
                    break;
                case STEP_UNLOCK_FAIR:
                    super.unlockWriteFair();
                    break;
                case STEP_DOWNGRADE:
                    super.downgrade();
                    break;
                default:
                    super.downgradeToUpgradable();
            }
        } catch (RuntimeException | Error e) {
            if (h != null) {
                writeHold = h;
                lastWriteHold = prevLast;
            }
            throw e;
        }
        return h;
    }

    /**
     * Ends the upgradable hold (whoever ends it: unchecked, another thread may release the upgradable
     * lock, as RwLock allows), then runs {@code step} (an unlock or a downgrade) on RwLock; if that
     * throws, the record is put back and the exception propagates. Returns the ended hold, or null.
     */
    private Hold endUpgradableHoldAround(int step) {
        Hold h = upgradableHold;
        Hold prevLast = lastUpgradableHold;
        if (h != null) {
            upgradableHold = null;
            h.releasedNanos = System.nanoTime();
            lastUpgradableHold = h;
        }
        try {
            switch (step) {
                case STEP_UNLOCK:
                    super.unlockUpgradable();
                    break;
                case STEP_UNLOCK_FAIR:
                    super.unlockUpgradableFair();
                    break;
                default:
                    super.downgradeUpgradable();
            }
        } catch (RuntimeException | Error e) {
            if (h != null) {
                upgradableHold = h;
                lastUpgradableHold = prevLast;
            }
            throw e;
        }
        return h;
    }

    // =================================================================================== upgradable

    @Override
    public void lockUpgradable() {
        if (checked) {
            checkMayWaitForUpgradable("lockUpgradable()");
        }
        super.lockUpgradable();
        beginUpgradableHold();
    }

    @Override
    public void lockUpgradableInterruptibly() throws InterruptedException {
        if (checked) {
            checkMayWaitForUpgradable("lockUpgradableInterruptibly()");
        }
        super.lockUpgradableInterruptibly();
        beginUpgradableHold();
    }

    @Override
    public boolean tryLockUpgradable() {
        if (super.tryLockUpgradable()) {
            beginUpgradableHold();
            return true;
        }
        return false;
    }

    @Override
    public boolean tryLockUpgradable(long timeout, TimeUnit unit) throws InterruptedException {
        if (checked) {
            checkMayWaitForUpgradable("tryLockUpgradable(timeout)");
        }
        if (super.tryLockUpgradable(timeout, unit)) {
            beginUpgradableHold();
            return true;
        }
        return false;
    }

    @Override
    public void unlockUpgradable() {
        releaseUpgradable("unlockUpgradable()", false);
    }

    @Override
    public void unlockUpgradableFair() {
        releaseUpgradable("unlockUpgradableFair()", true);
    }

    private void releaseUpgradable(String op, boolean fair) {
        if (checked) {
            requireUpgradableHolder(op);
        }
        reportEnd(endUpgradableHoldAround(fair ? STEP_UNLOCK_FAIR : STEP_UNLOCK));
    }

    @Override
    public void upgrade() {
        if (checked) {
            checkMayUpgrade("upgrade()");
        }
        super.upgrade();
        if (biased) {
            revoke(LockMode.UPGRADE, true, false, 0L, false);
        }
        upgraded();
    }

    @Override
    public boolean tryUpgrade() {
        if (checked) {
            requireUpgradableHolder("tryUpgrade()");
        }
        if (super.tryUpgrade()) {
            if (biased && revoke(LockMode.UPGRADE, false, false, 0L, false) != ACQUIRED) {
                super.downgradeToUpgradable(); // back to the upgradable lock the caller held
                return false;
            }
            upgraded();
            return true;
        }
        return false;
    }

    @Override
    public boolean tryUpgrade(long timeout, TimeUnit unit) throws InterruptedException {
        if (checked) {
            checkMayUpgrade("tryUpgrade(timeout)");
        }
        final long start = biased ? System.nanoTime() : 0L;
        if (super.tryUpgrade(timeout, unit)) {
            if (biased) {
                int r = revokeTimed(this, LockMode.UPGRADE, unit.toNanos(timeout), start);
                if (r != ACQUIRED) {
                    super.downgradeToUpgradable(); // the caller keeps its upgradable read lock
                    if (r == INTERRUPTED) {
                        throw new InterruptedException();
                    }
                    return false;
                }
            }
            upgraded();
            return true;
        }
        return false;
    }

    /** The upgradable share became WRITER: the upgradable hold ends, a write hold begins. Idempotent. */
    private void upgraded() {
        // WRITER is ours: nobody else can take UPGRADABLE, so this record is the one we converted.
        Hold u = upgradableHold;
        if (u != null) {
            upgradableHold = null;
            u.releasedNanos = System.nanoTime();
            lastUpgradableHold = u;
        }
        beginWriteHold();
        reportEnd(u);
    }

    // =================================================================================== downgrades

    @Override
    public void downgrade() {
        if (checked) {
            requireWriteOwner("downgrade()");
        }
        Hold h = endWriteHoldAround(STEP_DOWNGRADE);
        if (checked) {
            addRead();
        }
        reportEnd(h);
    }

    @Override
    public void downgradeToUpgradable() {
        if (checked) {
            requireWriteOwner("downgradeToUpgradable()");
        }
        Hold h = endWriteHoldAround(STEP_DOWNGRADE_TO_UPGRADABLE);
        beginUpgradableHold();
        reportEnd(h);
    }

    @Override
    public void downgradeUpgradable() {
        if (checked) {
            requireUpgradableHolder("downgradeUpgradable()");
        }
        Hold h = endUpgradableHoldAround(STEP_DOWNGRADE);
        if (checked) {
            addRead();
        }
        reportEnd(h);
    }

    // =================================================================================== holds

    private void beginWriteHold() {
        if (!recordsHolds) {
            return;
        }
        Thread me = Thread.currentThread();
        Hold h = writeHold;
        if (h != null && h.thread == me) {
            return; // recorded by the inner call of a tryLock*(timeout) path
        }
        writeHold = new Hold(me, LockMode.WRITE, System.nanoTime(), Diagnostics.beginHold());
    }

    private void beginUpgradableHold() {
        if (!recordsHolds) {
            return;
        }
        Thread me = Thread.currentThread();
        Hold h = upgradableHold;
        if (h != null && h.thread == me) {
            return;
        }
        upgradableHold = new Hold(me, LockMode.UPGRADABLE, System.nanoTime(), Diagnostics.beginHold());
    }

    /**
     * The current thread is about to give up the write lock: clears its record (before the word is
     * released, so the next holder's record cannot be overwritten) and returns it; null if the record
     * is not this thread's (then RwLock itself decides, and throws if the thread is not the owner).
     */
    private Hold endWriteHoldBeforeRelease() {
        Hold h = writeHold;
        if (h == null || h.thread != Thread.currentThread()) {
            return null;
        }
        writeHold = null;
        h.releasedNanos = System.nanoTime();
        return h;
    }

    /** Reports a finished hold (long holds only); runs after the release, on the releasing thread. */
    private void reportEnd(Hold h) {
        if (h != null) {
            Diagnostics.endHold(this, h.mode, h.thread, h.releasedNanos - h.acquiredNanos, h.heldEvent);
        }
    }

    private boolean isUpgradableHolder(Thread t) {
        Hold u = upgradableHold;
        return u != null && u.thread == t;
    }

    // =================================================================================== checked mode

    private void checkMayWaitForWrite(String op) {
        Thread me = Thread.currentThread();
        ReadHolds r = readHolds.get();
        if (r != null) {
            throw misuse(
                    op,
                    thread(me) + " holds " + reads(r.count) + " of this lock and asks for the write "
                            + "lock, which would wait for those reads to be released (self-deadlock); release them "
                            + "first, or hold the upgradable read lock and upgrade()");
        }
        if (isUpgradableHolder(me)) {
            throw misuse(
                    op,
                    thread(me) + " holds the upgradable read lock and asks for the write lock, which "
                            + "would wait for it (self-deadlock); use upgrade()");
        }
    }

    private void checkMayWaitForUpgradable(String op) {
        Thread me = Thread.currentThread();
        ReadHolds r = readHolds.get();
        if (r != null) {
            throw misuse(
                    op,
                    thread(me) + " holds " + reads(r.count) + " of this lock and asks for the "
                            + "upgradable read lock, which waits behind writers that wait for those reads "
                            + "(self-deadlock); release them first");
        }
        if (isUpgradableHolder(me)) {
            throw misuse(op, thread(me) + " already holds the upgradable read lock (it is not reentrant)");
        }
    }

    private void checkMayUpgrade(String op) {
        requireUpgradableHolder(op);
        ReadHolds r = readHolds.get();
        if (r != null) {
            throw misuse(
                    op,
                    thread(Thread.currentThread()) + " also holds " + reads(r.count) + " of this lock; "
                            + "the upgrade would wait for them to be released (self-deadlock); release them first");
        }
    }

    private void requireWriteOwner(String op) {
        Thread me = Thread.currentThread();
        Thread owner = getExclusiveOwnerThread();
        if (owner != me) {
            throw misuse(
                    op,
                    thread(me) + " does not hold the write lock"
                            + (owner == null ? "" : " (" + thread(owner) + " does)"));
        }
    }

    private void requireUpgradableHolder(String op) {
        Thread me = Thread.currentThread();
        Hold u = upgradableHold;
        if (u == null || u.thread != me) {
            throw misuse(
                    op,
                    thread(me) + " does not hold the upgradable read lock"
                            + (u == null ? "" : " (" + thread(u.thread) + " does)"));
        }
    }

    private String heldDescription(Thread me) {
        int n = readHoldCount();
        if (n == 0) {
            return "the upgradable read lock";
        }
        return isUpgradableHolder(me) ? reads(n) + " and the upgradable read lock" : reads(n);
    }

    private static String reads(int n) {
        return n == 1 ? "1 read lock" : n + " read locks";
    }

    private static String thread(Thread t) {
        return "thread \"" + t.getName() + "\"";
    }
}
