// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import org.junit.jupiter.api.Nested;

/**
 * The {@link RwLockContract} suite against {@code RwLock.builder().trackHolds(false).build()}: a built
 * lock with neither hold tracking nor checked mode.
 */
class UntrackedLockContractTest extends RwLockContract {

    @Override
    protected RwLock newLock() {
        return RwLock.builder().trackHolds(false).build();
    }

    @Nested
    class Read extends ReadContract {
        Read() {
            super(UntrackedLockContractTest.this);
        }
    }

    @Nested
    class Write extends WriteContract {
        Write() {
            super(UntrackedLockContractTest.this);
        }
    }

    @Nested
    class Upgradable extends UpgradableContract {
        Upgradable() {
            super(UntrackedLockContractTest.this);
        }
    }

    @Nested
    class Timeout extends TimeoutContract {
        Timeout() {
            super(UntrackedLockContractTest.this);
        }
    }

    @Nested
    class Interrupt extends InterruptContract {
        Interrupt() {
            super(UntrackedLockContractTest.this);
        }
    }

    @Nested
    class Views extends ViewsContract {
        Views() {
            super(UntrackedLockContractTest.this);
        }
    }

    @Nested
    class Misuse extends MisuseContract {
        Misuse() {
            super(UntrackedLockContractTest.this);
        }
    }

    @Nested
    class Conditions extends WriteConditionContract {
        Conditions() {
            super(UntrackedLockContractTest.this);
        }
    }

    @Nested
    class Introspection extends IntrospectionContract {
        Introspection() {
            super(UntrackedLockContractTest.this);
        }
    }
}
