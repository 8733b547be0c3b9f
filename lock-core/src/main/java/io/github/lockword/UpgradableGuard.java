// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import java.time.Duration;

/**
 * An upgradable read lock held for the extent of a {@code try}-with-resources block, which may
 * upgrade to the write lock in a nested block:
 *
 * <pre>{@code
 * try (var u = lock.upgradable()) {
 *     if (needsChange(table)) {
 *         try (var w = u.upgrade()) {
 *             table.apply(change);      // if this throws, w goes back to upgradable, u releases it
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>{@link #close()} releases the upgradable read lock. The write guard of {@link #upgrade()}
 * downgrades back to the upgradable lock when it closes, so this guard always holds what it held
 * before the nested block. Closing twice, or while a write guard of this guard is still open,
 * throws {@link IllegalMonitorStateException} and leaves the lock as it was. A guard from a timed
 * acquisition that ran out of time ({@link #acquired()} is false) holds nothing.
 */
public final class UpgradableGuard implements AutoCloseable {
    private final RwLock lock;
    private final boolean acquired;
    /** Touched only by the thread that owns the guard. */
    private boolean closed;

    UpgradableGuard(RwLock lock, boolean acquired) {
        this.lock = lock;
        this.acquired = acquired;
    }

    /** Whether this guard holds (or held, until closed) the upgradable lock; false when a timed try ran out. */
    public boolean acquired() {
        return acquired;
    }

    /** The lock this guard belongs to. */
    public RwLock lock() {
        return lock;
    }

    /**
     * Upgrades to the write lock, waiting for the other readers to leave; the returned guard
     * downgrades back to the upgradable lock when closed.
     *
     * @throws IllegalMonitorStateException if this guard holds nothing or was closed
     */
    public WriteGuard upgrade() {
        requireOpen(lock, acquired, closed, "UpgradableGuard.upgrade()");
        lock.upgrade();
        return new WriteGuard(lock, true, true);
    }

    /**
     * Upgrades to the write lock if the other readers leave within {@code timeout}; the returned
     * guard says whether it did ({@link WriteGuard#acquired()}). On timeout this guard still holds
     * the upgradable lock.
     *
     * @throws InterruptedException if interrupted on entry or while waiting; the upgradable lock is kept
     * @throws IllegalMonitorStateException if this guard holds nothing or was closed
     */
    public WriteGuard tryUpgrade(Duration timeout) throws InterruptedException {
        requireOpen(lock, acquired, closed, "UpgradableGuard.tryUpgrade(timeout)");
        return new WriteGuard(lock, lock.tryUpgrade(timeout), true);
    }

    /* Static, taking fields: the guard itself is passed to nothing, so escape analysis can remove it. */
    private static void requireOpen(RwLock lock, boolean acquired, boolean closed, String op) {
        if (!acquired || closed) {
            throw lock.misuse(
                    op, acquired ? "this guard was already closed" : "this guard holds nothing (its try timed out)");
        }
    }

    /**
     * Releases the upgradable read lock, once.
     *
     * @throws IllegalMonitorStateException if the guard was already closed, or a write guard made by
     *                                      {@link #upgrade()} is still open; the lock is unchanged
     */
    @Override
    public void close() {
        // Small, and the guard is passed to nothing: then even the cold call of close() on the
        // exceptional path of try-with-resources is inlined and escape analysis removes the guard.
        if (acquired) {
            release(lock, closed);
            closed = true;
        }
    }

    private static void release(RwLock lock, boolean closed) {
        if (closed) {
            throw lock.misuse("UpgradableGuard.close()", "this guard was already closed");
        }
        if (lock.isWriteLockedByCurrentThread()) {
            throw lock.misuse(
                    "UpgradableGuard.close()", "the write guard of its upgrade is still open; close it first");
        }
        lock.unlockUpgradable();
    }
}
