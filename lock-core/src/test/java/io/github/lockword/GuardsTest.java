// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * try-with-resources guards, the lambda helpers and the Duration overloads, on every kind of lock:
 * each guard releases exactly what it took however its block ends; closing twice, or a write guard
 * on another thread, throws {@link IllegalMonitorStateException} naming the lock and leaves the
 * word unchanged; a timed guard that ran out of time holds nothing.
 */
// javac's -Xlint:try warns on a try-with-resources whose resource the body never names, which is the
// guard idiom itself (a user compiling with -Xlint:all -Werror suppresses "try" the same way).
@SuppressWarnings("try")
class GuardsTest extends LockTestSupport {

    static Stream<Arguments> locks() {
        return Stream.of(
                Arguments.of("new RwLock()", new RwLock()),
                Arguments.of("new RwLock(true)", new RwLock(true)),
                Arguments.of("builder().build()", RwLock.builder().build()),
                Arguments.of(
                        "builder().checked(true)",
                        RwLock.builder().checked(true).build()));
    }

    private static final class Boom extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("locks")
    void guardsReleaseWhatTheyTookHoweverTheBlockEnds(String name, RwLock lock) {
        try (var g = lock.read()) {
            assertTrue(g.acquired());
            assertSame(lock, g.lock());
            assertWord(R, lock);
        }
        assertWord(0, lock);
        try (var g = lock.write()) {
            assertTrue(lock.isWriteLockedByCurrentThread());
        }
        assertWord(0, lock);
        assertThrows(Boom.class, () -> {
            try (var g = lock.write()) {
                throw new Boom();
            }
        });
        assertWord(0, lock);
        assertThrows(Boom.class, () -> {
            try (var g = lock.read()) {
                throw new Boom();
            }
        });
        assertWord(0, lock);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("locks")
    void anUpgradeNestsInsideItsUpgradableGuard(String name, RwLock lock) {
        try (var u = lock.upgradable()) {
            assertWord(R | U, lock);
            try (var w = u.upgrade()) {
                assertWord(W, lock);
                assertTrue(lock.isWriteLockedByCurrentThread());
            }
            assertWord(R | U, lock); // the write guard went back to what the outer guard holds
            try (var w = u.upgrade()) {
                assertWord(W, lock);
            }
        }
        assertWord(0, lock);
        // The README's example: the change throws inside the upgrade; nothing leaks.
        assertThrows(Boom.class, () -> {
            try (var u = lock.upgradable()) {
                try (var w = u.upgrade()) {
                    throw new Boom();
                }
            }
        });
        assertWord(0, lock);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("locks")
    void closingTwiceThrowsAndChangesNothing(String name, RwLock lock) throws Exception {
        // Another reader keeps a share, so a second unlockRead would succeed on a default lock: only
        // the guard can tell that this share was already given back.
        Thread other = newStartedThread("other-reader", lock::lockRead);
        awaitTermination(other);
        var g = lock.read();
        g.close();
        assertWord(R, lock);
        assertMisuse(lock, g::close);
        assertWord(R, lock);
        // Give back the other thread's share: a default lock lets any thread do it; a checked lock
        // refuses (the share belongs to "other-reader"), so the word is reset by hand there.
        if (lock instanceof InstrumentedRwLock && ((InstrumentedRwLock) lock).isChecked()) {
            assertMisuse(lock, lock::unlockRead);
            lock.setStateWordForTesting(0L);
        } else {
            lock.unlockRead();
        }

        var w = lock.write();
        w.close();
        assertMisuse(lock, w::close);
        assertWord(0, lock);

        var u = lock.upgradable();
        u.close();
        assertMisuse(lock, u::close);
        assertMisuse(lock, u::upgrade);
        assertWord(0, lock);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("locks")
    void aWriteGuardClosedOnAnotherThreadThrowsAndChangesNothing(String name, RwLock lock) throws Exception {
        var w = lock.write();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = newStartedThread(
                "stranger", () -> thrown.set(assertThrows(IllegalMonitorStateException.class, w::close)));
        awaitTermination(t);
        assertTrue(
                thrown.get().getMessage().contains("does not hold the write lock"),
                thrown.get().getMessage());
        assertWord(W, lock);
        w.close();
        assertWord(0, lock);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("locks")
    void anUpgradableGuardCannotCloseUnderItsOpenWriteGuard(String name, RwLock lock) {
        var u = lock.upgradable();
        var w = u.upgrade();
        assertMisuse(lock, u::close);
        assertWord(W, lock);
        w.close();
        u.close();
        assertWord(0, lock);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("locks")
    void timedGuardsSayWhetherTheyAcquiredAndAnEmptyGuardHoldsNothing(String name, RwLock lock) throws Exception {
        // Another thread's read share blocks writers and upgrades.
        java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread reader = newStartedThread("reader", () -> {
            lock.lockRead();
            holding.countDown();
            await(release);
            lock.unlockRead();
        });
        await(holding);
        try (var w = lock.tryWrite(Duration.ofMillis(5))) {
            assertFalse(w.acquired());
        }
        assertWord(R, lock);
        try (var r = lock.tryRead(Duration.ofMillis(5))) {
            assertTrue(r.acquired());
            assertWord(2 * R, lock);
        }
        try (var u = lock.tryUpgradable(Duration.ZERO)) {
            assertTrue(u.acquired());
            try (var w = u.tryUpgrade(Duration.ofMillis(5))) {
                assertFalse(w.acquired(), "the other reader stays: no upgrade");
                assertWord(2 * R | U, lock);
            }
            assertWord(2 * R | U, lock);
        }
        release.countDown();
        awaitTermination(reader);
        assertWord(0, lock);
        try (var w = lock.tryWrite(Duration.ofSeconds(1))) {
            assertTrue(w.acquired());
        }
        assertWord(0, lock);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("locks")
    void durationOverloadsAndLambdaHelpers(String name, RwLock lock) throws Exception {
        assertTrue(lock.tryLockRead(Duration.ofMillis(1)));
        assertTrue(lock.tryLockReadRecursive(Duration.ofMillis(1)));
        lock.unlockRead();
        lock.unlockRead();
        assertTrue(lock.tryLockUpgradable(Duration.ofDays(365 * 1000))); // saturates, does not overflow
        assertTrue(lock.tryUpgrade(Duration.ofMillis(1)));
        lock.unlockWrite();
        assertTrue(lock.tryLockWrite(Duration.ofSeconds(-1)));
        lock.unlockWrite();
        assertThrows(NullPointerException.class, () -> lock.tryLockWrite((Duration) null));
        assertWord(0, lock);

        assertEquals("r", lock.withRead(() -> {
            assertWord(R, lock);
            return "r";
        }));
        assertEquals(42, lock.<Integer>withWrite(() -> {
            assertTrue(lock.isWriteLockedByCurrentThread());
            return 42;
        }));
        assertThrows(
                Boom.class,
                () -> lock.withWrite(() -> {
                    throw new Boom();
                }));
        assertThrows(
                Boom.class,
                () -> lock.withRead(() -> {
                    throw new Boom();
                }));
        assertWord(0, lock);
    }
}
