// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.seam;

/** Which timed operation is giving back what it took after its wait for readers ran out. */
public enum GiveBack {
    /** {@code tryLockWrite(timeout)} / {@code lockWriteInterruptibly()}: it had added WRITER. */
    WRITE,
    /** {@code tryUpgrade(timeout)}: it had swapped ONE_READER|UPGRADABLE for WRITER. */
    UPGRADE
}
