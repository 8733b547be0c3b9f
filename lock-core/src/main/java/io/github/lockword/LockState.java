// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import java.util.ArrayList;
import java.util.List;

/**
 * The layout of an {@link RwLock}'s 64-bit state word, and the static decoders that code, tests,
 * {@code toString()} and diagnostics all share.
 *
 * <pre>
 *  63                                               4   3   2   1   0
 * +--------------------------------------------------+---+---+---+---+
 * |                reader count (60 bits)            | W | U | WP| P |
 * +--------------------------------------------------+---+---+---+---+
 * </pre>
 *
 * <p>Legal encodings (R = reader count):
 * <pre>
 *   0                      unlocked, nobody waits
 *   R*ONE_READER           R readers (R &gt;= 1), among them at most one upgradable (U)
 *   WRITER                 a writer holds the lock
 *   WRITER + R*ONE_READER  a writer owns the right to the lock and waits for R readers to leave
 *   + WRITER_PARKED        ... and that writer is parked in the WRITER queue
 *   + PARKED               any of the above with threads parked in the MAIN queue
 * </pre>
 * Illegal encodings are reported by {@link #violations(long)}: {@code WRITER_PARKED} without
 * {@code WRITER}, {@code UPGRADABLE} together with {@code WRITER}, {@code UPGRADABLE} with no
 * reader. The corrupted word of parking_lot issue 465, {@code 0xFFFFFFFFFFFFFFFE}, breaks the
 * second rule.
 */
public final class LockState {

    /** At least one thread is parked in the lock's MAIN queue. Cleared only under that queue's bucket lock. */
    public static final long PARKED = 1L;

    /**
     * The thread that set {@link #WRITER} is parked in the lock's WRITER queue waiting for readers to
     * leave. Implies {@code WRITER}. Cleared only under the WRITER queue's bucket lock: by the last
     * reader's unpark callback or by the writer's own timed-out callback.
     */
    public static final long WRITER_PARKED = 1L << 1;

    /**
     * An upgradable reader holds the lock. Implies a reader count of at least one (the upgradable
     * holder counts as a reader) and no {@code WRITER}. Owned by its holder.
     */
    public static final long UPGRADABLE = 1L << 2;

    /**
     * With no readers: a writer holds the lock. With readers: a writer owns the right to the lock
     * and waits for them to drain. Owned by that writer.
     */
    public static final long WRITER = 1L << 3;

    /** Width of the signal-bit field; the reader count starts at this bit. */
    public static final int READER_SHIFT = 4;

    /** One reader's share of the word. Each reader owns exactly one such share. */
    public static final long ONE_READER = 1L << READER_SHIFT;

    /** The signal bits: {@code PARKED | WRITER_PARKED | UPGRADABLE | WRITER}. */
    public static final long SIGNAL_MASK = ONE_READER - 1;

    /** The reader-count field. */
    public static final long READERS_MASK = ~SIGNAL_MASK;

    /** The largest reader count the word can hold, 2^60 - 1. */
    public static final long MAX_READERS = READERS_MASK >>> READER_SHIFT;

    private LockState() {}

    /** The number of readers (including an upgradable holder) encoded in {@code word}. */
    public static long readers(long word) {
        return word >>> READER_SHIFT;
    }

    /** Whether {@code word} has every bit of {@code bits} set. */
    static boolean has(long word, long bits) {
        return (word & bits) == bits;
    }

    /**
     * Whether {@code word} keeps every invariant of the layout. This is the allocation-free check that
     * slow paths run; {@link #violations(long)} says which invariants failed.
     */
    public static boolean isValid(long word) {
        if ((word & WRITER_PARKED) != 0 && (word & WRITER) == 0) {
            return false;
        }
        if ((word & UPGRADABLE) != 0) {
            return (word & WRITER) == 0 && (word & READERS_MASK) != 0;
        }
        return true;
    }

    /** The invariants that {@code word} breaks, in words; empty for a valid word. */
    public static List<String> violations(long word) {
        List<String> out = new ArrayList<>(3);
        if ((word & WRITER_PARKED) != 0 && (word & WRITER) == 0) {
            out.add("WRITER_PARKED is set without WRITER (only the thread holding WRITER parks in the WRITER queue)");
        }
        if ((word & UPGRADABLE) != 0 && (word & WRITER) != 0) {
            out.add("UPGRADABLE and WRITER are both set (an upgradable reader excludes every writer)");
        }
        if ((word & UPGRADABLE) != 0 && (word & READERS_MASK) == 0) {
            out.add("UPGRADABLE is set with no reader (the upgradable holder counts as one reader)");
        }
        return out;
    }

    /** {@code word} as {@code 0x%016X}, the form every message and the demo use. */
    public static String hex(long word) {
        return String.format("0x%016X", word);
    }

    /**
     * The signal bits of {@code word} by name and its reader count, e.g.
     * {@code "WRITER|WRITER_PARKED, readers=0"}; {@code "unlocked"} for {@code 0}.
     */
    public static String describe(long word) {
        if (word == 0) {
            return "unlocked, readers=0";
        }
        StringBuilder sb = new StringBuilder(48);
        appendFlag(sb, word, WRITER, "WRITER");
        appendFlag(sb, word, WRITER_PARKED, "WRITER_PARKED");
        appendFlag(sb, word, UPGRADABLE, "UPGRADABLE");
        appendFlag(sb, word, PARKED, "PARKED");
        if (sb.length() == 0) {
            sb.append("no signal bits");
        }
        long readers = readers(word);
        sb.append(", readers=").append(readers == MAX_READERS ? "2^60-1 (saturated)" : Long.toString(readers));
        return sb.toString();
    }

    /**
     * As {@link #describe(long)}, with {@code biased} read shares held outside the word (on a
     * read-biased lock's slots) counted among the readers: {@code "no signal bits, readers=2 (2 biased)"}.
     */
    static String describe(long word, long biased) {
        if (biased == 0) {
            return describe(word);
        }
        String d = word == 0 ? "no signal bits, readers=0" : describe(word);
        int at = d.lastIndexOf("readers=");
        long inWord = readers(word);
        String total = inWord == MAX_READERS ? "2^60-1+" + biased : Long.toString(inWord + biased);
        return d.substring(0, at) + "readers=" + total + " (" + biased + " biased)";
    }

    /** {@link #hex(long)} and {@link #describe(long)} together, plus the violations if any. */
    public static String explain(long word) {
        List<String> v = violations(word);
        String base = hex(word) + " [" + describe(word) + "]";
        return v.isEmpty() ? base : base + " CORRUPT: " + String.join("; ", v);
    }

    private static void appendFlag(StringBuilder sb, long word, long bit, String name) {
        if ((word & bit) != 0) {
            if (sb.length() > 0) {
                sb.append('|');
            }
            sb.append(name);
        }
    }
}
