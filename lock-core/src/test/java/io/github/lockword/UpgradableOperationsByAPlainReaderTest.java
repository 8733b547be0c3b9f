// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A thread holding only plain read locks is not the upgradable holder: every operation that needs
 * the upgradable lock throws {@link IllegalMonitorStateException} naming the lock and its state,
 * and leaves the word as it was, even though the word has readers. (On a free lock the missing
 * reader alone would make them throw; here only the missing UPGRADABLE bit can.)
 */
class UpgradableOperationsByAPlainReaderTest extends LockTestSupport {

    @FunctionalInterface
    interface Op {
        void run(RwLock lock) throws Throwable;
    }

    static Stream<Arguments> upgradableOperations() {
        return Stream.of(
                Arguments.of("unlockUpgradable", (Op) RwLock::unlockUpgradable),
                Arguments.of("unlockUpgradableFair", (Op) RwLock::unlockUpgradableFair),
                Arguments.of("upgrade", (Op) RwLock::upgrade),
                Arguments.of("tryUpgrade()", (Op) RwLock::tryUpgrade),
                Arguments.of("tryUpgrade(timeout)", (Op) l -> l.tryUpgrade(SHORT_DELAY_MS, MILLISECONDS)),
                Arguments.of("downgradeUpgradable", (Op) RwLock::downgradeUpgradable));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("upgradableOperations")
    void aPlainReaderCannotUseTheUpgradableLock(String name, Op op) throws InterruptedException {
        RwLock lock = new RwLock();
        lock.lockRead();
        Holder other = holdRead(lock);
        assertWord(2 * R, lock);
        assertMisuse(lock, () -> op.run(lock));
        other.release();
        assertWord(R, lock);
        assertMisuse(lock, () -> op.run(lock));
        lock.unlockRead();
        assertWord(0, lock);
    }
}
