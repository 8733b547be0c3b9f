// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import java.util.concurrent.TimeUnit;

/**
 * The lock {@link RwLock.Builder#build()} returns when hold tracking or checked mode is on. It runs
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
 * </ul>
 * A default {@code new RwLock()} is never an instance of this class, so it pays for none of it.
 */
final class InstrumentedRwLock extends RwLock {

    /*
     * Implementation notes:
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

    /** Checked mode: this lock's read holds per thread; null otherwise. */
    private final transient ThreadLocal<ReadHolds> readHolds;

    private transient volatile Hold writeHold;
    private transient volatile Hold upgradableHold;
    private transient volatile Hold lastWriteHold;
    private transient volatile Hold lastUpgradableHold;

    InstrumentedRwLock(Config config) {
        super(config);
        this.checked = config.checked;
        this.readHolds = config.checked ? new ThreadLocal<>() : null;
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
            super.lockRead();
            addRead();
        } else {
            super.lockRead();
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
            super.lockReadInterruptibly();
            addRead();
        } else {
            super.lockReadInterruptibly();
        }
    }

    @Override
    public boolean tryLockRead() {
        boolean ok = super.tryLockRead();
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
            boolean ok = super.tryLockRead(timeout, unit);
            if (ok) {
                addRead();
            }
            return ok;
        }
        return super.tryLockRead(timeout, unit);
    }

    @Override
    public void lockReadRecursive() {
        super.lockReadRecursive();
        if (checked) {
            addRead();
        }
    }

    @Override
    public boolean tryLockReadRecursive(long timeout, TimeUnit unit) throws InterruptedException {
        boolean ok = super.tryLockReadRecursive(timeout, unit);
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
            super.unlockRead();
            if (--h.count == 0) {
                readHolds.remove();
            }
        } else {
            super.unlockRead();
        }
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
        if (!super.tryLockRead()) {
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
        beginWriteHold();
    }

    @Override
    public void lockWriteInterruptibly() throws InterruptedException {
        if (checked) {
            checkMayWaitForWrite("lockWriteInterruptibly()");
        }
        super.lockWriteInterruptibly();
        beginWriteHold();
    }

    @Override
    public boolean tryLockWrite() {
        if (super.tryLockWrite()) {
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
        if (super.tryLockWrite(timeout, unit)) {
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
        upgraded();
    }

    @Override
    public boolean tryUpgrade() {
        if (checked) {
            requireUpgradableHolder("tryUpgrade()");
        }
        if (super.tryUpgrade()) {
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
        if (super.tryUpgrade(timeout, unit)) {
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
        Thread me = Thread.currentThread();
        Hold h = writeHold;
        if (h != null && h.thread == me) {
            return; // recorded by the inner call of a tryLock*(timeout) path
        }
        writeHold = new Hold(me, LockMode.WRITE, System.nanoTime(), Diagnostics.beginHold());
    }

    private void beginUpgradableHold() {
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
