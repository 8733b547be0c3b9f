// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.seam;

import io.github.lockword.LockState;
import io.github.lockword.RwLock;
import java.util.Objects;

/**
 * The internal seam through which lock-faults swaps individual slow-path steps of an
 * {@link RwLock} and injects chaos at the parking lot. Exported only to
 * {@code io.github.lockword.faults}.
 *
 * <p>Every method's default is the production (fixed) behaviour, so a seam that overrides nothing
 * runs the production algorithm. A lock made with {@code new RwLock()} or the public builder has no
 * seam at all; the lock consults a seam only on slow paths, never on a fast path.
 *
 * <p>Methods are called from lock operations, some under a parking-lot bucket lock: implementations
 * must not acquire the lock they are called for, and must not park a thread through
 * {@code LockSupport} (that could consume the permit the lock relies on).
 */
public abstract class FaultSeam {

    private static volatile Factory factory;

    /** Creates locks on behalf of {@link #newLock}; installed by {@link RwLock}'s class initialiser. */
    public interface Factory {
        /** A new lock named {@code name} (may be null) running through {@code seam}. */
        RwLock create(String name, boolean fair, FaultSeam seam);
    }

    /** For subclasses. */
    protected FaultSeam() {}

    /**
     * Called once by {@link RwLock}'s class initialiser.
     *
     * @throws IllegalStateException if a factory was already installed
     */
    public static synchronized void installFactory(Factory f) {
        if (WALKER.getCallerClass() != RwLock.class) {
            throw new IllegalCallerException("FaultSeam.installFactory is called by RwLock only");
        }
        if (factory != null) {
            throw new IllegalStateException("the RwLock factory is already installed");
        }
        factory = Objects.requireNonNull(f);
    }

    /** Packages whose classes may build a seamed lock: lock-faults, and lock-core itself (its tests). */
    private static final String FAULTS_PACKAGE = "io.github.lockword.faults";

    private static final String CORE_PACKAGE = "io.github.lockword";

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    /**
     * A new lock that runs the production algorithm with this seam's steps swapped in. Only
     * lockword's fault-injection module may call this: on the module path the seam package is
     * exported to it alone, and on the class path (where a qualified export is not enforced) the
     * caller's package is checked.
     *
     * @throws IllegalCallerException if the caller is not in {@code io.github.lockword.faults} (or
     *                                lock-core's own package)
     */
    public static RwLock newLock(String name, boolean fair, FaultSeam seam) {
        Class<?> caller = WALKER.getCallerClass();
        String pkg = caller.getPackageName();
        if (!pkg.equals(FAULTS_PACKAGE) && !pkg.equals(CORE_PACKAGE)) {
            throw new IllegalCallerException("FaultSeam.newLock refused for " + caller.getName()
                    + ": faulty locks are built only by lockword's fault-injection module; use "
                    + "io.github.lockword.faults.FaultyLocks (lock-faults, a test-scope dependency)");
        }
        Objects.requireNonNull(seam, "seam");
        Factory f = factory;
        if (f == null) {
            // Initialising RwLock installs the factory.
            try {
                Class.forName(RwLock.class.getName(), true, RwLock.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            f = factory;
        }
        return f.create(name, fair, seam);
    }

    // ---------------------------------------------------------------- the steps of issue 465

    /**
     * Whether the timed-out callback of a WRITER-queue park clears WRITER_PARKED under that queue's
     * bucket lock (the fix of parking_lot PR #466). Pre-fix: it did nothing.
     */
    public boolean clearWriterParkedOnTimeout(GiveBack op) {
        return true;
    }

    /**
     * What a timed-out writer or upgrader adds to the word to give back what it took, given
     * {@code prev}, the share it held before (0 for a writer, ONE_READER|UPGRADABLE for an
     * upgrader). Fixed: {@code prev - WRITER}, a bit the caller alone owns. Pre-fix:
     * {@code prev - (WRITER | WRITER_PARKED)}, "clearing by adding the inverse" a bit another thread
     * may already have cleared.
     */
    public long giveBackDelta(GiveBack op, long prev) {
        return fixedGiveBackDelta(prev);
    }

    /**
     * The production give-back (PR #466): subtract only WRITER. The lock without a seam calls this
     * same method, so tests that run the default seam through pause points check the arithmetic the
     * production lock runs, not a copy of it.
     */
    public static long fixedGiveBackDelta(long prev) {
        return prev - LockState.WRITER;
    }

    /**
     * The seed of the MAIN-queue wake after a give-back. Fixed: {@code prev}. Pre-fix: the constant
     * {@code ONE_READER | UPGRADABLE}, which skips parked writers and upgraders.
     */
    public long wakeSeedAfterGiveBack(GiveBack op, long prev) {
        return prev;
    }

    /**
     * Whether {@code unlockUpgradable} on a word without UPGRADABLE subtracts
     * {@code ONE_READER | UPGRADABLE} anyway, as parking_lot does, instead of throwing
     * {@code IllegalMonitorStateException}. Fixed: false.
     */
    public boolean blindUpgradableRelease() {
        return false;
    }

    /**
     * Whether slow paths check the word against the layout's invariants and throw
     * {@code LockCorruptedException} (a lockword addition; parking_lot 0.12.3 had no such check, so a
     * faithful reproduction turns it off). Fixed: true.
     */
    public boolean detectCorruption() {
        return true;
    }

    // ---------------------------------------------------------------- pause points

    /** Called by a thread reaching {@code point}; may hold it there (without LockSupport.park). */
    public void pause(SeamPoint point, Object lock) {}

    // ---------------------------------------------------------------- chaos at the parking seam

    /** Before each sleep of a parked thread: true skips that sleep, as a spurious wake-up would. */
    public boolean spuriousWakeup(Object lock) {
        return false;
    }

    /** Before each sleep of a timed park: true makes its deadline pass now. */
    public boolean expireDeadlineNow(Object lock) {
        return false;
    }

    /** Before each sleep: true interrupts the parked thread first. */
    public boolean interruptBeforePark(Object lock) {
        return false;
    }

    /**
     * Whether an unpark that chose at least one waiter is fair (hands the lock off), given
     * {@code timerDue}, the verdict of the parking-lot bucket's eventual-fairness timer (already
     * consulted and advanced as without a seam). Called under the bucket lock, only when a waiter was
     * chosen. The default returns {@code timerDue}; overriding it lets a test force the timer's
     * verdict either way (a fair lock and the {@code unlock*Fair} calls hand off regardless).
     * Production locks have no seam, so nothing changes for them.
     */
    public boolean fairUnpark(Object lock, boolean timerDue) {
        return timerDue;
    }

    /** After an unparker released the bucket lock and before it publishes the token; may delay. */
    public void beforeUnpark(Object lock, Thread waiter) {}
}
