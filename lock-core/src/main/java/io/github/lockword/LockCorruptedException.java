// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

/**
 * Thrown when a lock operation finds the lock word in a state that breaks the invariants of
 * {@link LockState} (for example {@code 0xFFFFFFFFFFFFFFFE}, the word of parking_lot issue 465).
 * No thread can make progress on such a lock; the exception carries the decoded word so the
 * failure can be diagnosed instead of suffered as a hang.
 */
public class LockCorruptedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final long word;
    private final String lockName;

    /**
     * @param lock the lock whose word is corrupt
     * @param word the word as read
     */
    public LockCorruptedException(RwLock lock, long word) {
        super(lock.displayName() + ": lock word corrupted: " + LockState.explain(word)
                + "; no thread can acquire this lock");
        this.word = word;
        this.lockName = lock.getName();
    }

    /** The corrupt word as read. */
    public long word() {
        return word;
    }

    /** The lock's name, or null if it has none. */
    public String lockName() {
        return lockName;
    }
}
