// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

/**
 * A read lock held for the extent of a {@code try}-with-resources block:
 *
 * <pre>{@code
 * try (var g = lock.read()) {
 *     return table.get(key);
 * }
 * }</pre>
 *
 * <p>{@link #close()} releases the read share the guard took. A guard is meant for the thread that
 * made it and for one block: closing it twice throws {@link IllegalMonitorStateException} and
 * leaves the lock as it was (a default lock cannot tell one read share from another, so the guard
 * remembers). A guard from a timed acquisition that ran out of time ({@link #acquired()} is false)
 * holds nothing, and closing it does nothing.
 *
 * <p>Once the JIT has inlined {@code read()} and {@code close()}, escape analysis removes the guard:
 * a guarded section costs what {@code lockRead()}/{@code unlockRead()} cost and allocates nothing
 * (measured in lock-bench's {@code Guards} benchmark).
 */
public final class ReadGuard implements AutoCloseable {
    private final RwLock lock;
    private final boolean acquired;
    /** Touched only by the thread that owns the guard. */
    private boolean closed;

    ReadGuard(RwLock lock, boolean acquired) {
        this.lock = lock;
        this.acquired = acquired;
    }

    /** Whether this guard holds (or held, until closed) a read share; false when a timed try ran out. */
    public boolean acquired() {
        return acquired;
    }

    /** The lock this guard belongs to. */
    public RwLock lock() {
        return lock;
    }

    /**
     * Releases the read share, once.
     *
     * @throws IllegalMonitorStateException if the guard was already closed, or the lock has no reader
     *                                      to release; the lock is unchanged
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
            throw lock.misuse("ReadGuard.close()", "this guard was already closed");
        }
        lock.unlockRead();
    }
}
