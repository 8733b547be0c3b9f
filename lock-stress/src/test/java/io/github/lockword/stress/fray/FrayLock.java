// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.stress.fray;

import io.github.lockword.RwLock;
import io.github.lockword.faults.Fault;
import io.github.lockword.faults.FaultyLocks;

/**
 * The locks the Fray scenarios run against. The fixed ones are the production locks, built exactly
 * as an application builds them (no seam, no pause points); the faulty ones come from lock-faults
 * and run the production algorithm through its seam with one issue-465 step put back.
 *
 * <p>A scenario runs in a class loader of Fray's that is new for every iteration, so the lock to use
 * is passed in a system property ({@link #PROPERTY}) rather than in a field.
 */
enum FrayLock {
    /** {@code new RwLock()}. */
    FIXED(false) {
        @Override
        RwLock create() {
            return new RwLock();
        }
    },
    /** {@code new RwLock(true)}: every unlock with waiters hands off. */
    FAIR(false) {
        @Override
        RwLock create() {
            return new RwLock(true);
        }
    },
    /** {@code RwLock.builder().build()}: the builder's lock (InstrumentedRwLock). */
    BUILT(false) {
        @Override
        RwLock create() {
            return RwLock.builder().build();
        }
    },
    /** {@code RwLock.builder().checked(true).build()}: the builder's lock in checked mode. */
    CHECKED(false) {
        @Override
        RwLock create() {
            return RwLock.builder().checked(true).build();
        }
    },
    /** {@code RwLock.builder().readBiased(true).build()}: BRAVO's read bias over the word. */
    READ_BIASED(false) {
        @Override
        RwLock create() {
            return RwLock.builder().readBiased(true).build();
        }
    },
    /** {@code FaultyLocks.create(Fault.ISSUE_465)}: the timed write of parking_lot 0.12.3. */
    ISSUE_465(true) {
        @Override
        RwLock create() {
            return FaultyLocks.create(Fault.ISSUE_465);
        }
    },
    /** {@code FaultyLocks.create(Fault.ISSUE_465_UPGRADE)}: the same in the timed upgrade. */
    ISSUE_465_UPGRADE(true) {
        @Override
        RwLock create() {
            return FaultyLocks.create(Fault.ISSUE_465_UPGRADE);
        }
    },
    /** {@code FaultyLocks.create(Fault.ISSUE_465_WAKE_SEED)}: the wake after a timed-out write skips writers. */
    ISSUE_465_WAKE_SEED(true) {
        @Override
        RwLock create() {
            return FaultyLocks.create(Fault.ISSUE_465_WAKE_SEED);
        }
    };

    /** The system property naming the lock of the current Fray run. */
    static final String PROPERTY = "lockword.fray.lock";

    final boolean faulty;

    FrayLock(boolean faulty) {
        this.faulty = faulty;
    }

    abstract RwLock create();

    /** The lock named by {@link #PROPERTY}. */
    static RwLock forThisRun() {
        String name = System.getProperty(PROPERTY);
        if (name == null) {
            throw new IllegalStateException(PROPERTY + " is not set");
        }
        return valueOf(name).create();
    }
}
