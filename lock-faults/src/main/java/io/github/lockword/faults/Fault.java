// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.faults;

/**
 * A historical fault of parking_lot's {@code RwLock} that {@link FaultyLocks} can put back into the
 * production algorithm. Each fault swaps only the steps named here; every other step of the lock is
 * the production code.
 *
 * <p>All three come from the same pre-fix code path (parking_lot 0.12.3 and earlier, fixed by PR
 * #466 in 0.12.4): what a timed writer or upgrader does after its wait for readers ran out. See
 * DESIGN.md section 4.
 */
public enum Fault {

    /**
     * Issue 465 itself, in {@code tryLockWrite(timeout)} (and any timed or interruptible write): the
     * timed-out callback of the WRITER-queue park leaves WRITER_PARKED alone, and the writer gives
     * back with one atomic add of {@code prev - (WRITER | WRITER_PARKED)}, outside the bucket lock.
     * If the last reader's unpark callback has already cleared WRITER_PARKED, the add borrows through
     * all 64 bits: {@code 0x08 -> 0xFFFFFFFFFFFFFFFE}.
     */
    ISSUE_465,

    /**
     * The same arithmetic in {@code tryUpgrade(timeout)}: the give-back adds
     * {@code (ONE_READER | UPGRADABLE) - (WRITER | WRITER_PARKED)} and leaves {@code 0x12}
     * (a reader and WRITER_PARKED; UPGRADABLE lost), and the holder's later
     * {@code unlockUpgradable()} subtracts {@code ONE_READER | UPGRADABLE} from a word without
     * UPGRADABLE, as parking_lot did, giving {@code 0xFFFFFFFFFFFFFFFE}.
     */
    ISSUE_465_UPGRADE,

    /**
     * The wake after a timed-out write or upgrade is seeded with the constant
     * {@code ONE_READER | UPGRADABLE} instead of what the thread held before: the wake filter then
     * skips every parked writer and upgrader, which stay asleep on a free lock.
     */
    ISSUE_465_WAKE_SEED
}
