// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.stress;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lockword.faults.Fault;
import io.github.lockword.faults.FaultyLocks;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.junit.jupiter.api.Test;

/**
 * The model check of {@link RwLockLincheckTest#raceModelCheckingFixedWithTimeouts}, pointed at the
 * faulty locks of parking_lot issue 465: Lincheck must find the corruption (or the hang it causes)
 * and print the interleaving. The test passes only if Lincheck fails.
 */
class Issue465LincheckTest {

    /** The writer's give-back of parking_lot 0.12.3; timed parks expire at once, as for FixedTimeouts. */
    public static class Issue465 extends LockedCounter {
        public Issue465() {
            super(FaultyLocks.builder()
                    .faults(Fault.ISSUE_465)
                    .chaos(RwLockLincheckTest.expireEveryTimedPark())
                    .build());
        }
    }

    /** The upgrader's give-back of parking_lot 0.12.3; timed parks expire at once. */
    public static class Issue465Upgrade extends LockedCounter {
        public Issue465Upgrade() {
            super(FaultyLocks.builder()
                    .faults(Fault.ISSUE_465_UPGRADE)
                    .chaos(RwLockLincheckTest.expireEveryTimedPark())
                    .build());
        }
    }

    @Test
    void modelCheckingFindsIssue465() {
        LincheckAssertionError failure = assertThrows(
                LincheckAssertionError.class,
                () -> RwLockLincheckTest.raceModelChecking().check(Issue465.class));
        report("ISSUE_465", failure);
    }

    @Test
    void modelCheckingFindsIssue465Upgrade() {
        LincheckAssertionError failure = assertThrows(
                LincheckAssertionError.class,
                () -> RwLockLincheckTest.raceModelChecking().check(Issue465Upgrade.class));
        report("ISSUE_465_UPGRADE", failure);
    }

    private static void report(String fault, LincheckAssertionError failure) {
        String message = String.valueOf(failure.getMessage());
        System.out.println("Lincheck found the " + fault + " fault, as it must:");
        System.out.println(message);
        assertTrue(
                message.contains("interleaving leads to the error"),
                "the failure should show the interleaving:\n" + message);
    }
}
