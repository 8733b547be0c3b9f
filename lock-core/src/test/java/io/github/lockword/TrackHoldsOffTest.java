// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code trackHolds(false)} holds on a built lock that is instrumented for another reason. A
 * read-biased lock built without hold tracking used to record every write and upgradable hold
 * anyway (a record allocated, the clock read twice per acquisition: about ten times the cost of a
 * write on the plain lock). Checked mode keeps recording the upgradable holder, which its misuse
 * checks ask for.
 */
class TrackHoldsOffTest {

    private static InstrumentedRwLock build(RwLock.Builder b) {
        return (InstrumentedRwLock) b.build();
    }

    @Test
    void aReadBiasedLockBuiltWithoutHoldTrackingRecordsNoHolds() {
        InstrumentedRwLock lock =
                build(RwLock.builder().name("untracked").readBiased(true).trackHolds(false));
        lock.lockWrite();
        try {
            assertNull(lock.writeHold(), "a write hold was recorded");
        } finally {
            lock.unlockWrite();
        }
        assertNull(lock.lastWriteHold());
        assertTrue(lock.tryLockWrite());
        lock.unlockWrite();
        assertNull(lock.lastWriteHold());
        lock.lockUpgradable();
        try {
            assertNull(lock.upgradableHold(), "an upgradable hold was recorded");
            lock.upgrade();
            assertNull(lock.writeHold());
        } finally {
            lock.unlockWrite();
        }
        assertNull(lock.lastUpgradableHold());
        assertNull(lock.lastWriteHold());
        assertFalse(lock.isLocked());
    }

    @Test
    void theSameLockWithHoldTrackingRecordsThem() {
        InstrumentedRwLock lock = build(RwLock.builder().name("tracked").readBiased(true));
        lock.lockWrite();
        try {
            assertNotNull(lock.writeHold());
        } finally {
            lock.unlockWrite();
        }
        assertNotNull(lock.lastWriteHold());
        lock.lockUpgradable();
        try {
            assertNotNull(lock.upgradableHold());
        } finally {
            lock.unlockUpgradable();
        }
        assertNotNull(lock.lastUpgradableHold());
    }

    @Test
    void checkedModeWithoutHoldTrackingStillKnowsTheUpgradableHolder() {
        InstrumentedRwLock lock =
                build(RwLock.builder().name("checked").checked(true).trackHolds(false));
        lock.lockUpgradable();
        try {
            assertNotNull(lock.upgradableHold());
            // Without the record this second acquisition would wait for itself (a timed try, so that
            // the test fails instead of hanging).
            IllegalMonitorStateException e =
                    assertThrows(IllegalMonitorStateException.class, () -> lock.tryLockUpgradable(1, TimeUnit.SECONDS));
            assertTrue(e.getMessage().contains("already holds the upgradable read lock"), e.getMessage());
        } finally {
            lock.unlockUpgradable();
        }
        assertFalse(lock.isLocked());
    }
}
