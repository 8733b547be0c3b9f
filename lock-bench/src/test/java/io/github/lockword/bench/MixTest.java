// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MixTest {

    private static int writesIn(Mix mix, int phase, int ops) {
        final Mix.Cursor cursor = new Mix.Cursor();
        cursor.acc = phase;
        int writes = 0;
        for (int i = 0; i < ops; i++) {
            if (mix.nextIsWrite(cursor)) {
                writes++;
            }
        }
        return writes;
    }

    @Test
    void ratiosAreExactOverAWholePeriod() {
        assertEquals(0, writesIn(Mix.parse("100:0"), 0, 1000));
        assertEquals(50, writesIn(Mix.parse("95:5"), 0, 1000));
        assertEquals(10, writesIn(Mix.parse("99:1"), 37, 1000));
        assertEquals(500, writesIn(Mix.parse("50:50"), 50, 1000));
        assertEquals(1000, writesIn(Mix.parse("0:100"), 0, 1000));
    }

    @Test
    void writesAreSpreadEvenly() {
        final Mix mix = Mix.parse("95:5");
        final Mix.Cursor cursor = new Mix.Cursor();
        int last = -1;
        for (int i = 0; i < 200; i++) {
            if (mix.nextIsWrite(cursor)) {
                if (last >= 0) {
                    assertEquals(20, i - last, "distance between writes");
                }
                last = i;
            }
        }
    }

    @Test
    void threadsStartAtDifferentPhases() {
        final Mix mix = Mix.parse("95:5");
        assertEquals(0, mix.phase(0, 2));
        assertEquals(50, mix.phase(1, 2));
        assertEquals(75, mix.phase(3, 4));
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> Mix.parse("95"));
        assertThrows(IllegalArgumentException.class, () -> Mix.parse("0:0"));
        assertThrows(IllegalArgumentException.class, () -> Mix.parse("-1:5"));
    }
}
