// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.stress;

/**
 * The sequential specification the Lincheck tests check the lock against: a counter that every
 * operation reads or increments, as if the lock were a perfect one (each operation runs alone).
 * Method for method it mirrors {@link LockedCounter}, without any lock.
 */
public class GuardedCounterSpec {

    private int counter;

    public int read() {
        return counter;
    }

    public int readInterruptibly() {
        return counter;
    }

    public int timedRead() {
        return counter;
    }

    public int recursiveRead() {
        return counter;
    }

    public int upgradableRead() {
        return counter;
    }

    public int timedUpgradableRead() {
        return counter;
    }

    public int write() {
        return ++counter;
    }

    public int writeInterruptibly() {
        return ++counter;
    }

    public int timedWrite() {
        return ++counter;
    }

    public int upgradeWrite() {
        return ++counter;
    }

    public int timedUpgradeWrite() {
        return ++counter;
    }

    public int writeThenDowngrade() {
        return ++counter;
    }

    public int writeThenDowngradeToUpgradable() {
        return ++counter;
    }

    public int probeWrite() {
        return 0;
    }

    public int probeUpgrade() {
        return 0;
    }

    public long checkWord() {
        return 0L;
    }
}
