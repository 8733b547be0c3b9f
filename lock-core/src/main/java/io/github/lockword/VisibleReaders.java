// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The global table of visible readers of BRAVO (Dice and Kogan, "BRAVO: Biased Locking for
 * Reader-Writer Locks", USENIX ATC 2019), shared by every {@linkplain RwLock.Builder#readBiased
 * read-biased} lock of the JVM. A reader of a read-biased lock publishes itself in the slot that
 * hashing (thread, lock) picks, instead of adding to the lock word; a writer revokes the bias and
 * waits until no slot names its lock.
 *
 * <p><b>Size.</b> {@value #SLOTS} slots, each {@value #STRIDE} array elements apart: 128 bytes with
 * compressed references (256 without), so that two slots never share a cache line, nor an
 * adjacent-line prefetch pair. With the leading and trailing padding the array has
 * {@code (SLOTS + 2) * STRIDE} = 33,792 elements: about 132 KiB with compressed references
 * (264 KiB without), allocated once, when the first read-biased lock is built, and never freed. A
 * default {@code new RwLock()} never loads this class.
 *
 * <p><b>A slot</b> is three elements at the start of its stride: the lock (set by a CAS from null,
 * scanned by writers), the owning thread (written only by the thread that won the CAS, once it has
 * found the bias still on, so that another thread whose hash picks the same slot for the same lock
 * cannot mistake the slot for its own, and so that a writer that must not wait can tell a reader
 * that is inside from one that will back out), and the owner's nesting depth beyond the first share ({@code null} for none, else an
 * {@link Integer}; only the owner reads or writes it). A slot is released by clearing the owner,
 * then storing null into the lock element with a volatile write: that is the read release, and the
 * writer's volatile read of null is its acquire.
 *
 * <p><b>The Dekker pair.</b> Reader: CAS slot null -&gt; lock, then read the lock's bias flag.
 * Writer: write the bias flag false, then read every slot. All four accesses are volatile
 * (sequentially consistent), so either the reader sees the flag off and backs out, or the writer
 * sees the slot and waits for it. The same pair makes the release's wake-up safe: the writer
 * publishes itself as revoker before it reads a slot, and a releasing reader reads the flag and the
 * revoker after it clears the slot.
 */
final class VisibleReaders {

    /** Number of slots; a power of two. */
    static final int SLOTS = 1024;

    /** Array elements between two slots (128 bytes of compressed references). */
    static final int STRIDE = 32;

    private static final int OWNER = 1;
    private static final int DEPTH = 2;

    /** The table: slot {@code i} starts at element {@code (i + 1) * STRIDE}. */
    private static final Object[] TABLE = new Object[(SLOTS + 2) * STRIDE];

    private static final VarHandle AA = MethodHandles.arrayElementVarHandle(Object[].class);

    /** Source of the per-lock salts that spread one thread's slots over the table. */
    private static final AtomicInteger SALTS = new AtomicInteger();

    private VisibleReaders() {}

    /** A new lock's salt: successive locks get well-spread values (Fibonacci hashing). */
    static int nextSalt() {
        return SALTS.getAndAdd(0x61C88647);
    }

    /** The first element of the slot of ({@code t}, the lock with {@code salt}). */
    static int slot(Thread t, int salt) {
        int h = System.identityHashCode(t) * 0x9E3779B9 + salt;
        h ^= h >>> 15;
        h *= 0x2C1B3C6D;
        h ^= h >>> 12;
        return ((h & (SLOTS - 1)) + 1) * STRIDE;
    }

    /**
     * If {@code me} already holds the slot {@code b} for {@code lock}, nests one more share on it and
     * returns true.
     */
    static boolean nestIfHeld(int b, Object lock, Thread me) {
        if (AA.getOpaque(TABLE, b) != lock || AA.getOpaque(TABLE, b + OWNER) != me) {
            return false;
        }
        Object d = AA.getOpaque(TABLE, b + DEPTH);
        int depth = d == null ? 0 : (Integer) d;
        if (depth == Integer.MAX_VALUE) {
            throw new IllegalStateException(lock + ": too many nested biased read shares on one thread");
        }
        AA.setOpaque(TABLE, b + DEPTH, Integer.valueOf(depth + 1));
        return true;
    }

    /**
     * Tries to publish {@code lock} in slot {@code b}: true if the slot was free and is now claimed.
     * The caller must re-check the bias afterwards, then {@link #confirm} the claim or
     * {@link #release} it.
     */
    static boolean tryClaim(int b, Object lock) {
        return AA.getOpaque(TABLE, b) == null && AA.compareAndSet(TABLE, b, (Object) null, lock);
    }

    /**
     * The claimer of slot {@code b} found the bias still on: it holds a read share, and names itself
     * as the slot's owner. Until then a writer that must not wait (a try, or one whose time is up)
     * cannot tell a reader that is inside from one about to back out, and waits for this step.
     */
    static void confirm(int b, Thread me) {
        AA.setRelease(TABLE, b + OWNER, me);
    }

    /** Whether slot {@code b} is claimed for {@code lock} by a reader that has not yet confirmed or backed out. */
    static boolean unconfirmed(int b, Object lock) {
        return AA.getVolatile(TABLE, b) == lock && AA.getAcquire(TABLE, b + OWNER) == null;
    }

    /** {@link #exitIfHeld}: the thread holds no share on the slot; nothing changed. */
    static final int NOT_HELD = 0;
    /** {@link #exitIfHeld}: one nested share given back; the slot is still held. */
    static final int UNNESTED = 1;
    /** {@link #exitIfHeld}: the slot itself given back (the caller wakes a revoking writer). */
    static final int RELEASED = 2;

    /**
     * If {@code me} holds slot {@code b} for {@code lock}, gives back one share: a nested one, else
     * the slot itself. Otherwise changes nothing.
     */
    static int exitIfHeld(int b, Object lock, Thread me) {
        if (AA.getOpaque(TABLE, b) != lock || AA.getOpaque(TABLE, b + OWNER) != me) {
            return NOT_HELD;
        }
        Object d = AA.getOpaque(TABLE, b + DEPTH);
        if (d != null) {
            int depth = (Integer) d;
            AA.setOpaque(TABLE, b + DEPTH, depth == 1 ? null : Integer.valueOf(depth - 1));
            return UNNESTED;
        }
        release(b);
        return RELEASED;
    }

    /** Gives back slot {@code b}, held by the current thread with nothing nested on it. */
    static void release(int b) {
        AA.setOpaque(TABLE, b + OWNER, null);
        AA.setVolatile(TABLE, b, null);
    }

    /** Whether slot {@code b} names {@code lock} (a volatile read: the writer's acquire). */
    static boolean names(int b, Object lock) {
        return AA.getVolatile(TABLE, b) == lock;
    }

    /** The first element of slot number {@code i}, {@code 0 <= i < SLOTS}. */
    static int slotNumber(int i) {
        return (i + 1) * STRIDE;
    }

    /**
     * The read shares {@code lock} has in the table (slots plus what is nested on them): a racy
     * snapshot for introspection, scanning every slot.
     */
    static long shares(Object lock) {
        long n = 0;
        for (int i = 0; i < SLOTS; i++) {
            int b = slotNumber(i);
            if (AA.getVolatile(TABLE, b) == lock) {
                Object d = AA.getOpaque(TABLE, b + DEPTH);
                n += 1 + (d instanceof Integer k ? k : 0);
            }
        }
        return n;
    }

    /** Unparks {@code t} if not null (a releasing reader waking the revoking writer). */
    static void wake(Thread t) {
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
