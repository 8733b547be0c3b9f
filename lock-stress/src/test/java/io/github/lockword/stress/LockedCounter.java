// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.stress;

import io.github.lockword.LockState;
import io.github.lockword.RwLock;
import java.util.concurrent.TimeUnit;
import org.jetbrains.lincheck.datastructures.Operation;

/**
 * The Lincheck subject: a counter guarded by an {@link RwLock}, one operation per way of using the
 * lock. Checked against {@link GuardedCounterSpec}: if the lock excludes and publishes correctly,
 * every concurrent history is explained by some order of whole operations.
 *
 * <p>The counter is kept twice ({@code counter} and {@code shadow}, written in that order); a
 * reader that finds them different, or sees a probe's scratch value, was inside together with a
 * writer and returns a value the specification never produces.
 *
 * <p>Timed operations come in two kinds. "Timed" ones wait up to {@link #PATIENT_NANOS} and try
 * again until they succeed: a timeout is legal, so the retry keeps the result independent of it,
 * while each failed attempt runs the timeout and give-back path. (Under Lincheck's model checking
 * {@code System.nanoTime()} is a constant, so a deadline never passes by itself; the tests that
 * want timeouts there use lock-faults' chaos to make every timed park expire at once.) "Probe" ones
 * use a near-zero timeout once; a probe's effect on the counter is nil whether it succeeds or not
 * (it scribbles, then restores), so its result does not depend on winning the race, yet an
 * overlapping reader would still see the scribble.
 */
public abstract class LockedCounter {

    /** Returned by readers that saw a torn or scribbled counter. */
    static final int TORN = -1_000_000;
    /** The probes' scratch value. */
    static final int SCRIBBLE = -7;

    static final long PATIENT_NANOS = TimeUnit.SECONDS.toNanos(10);
    static final long PROBE_NANOS = 1;

    final RwLock lock;
    private int counter;
    private int shadow;

    /** Subclasses pass the lock under test (Lincheck needs their no-argument constructors). */
    LockedCounter(RwLock lock) {
        this.lock = lock;
    }

    private int snapshot() {
        int c = counter;
        int s = shadow;
        return c == s && c != SCRIBBLE ? c : TORN;
    }

    private int increment() {
        int v = counter + 1;
        counter = v;
        shadow = v;
        return v;
    }

    private void scribbleAndRestore() {
        int c = counter;
        int s = shadow;
        counter = SCRIBBLE;
        shadow = SCRIBBLE;
        counter = c;
        shadow = s;
    }

    @Operation
    public int read() {
        lock.lockRead();
        try {
            return snapshot();
        } finally {
            lock.unlockRead();
        }
    }

    @Operation
    public int readInterruptibly() throws InterruptedException {
        lock.lockReadInterruptibly();
        try {
            return snapshot();
        } finally {
            lock.unlockRead();
        }
    }

    @Operation
    public int timedRead() throws InterruptedException {
        while (!lock.tryLockRead(PATIENT_NANOS, TimeUnit.NANOSECONDS)) {
            Thread.onSpinWait(); // timed out: the word must be as before; try again
        }
        try {
            return snapshot();
        } finally {
            lock.unlockRead();
        }
    }

    @Operation
    public int recursiveRead() {
        lock.lockRead();
        try {
            lock.lockReadRecursive();
            try {
                return snapshot();
            } finally {
                lock.unlockRead();
            }
        } finally {
            lock.unlockRead();
        }
    }

    @Operation
    public int upgradableRead() {
        lock.lockUpgradable();
        try {
            return snapshot();
        } finally {
            lock.unlockUpgradable();
        }
    }

    @Operation
    public int timedUpgradableRead() throws InterruptedException {
        while (!lock.tryLockUpgradable(PATIENT_NANOS, TimeUnit.NANOSECONDS)) {
            Thread.onSpinWait(); // timed out: the word must be as before; try again
        }
        try {
            return snapshot();
        } finally {
            lock.unlockUpgradable();
        }
    }

    @Operation
    public int write() {
        lock.lockWrite();
        try {
            return increment();
        } finally {
            lock.unlockWrite();
        }
    }

    @Operation
    public int writeInterruptibly() throws InterruptedException {
        lock.lockWriteInterruptibly();
        try {
            return increment();
        } finally {
            lock.unlockWrite();
        }
    }

    @Operation
    public int timedWrite() throws InterruptedException {
        while (!lock.tryLockWrite(PATIENT_NANOS, TimeUnit.NANOSECONDS)) {
            Thread.onSpinWait(); // timed out: the word must be as before; try again
        }
        try {
            return increment();
        } finally {
            lock.unlockWrite();
        }
    }

    /** Read under the upgradable lock, upgrade, write what was read plus one. */
    @Operation
    public int upgradeWrite() {
        lock.lockUpgradable();
        int seen = snapshot();
        lock.upgrade();
        try {
            int v = increment();
            return v == seen + 1 ? v : TORN;
        } finally {
            lock.unlockWrite();
        }
    }

    @Operation
    public int timedUpgradeWrite() throws InterruptedException {
        lock.lockUpgradable();
        int seen = snapshot();
        while (!lock.tryUpgrade(PATIENT_NANOS, TimeUnit.NANOSECONDS)) {
            Thread.onSpinWait(); // timed out: still upgradable, nobody else may have written
        }
        try {
            int v = increment();
            return v == seen + 1 ? v : TORN;
        } finally {
            lock.unlockWrite();
        }
    }

    /** Increment, downgrade to a read lock, and return what the read lock shows: our own write. */
    @Operation
    public int writeThenDowngrade() {
        lock.lockWrite();
        int v = increment();
        lock.downgrade();
        try {
            return snapshot() == v ? v : TORN;
        } finally {
            lock.unlockRead();
        }
    }

    /** Increment, downgrade to upgradable, then to a plain read lock; our write stays in place. */
    @Operation
    public int writeThenDowngradeToUpgradable() {
        lock.lockWrite();
        int v = increment();
        lock.downgradeToUpgradable();
        int first = snapshot();
        lock.downgradeUpgradable();
        try {
            return first == v && snapshot() == v ? v : TORN;
        } finally {
            lock.unlockRead();
        }
    }

    /** tryLockWrite with a near-zero timeout: exercises the writer's timeout and give-back. */
    @Operation
    public int probeWrite() throws InterruptedException {
        if (lock.tryLockWrite(PROBE_NANOS, TimeUnit.NANOSECONDS)) {
            scribbleAndRestore();
            lock.unlockWrite();
        }
        return 0;
    }

    /** tryUpgrade with a near-zero timeout: exercises the upgrader's timeout and give-back. */
    @Operation
    public int probeUpgrade() throws InterruptedException {
        lock.lockUpgradable();
        if (lock.tryUpgrade(PROBE_NANOS, TimeUnit.NANOSECONDS)) {
            scribbleAndRestore();
            lock.unlockWrite();
        } else {
            lock.unlockUpgradable();
        }
        return 0;
    }

    /** 0 while the word obeys the layout's invariants; otherwise the offending word. */
    @Operation
    public long checkWord() {
        final long word = lock.stateWord();
        return LockState.isValid(word) ? 0L : word;
    }
}
