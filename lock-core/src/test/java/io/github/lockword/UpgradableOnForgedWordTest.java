// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A word that shows UPGRADABLE without a reader (0x04: the upgradable holder is always counted as a
 * reader, so only a bug or a fault writes it) is refused by every operation that needs the
 * upgradable lock: misuse naming the lock and the state, the word unchanged. Subtracting the share
 * anyway would drive the reader count negative, into the signal bits.
 */
class UpgradableOnForgedWordTest extends LockTestSupport {

    @FunctionalInterface
    interface Op {
        void run(RwLock lock) throws Throwable;
    }

    private static void refused(String name, Op op) {
        RwLock lock = new RwLock();
        lock.setStateWordForTesting(U);
        IllegalMonitorStateException e = assertMisuse(lock, () -> op.run(lock));
        assertTrue(e.getMessage().contains(name), e.getMessage());
        assertWord(U, lock);
    }

    @Test
    void upgradableWithoutAReaderIsRefusedByTheReleases() {
        refused("unlockUpgradable()", RwLock::unlockUpgradable);
        refused("unlockUpgradableFair()", RwLock::unlockUpgradableFair);
    }

    @Test
    void upgradableWithoutAReaderIsRefusedByTheUpgradesAndTheDowngrade() {
        refused("upgrade()", RwLock::upgrade);
        refused("tryUpgrade(timeout)", l -> l.tryUpgrade(1, MILLISECONDS));
        refused("downgradeUpgradable()", RwLock::downgradeUpgradable);
    }
}
