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

    /**
     * WRITER_PARKED as a writer (or upgrader) waiting for readers leaves it in the word. A read-biased
     * lock's writer waits for biased readers outside the parking lot and does not set it: so on a
     * read-biased lock whose word has no reader (all readers on slots), 0. (Readers fall back to the
     * word when their slot is taken, so the test cannot assume where they are.)
     */
    final long wp(RwLock lock) {
        return variant.readBiased() && (lock.stateWord() & LockState.READERS_MASK) == 0 ? 0L : WP;
    }

    /**
     * For tests of the word's own limits: on a read-biased lock, turns the bias off for an hour so
     * that reads take their shares on the word (with the bias on they would go to the slots, where
     * the word's reader limit does not apply). Other locks are returned as they are.
     */
    static RwLock wordReadsOnly(RwLock lock) {
        if (lock instanceof InstrumentedRwLock il && il.isReadBiased()) {
            il.inhibitBiasForTesting(3_600_000_000_000L);
        }
        return lock;
    }

    /** Whether the variant is read-biased; see {@link RwLockContract#readBiased()}. */
    final boolean readBiased() {
        return variant.readBiased();
    }
}
