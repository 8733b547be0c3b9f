// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import org.junit.jupiter.api.Nested;

/**
 * The {@link RwLockContract} suite against {@code new RwLock()}: eventually fair, no instrumentation.
 */
class PlainLockContractTest extends RwLockContract {

    @Override
    protected RwLock newLock() {
        return new RwLock();
    }

    @Nested
    class Read extends ReadContract {
        Read() {
            super(PlainLockContractTest.this);
        }
    }

    @Nested
    class Write extends WriteContract {
        Write() {
            super(PlainLockContractTest.this);
        }
    }

    @Nested
    class Upgradable extends UpgradableContract {
        Upgradable() {
            super(PlainLockContractTest.this);
        }
    }

    @Nested
    class Timeout extends TimeoutContract {
        Timeout() {
            super(PlainLockContractTest.this);
        }
    }

    @Nested
    class Interrupt extends InterruptContract {
        Interrupt() {
            super(PlainLockContractTest.this);
        }
    }

    @Nested
    class Views extends ViewsContract {
        Views() {
            super(PlainLockContractTest.this);
        }
    }

    @Nested
    class Misuse extends MisuseContract {
        Misuse() {
            super(PlainLockContractTest.this);
        }
    }

    @Nested
    class Conditions extends WriteConditionContract {
        Conditions() {
            super(PlainLockContractTest.this);
        }
    }

    @Nested
    class Introspection extends IntrospectionContract {
        Introspection() {
            super(PlainLockContractTest.this);
        }
    }
}
