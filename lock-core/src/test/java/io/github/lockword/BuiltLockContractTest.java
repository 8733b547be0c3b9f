// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import org.junit.jupiter.api.Nested;

/**
 * The {@link RwLockContract} suite against {@code RwLock.builder().build()}: the instrumented lock,
 * which records write and upgradable holds.
 */
class BuiltLockContractTest extends RwLockContract {

    @Override
    protected RwLock newLock() {
        return RwLock.builder().build();
    }

    @Nested
    class Read extends ReadContract {
        Read() {
            super(BuiltLockContractTest.this);
        }
    }

    @Nested
    class Write extends WriteContract {
        Write() {
            super(BuiltLockContractTest.this);
        }
    }

    @Nested
    class Upgradable extends UpgradableContract {
        Upgradable() {
            super(BuiltLockContractTest.this);
        }
    }

    @Nested
    class Timeout extends TimeoutContract {
        Timeout() {
            super(BuiltLockContractTest.this);
        }
    }

    @Nested
    class Interrupt extends InterruptContract {
        Interrupt() {
            super(BuiltLockContractTest.this);
        }
    }

    @Nested
    class Views extends ViewsContract {
        Views() {
            super(BuiltLockContractTest.this);
        }
    }

    @Nested
    class Misuse extends MisuseContract {
        Misuse() {
            super(BuiltLockContractTest.this);
        }
    }

    @Nested
    class Conditions extends WriteConditionContract {
        Conditions() {
            super(BuiltLockContractTest.this);
        }
    }

    @Nested
    class Introspection extends IntrospectionContract {
        Introspection() {
            super(BuiltLockContractTest.this);
        }
    }
}
