// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.bench;

/**
 * A readers:writers operation mix such as {@code "95:5"}, turned into a deterministic per-thread
 * sequence: with {@code w} writes per {@code r + w} operations, each thread adds {@code w} to an
 * accumulator per operation and writes whenever it reaches {@code r + w} (an even spread, like
 * Bresenham's line). Threads start at staggered phases so their writes do not line up. No random
 * numbers, so no contender pays for a different sequence and no shared generator is contended.
 */
final class Mix {

    private final int writes;
    private final int total;

    private Mix(int reads, int writes) {
        if (reads < 0 || writes < 0 || reads + writes == 0) {
            throw new IllegalArgumentException("bad mix " + reads + ":" + writes);
        }
        this.writes = writes;
        this.total = reads + writes;
    }

    /** Parses {@code "readers:writers"}, e.g. {@code "100:0"}, {@code "95:5"}, {@code "0:100"}. */
    static Mix parse(String mix) {
        final int colon = mix.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("mix must look like 95:5, not '" + mix + "'");
        }
        return new Mix(
                Integer.parseInt(mix.substring(0, colon).trim()),
                Integer.parseInt(mix.substring(colon + 1).trim()));
    }

    /** The starting accumulator of thread {@code index} of {@code count}. */
    int phase(int index, int count) {
        return (int) ((long) total * index / Math.max(1, count));
    }

    /** Advances {@code cursor} by one operation; whether that operation is a write. */
    boolean nextIsWrite(Cursor cursor) {
        int acc = cursor.acc + writes;
        final boolean write = acc >= total;
        if (write) {
            acc -= total;
        }
        cursor.acc = acc;
        return write;
    }

    /** One thread's position in the mix; JMH thread states extend it. */
    static class Cursor {
        int acc;
    }
}
