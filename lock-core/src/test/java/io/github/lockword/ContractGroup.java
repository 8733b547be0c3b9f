// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * One group of the {@link RwLockContract} suite: {@link LockTestSupport}'s machinery plus the
 * variant under test, which every test of the group asks for its locks and, where variants differ,
 * for its semantics.
 */
abstract class ContractGroup extends LockTestSupport {

    private final RwLockContract variant;

    ContractGroup(RwLockContract variant) {
        this.variant = variant;
    }

    /** A new lock of the variant under test; checked to be unlocked with no queue. */
    final RwLock newLock() {
        RwLock lock = variant.newLock();
        assertNotNull(lock, "the variant made no lock");
        assertEquals(0L, lock.stateWord(), () -> "a new lock is not unlocked: " + lock);
        return lock;
    }

    /** Whether the variant throws where the plain lock would wait for itself; see {@link RwLockContract#checked()}. */
    final boolean checkedMode() {
        return variant.checked();
    }
}
