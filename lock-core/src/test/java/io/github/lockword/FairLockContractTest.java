// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import org.junit.jupiter.api.Nested;

/**
 * The {@link RwLockContract} suite against {@code new RwLock(true)}: every unlock with waiters hands off.
 */
class FairLockContractTest extends RwLockContract {

    @Override
    protected RwLock newLock() {
        return new RwLock(true);
    }

    @Nested
    class Read extends ReadContract {
        Read() {
            super(FairLockContractTest.this);
        }
    }

    @Nested
    class Write extends WriteContract {
        Write() {
            super(FairLockContractTest.this);
        }
    }

    @Nested
    class Upgradable extends UpgradableContract {
        Upgradable() {
            super(FairLockContractTest.this);
        }
    }

    @Nested
    class Timeout extends TimeoutContract {
        Timeout() {
            super(FairLockContractTest.this);
        }
    }

    @Nested
    class Interrupt extends InterruptContract {
        Interrupt() {
            super(FairLockContractTest.this);
        }
    }

    @Nested
    class Views extends ViewsContract {
        Views() {
            super(FairLockContractTest.this);
        }
    }

    @Nested
    class Misuse extends MisuseContract {
        Misuse() {
            super(FairLockContractTest.this);
        }
    }

    @Nested
    class Conditions extends WriteConditionContract {
        Conditions() {
            super(FairLockContractTest.this);
        }
    }

    @Nested
    class Introspection extends IntrospectionContract {
        Introspection() {
            super(FairLockContractTest.this);
        }
    }
}
