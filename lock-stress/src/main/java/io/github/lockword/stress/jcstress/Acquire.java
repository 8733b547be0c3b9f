// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.stress.jcstress;

import io.github.lockword.RwLock;
import java.util.concurrent.TimeUnit;

/**
 * Timed and interruptible acquisitions for jcstress actors, which may not throw checked
 * exceptions: each returns {@link #ACQUIRED}, {@link #TIMED_OUT} or {@link #INTERRUPTED}.
 */
final class Acquire {

    /** The lock was acquired. */
    static final int ACQUIRED = 1;
    /** A timed acquisition gave up. */
    static final int TIMED_OUT = -1;
    /** The acquisition threw InterruptedException. No jcstress test interrupts, so this is a bug. */
    static final int INTERRUPTED = -2;

    /**
     * The timeout of a patient acquisition: against a holder that releases within microseconds it
     * expires only if the waiter slept through the release (a lost wake-up), so tests make that
     * outcome FORBIDDEN. Long enough for a stalled, loaded machine; short enough that a lost
     * wake-up shows up as a result rather than a hang. {@code -Dlockword.jcstress.patientNanos=N}
     * overrides it (e.g. to check quickly that a lock which loses wake-ups fails the tests).
     */
    static final long PATIENT_NANOS = Long.getLong("lockword.jcstress.patientNanos", TimeUnit.SECONDS.toNanos(5));

    private Acquire() {}

    static int tryWrite(RwLock lock, long nanos) {
        try {
            return lock.tryLockWrite(nanos, TimeUnit.NANOSECONDS) ? ACQUIRED : TIMED_OUT;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        }
    }

    static int tryRead(RwLock lock, long nanos) {
        try {
            return lock.tryLockRead(nanos, TimeUnit.NANOSECONDS) ? ACQUIRED : TIMED_OUT;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        }
    }

    static int tryUpgradable(RwLock lock, long nanos) {
        try {
            return lock.tryLockUpgradable(nanos, TimeUnit.NANOSECONDS) ? ACQUIRED : TIMED_OUT;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        }
    }

    static int tryUpgrade(RwLock lock, long nanos) {
        try {
            return lock.tryUpgrade(nanos, TimeUnit.NANOSECONDS) ? ACQUIRED : TIMED_OUT;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        }
    }

    static int writeInterruptibly(RwLock lock) {
        try {
            lock.lockWriteInterruptibly();
            return ACQUIRED;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        }
    }

    static int readInterruptibly(RwLock lock) {
        try {
            lock.lockReadInterruptibly();
            return ACQUIRED;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        }
    }

    static int upgradableInterruptibly(RwLock lock) {
        try {
            lock.lockUpgradableInterruptibly();
            return ACQUIRED;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        }
    }
}
