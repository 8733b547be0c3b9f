// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.faults;

import io.github.lockword.InterruptContract;
import io.github.lockword.IntrospectionContract;
import io.github.lockword.MisuseContract;
import io.github.lockword.ReadContract;
import io.github.lockword.RwLock;
import io.github.lockword.RwLockContract;
import io.github.lockword.TimeoutContract;
import io.github.lockword.UpgradableContract;
import io.github.lockword.ViewsContract;
import io.github.lockword.WriteConditionContract;
import io.github.lockword.WriteContract;
import org.junit.jupiter.api.Nested;

/**
 * lock-core's {@link RwLockContract} suite against {@code FaultyLocks.create()} with no fault
 * switched on: a lock run through lock-faults' seam, every step the production one, with the
 * corruption check on. It must behave exactly as the fixed lock, so no test differs here.
 */
class NoFaultLockContractTest extends RwLockContract {

    @Override
    protected RwLock newLock() {
        return FaultyLocks.create();
    }

    @Nested
    class Read extends ReadContract {
        Read() {
            super(NoFaultLockContractTest.this);
        }
    }

    @Nested
    class Write extends WriteContract {
        Write() {
            super(NoFaultLockContractTest.this);
        }
    }

    @Nested
    class Upgradable extends UpgradableContract {
        Upgradable() {
            super(NoFaultLockContractTest.this);
        }
    }

    @Nested
    class Timeout extends TimeoutContract {
        Timeout() {
            super(NoFaultLockContractTest.this);
        }
    }

    @Nested
    class Interrupt extends InterruptContract {
        Interrupt() {
            super(NoFaultLockContractTest.this);
        }
    }

    @Nested
    class Views extends ViewsContract {
        Views() {
            super(NoFaultLockContractTest.this);
        }
    }

    @Nested
    class Misuse extends MisuseContract {
        Misuse() {
            super(NoFaultLockContractTest.this);
        }
    }

    @Nested
    class Conditions extends WriteConditionContract {
        Conditions() {
            super(NoFaultLockContractTest.this);
        }
    }

    @Nested
    class Introspection extends IntrospectionContract {
        Introspection() {
            super(NoFaultLockContractTest.this);
        }
    }
}
