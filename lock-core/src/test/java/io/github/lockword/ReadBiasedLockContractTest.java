// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import org.junit.jupiter.api.Nested;

/**
 * The {@link RwLockContract} suite against {@code RwLock.builder().readBiased(true).build()}: the
 * instrumented lock with hold tracking and BRAVO's read bias. Reads go to the thread's slot of the
 * global visible-readers table while the lock is read-biased, so the tests that look at the word
 * after a read, or release a read share on another thread, ask {@link #readBiased()} and assert
 * what this variant does instead (their names or comments say so).
 */
class ReadBiasedLockContractTest extends RwLockContract {

    @Override
    protected RwLock newLock() {
        return RwLock.builder().readBiased(true).build();
    }

    @Override
    protected boolean readBiased() {
        return true;
    }

    @Nested
    class Read extends ReadContract {
        Read() {
            super(ReadBiasedLockContractTest.this);
        }
    }

    @Nested
    class Write extends WriteContract {
        Write() {
            super(ReadBiasedLockContractTest.this);
        }
    }

    @Nested
    class Upgradable extends UpgradableContract {
        Upgradable() {
            super(ReadBiasedLockContractTest.this);
        }
    }

    @Nested
    class Timeout extends TimeoutContract {
        Timeout() {
            super(ReadBiasedLockContractTest.this);
        }
    }

    @Nested
    class Interrupt extends InterruptContract {
        Interrupt() {
            super(ReadBiasedLockContractTest.this);
        }
    }

    @Nested
    class Views extends ViewsContract {
        Views() {
            super(ReadBiasedLockContractTest.this);
        }
    }

    @Nested
    class Misuse extends MisuseContract {
        Misuse() {
            super(ReadBiasedLockContractTest.this);
        }
    }

    @Nested
    class Conditions extends WriteConditionContract {
        Conditions() {
            super(ReadBiasedLockContractTest.this);
        }
    }

    @Nested
    class Introspection extends IntrospectionContract {
        Introspection() {
            super(ReadBiasedLockContractTest.this);
        }
    }
}
