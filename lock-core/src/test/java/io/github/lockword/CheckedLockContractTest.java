// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import org.junit.jupiter.api.Nested;

/**
 * The {@link RwLockContract} suite against {@code RwLock.builder().checked(true).build()}: the
 * instrumented lock in checked mode, which throws {@link IllegalMonitorStateException} where the
 * other variants would wait for themselves (the tests that differ say so).
 */
class CheckedLockContractTest extends RwLockContract {

    @Override
    protected RwLock newLock() {
        return RwLock.builder().checked(true).build();
    }

    @Override
    protected boolean checked() {
        return true;
    }

    @Nested
    class Read extends ReadContract {
        Read() {
            super(CheckedLockContractTest.this);
        }
    }

    @Nested
    class Write extends WriteContract {
        Write() {
            super(CheckedLockContractTest.this);
        }
    }

    @Nested
    class Upgradable extends UpgradableContract {
        Upgradable() {
            super(CheckedLockContractTest.this);
        }
    }

    @Nested
    class Timeout extends TimeoutContract {
        Timeout() {
            super(CheckedLockContractTest.this);
        }
    }

    @Nested
    class Interrupt extends InterruptContract {
        Interrupt() {
            super(CheckedLockContractTest.this);
        }
    }

    @Nested
    class Views extends ViewsContract {
        Views() {
            super(CheckedLockContractTest.this);
        }
    }

    @Nested
    class Misuse extends MisuseContract {
        Misuse() {
            super(CheckedLockContractTest.this);
        }
    }

    @Nested
    class Conditions extends WriteConditionContract {
        Conditions() {
            super(CheckedLockContractTest.this);
        }
    }

    @Nested
    class Introspection extends IntrospectionContract {
        Introspection() {
            super(CheckedLockContractTest.this);
        }
    }
}
