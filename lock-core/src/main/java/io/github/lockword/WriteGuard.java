// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

/**
 * The write lock held for the extent of a {@code try}-with-resources block:
 *
 * <pre>{@code
 * try (var g = lock.write()) {
 *     table.put(key, value);
 * }
 * }</pre>
 *
 * <p>{@link #close()} gives up what the guard took: a guard from {@link RwLock#write()} (or
 * {@code tryWrite}) releases the write lock; a guard from {@link UpgradableGuard#upgrade()} turns
 * the write lock back into the upgradable read lock its enclosing guard holds, so that the two
 * blocks nest. Closing twice, or on a thread that does not hold the write lock, throws
 * {@link IllegalMonitorStateException} and leaves the lock as it was. A guard from a timed
 * acquisition that ran out of time ({@link #acquired()} is false) holds nothing, and closing it does
 * nothing.
 *
 * <p>Once the JIT has inlined the acquisition and {@code close()}, escape analysis removes the guard:
 * it allocates nothing.
 */
public final class WriteGuard implements AutoCloseable {
    private final RwLock lock;
    private final boolean acquired;
    /** True for a guard made by an upgrade: closing it downgrades back to the upgradable lock. */
    private final boolean fromUpgrade;
    /** Touched only by the thread that owns the guard. */
    private boolean closed;

    WriteGuard(RwLock lock, boolean acquired, boolean fromUpgrade) {
        this.lock = lock;
        this.acquired = acquired;
        this.fromUpgrade = fromUpgrade;
    }

    /** Whether this guard holds (or held, until closed) the write lock; false when a timed try ran out. */
    public boolean acquired() {
        return acquired;
    }

    /** The lock this guard belongs to. */
    public RwLock lock() {
        return lock;
    }

    /**
     * Releases the write lock, or, for a guard made by an upgrade, downgrades it back to the
     * upgradable read lock. Once.
     *
     * @throws IllegalMonitorStateException if the guard was already closed or the current thread
     *                                      does not hold the write lock; the lock is unchanged
     */
    @Override
    public void close() {
        // Small, and the guard is passed to nothing: then even the cold call of close() on the
        // exceptional path of try-with-resources is inlined and escape analysis removes the guard.
        if (acquired) {
            release(lock, closed, fromUpgrade);
            closed = true;
        }
    }

    private static void release(RwLock lock, boolean closed, boolean fromUpgrade) {
        if (closed) {
            throw lock.misuse("WriteGuard.close()", "this guard was already closed");
        }
        if (!lock.isWriteLockedByCurrentThread()) {
            throw lock.misuse(
                    "WriteGuard.close()",
                    "the current thread does not hold the write lock "
                            + "(a write guard is closed by the thread that took it)");
        }
        if (fromUpgrade) {
            lock.downgradeToUpgradable();
        } else {
            lock.unlockWrite();
        }
    }
}
