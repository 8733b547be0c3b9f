// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static io.github.lockword.LockState.MAX_READERS;
import static io.github.lockword.LockState.ONE_READER;
import static io.github.lockword.LockState.PARKED;
import static io.github.lockword.LockState.READERS_MASK;
import static io.github.lockword.LockState.READER_SHIFT;
import static io.github.lockword.LockState.SIGNAL_MASK;
import static io.github.lockword.LockState.UPGRADABLE;
import static io.github.lockword.LockState.WRITER;
import static io.github.lockword.LockState.WRITER_PARKED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link LockState}: the bit layout (masks disjoint and covering the word, documented values), the
 * decoders {@code readers}, {@code describe}, {@code hex}, {@code explain}, and the invariant checks
 * {@code violations} / {@code isValid} against an independent statement of the rules, including the
 * corrupted words of parking_lot issue 465.
 */
class LockStateTest {

    private static final long[] FIELDS = {PARKED, WRITER_PARKED, UPGRADABLE, WRITER, READERS_MASK};

    @Test
    void masksAreDisjointAndCoverTheWord() {
        long union = 0;
        for (int i = 0; i < FIELDS.length; i++) {
            for (int j = i + 1; j < FIELDS.length; j++) {
                assertEquals(0L, FIELDS[i] & FIELDS[j], "fields " + i + " and " + j + " overlap");
            }
            union |= FIELDS[i];
        }
        assertEquals(-1L, union, "the fields must cover all 64 bits");
        assertEquals(0L, SIGNAL_MASK & READERS_MASK);
        assertEquals(-1L, SIGNAL_MASK | READERS_MASK);
        assertEquals(PARKED | WRITER_PARKED | UPGRADABLE | WRITER, SIGNAL_MASK);
    }

    @Test
    void signalBitsAreSingleBitsInDocumentedPositions() {
        assertEquals(1L, PARKED);
        assertEquals(2L, WRITER_PARKED);
        assertEquals(4L, UPGRADABLE);
        assertEquals(8L, WRITER);
        for (long bit : new long[] {PARKED, WRITER_PARKED, UPGRADABLE, WRITER}) {
            assertEquals(1, Long.bitCount(bit));
        }
    }

    @Test
    void readerFieldStartsAtOneReaderAndHoldsTwoToTheSixtyMinusOne() {
        assertEquals(4, READER_SHIFT);
        assertEquals(1L << READER_SHIFT, ONE_READER);
        assertEquals(ONE_READER, Long.lowestOneBit(READERS_MASK));
        assertEquals(60, Long.bitCount(READERS_MASK));
        assertEquals((1L << 60) - 1, MAX_READERS);
    }

    @Test
    void readersIgnoresSignalBits() {
        assertEquals(0L, LockState.readers(0L));
        assertEquals(0L, LockState.readers(SIGNAL_MASK));
        assertEquals(1L, LockState.readers(ONE_READER));
        assertEquals(5L, LockState.readers(5 * ONE_READER | WRITER | PARKED));
        assertEquals(MAX_READERS, LockState.readers(READERS_MASK));
        assertEquals(MAX_READERS, LockState.readers(-1L));
        assertEquals(MAX_READERS - 1, LockState.readers(READERS_MASK - ONE_READER | UPGRADABLE));
    }

    @Test
    void describeNamesEverySignalBitAndTheCount() {
        assertEquals("unlocked, readers=0", LockState.describe(0L));
        assertEquals("WRITER, readers=0", LockState.describe(WRITER));
        assertEquals("WRITER|WRITER_PARKED, readers=0", LockState.describe(WRITER | WRITER_PARKED));
        assertEquals(
                "WRITER|WRITER_PARKED|PARKED, readers=3",
                LockState.describe(3 * ONE_READER | WRITER | WRITER_PARKED | PARKED));
        assertEquals("UPGRADABLE, readers=1", LockState.describe(ONE_READER | UPGRADABLE));
        assertEquals("PARKED, readers=0", LockState.describe(PARKED));
        assertEquals("no signal bits, readers=7", LockState.describe(7 * ONE_READER));
    }

    @Test
    void describeMarksASaturatedCount() {
        assertEquals("no signal bits, readers=2^60-1 (saturated)", LockState.describe(READERS_MASK));
        assertEquals("WRITER|WRITER_PARKED|UPGRADABLE|PARKED, readers=2^60-1 (saturated)", LockState.describe(-1L));
        assertEquals("no signal bits, readers=" + (MAX_READERS - 1), LockState.describe(READERS_MASK - ONE_READER));
    }

    @Test
    void hexIsSixteenUpperCaseDigits() {
        assertEquals("0x0000000000000000", LockState.hex(0L));
        assertEquals("0x0000000000000012", LockState.hex(0x12L));
        assertEquals("0xFFFFFFFFFFFFFFFE", LockState.hex(0xFFFFFFFFFFFFFFFEL));
        assertEquals("0x8000000000000000", LockState.hex(Long.MIN_VALUE));
    }

    @Test
    void explainCombinesHexDescriptionAndViolations() {
        assertEquals("0x0000000000000018 [WRITER, readers=1]", LockState.explain(WRITER | ONE_READER));
        String corrupt = LockState.explain(0xFFFFFFFFFFFFFFFEL);
        assertTrue(corrupt.startsWith("0xFFFFFFFFFFFFFFFE ["), corrupt);
        assertTrue(corrupt.contains("CORRUPT"), corrupt);
        for (String v : LockState.violations(0xFFFFFFFFFFFFFFFEL)) {
            assertTrue(corrupt.contains(v), corrupt);
        }
    }

    /** The rules of DESIGN.md section 1, stated independently of the implementation. */
    private static boolean legal(long word) {
        boolean w = (word & WRITER) != 0;
        boolean wp = (word & WRITER_PARKED) != 0;
        boolean u = (word & UPGRADABLE) != 0;
        long readers = word >>> READER_SHIFT;
        if (wp && !w) {
            return false;
        }
        return !u || (!w && readers >= 1);
    }

    @Test
    void violationsAgreeWithTheLayoutRulesForEverySignalCombination() {
        long[] counts = {0, 1, 2, 1000, MAX_READERS - 1, MAX_READERS};
        for (long readers : counts) {
            for (long signals = 0; signals <= SIGNAL_MASK; signals++) {
                long word = readers << READER_SHIFT | signals;
                List<String> v = LockState.violations(word);
                assertEquals(legal(word), v.isEmpty(), () -> LockState.explain(word) + " violations=" + v);
                assertEquals(legal(word), LockState.isValid(word), () -> LockState.explain(word));
            }
        }
    }

    @Test
    void eachBrokenRuleIsReportedOnceAndByName() {
        List<String> wpWithoutW = LockState.violations(ONE_READER | WRITER_PARKED);
        assertEquals(1, wpWithoutW.size(), wpWithoutW::toString);
        assertTrue(wpWithoutW.get(0).contains("WRITER_PARKED"), wpWithoutW::toString);

        List<String> uAndW = LockState.violations(ONE_READER | UPGRADABLE | WRITER);
        assertEquals(1, uAndW.size(), uAndW::toString);
        assertTrue(uAndW.get(0).contains("UPGRADABLE") && uAndW.get(0).contains("WRITER"), uAndW::toString);

        List<String> uNoReader = LockState.violations(UPGRADABLE);
        assertEquals(1, uNoReader.size(), uNoReader::toString);
        assertTrue(uNoReader.get(0).contains("no reader"), uNoReader::toString);

        assertEquals(
                2,
                LockState.violations(UPGRADABLE | WRITER_PARKED).size(),
                "WRITER_PARKED without WRITER and UPGRADABLE without readers: two violations");
    }

    @Test
    void issue465WordsAreReportedAsViolations() {
        // Step 7 of the interleaving (DESIGN.md section 4) and step 8.
        for (long word : new long[] {0xFFFFFFFFFFFFFFFEL, 0xFFFFFFFFFFFFFFFFL}) {
            assertFalse(LockState.isValid(word), LockState.hex(word));
            List<String> v = LockState.violations(word);
            assertFalse(v.isEmpty(), LockState.hex(word));
            assertTrue(v.stream().anyMatch(s -> s.contains("UPGRADABLE") && s.contains("WRITER")), v::toString);
        }
        // The timed-out tryUpgrade variant: R | WP with U lost.
        assertEquals(ONE_READER | WRITER_PARKED, 0x12L);
        assertFalse(LockState.isValid(0x12L));
        List<String> v = LockState.violations(0x12L);
        assertEquals(1, v.size(), v::toString);
        assertTrue(v.get(0).contains("WRITER_PARKED"), v::toString);
    }

    @Test
    void everyWordAnUncorruptedLockPassesThroughIsValid() {
        long[] legalWords = {
            0L,
            ONE_READER,
            3 * ONE_READER,
            WRITER,
            WRITER | PARKED,
            WRITER | ONE_READER,
            WRITER | WRITER_PARKED | ONE_READER,
            WRITER | WRITER_PARKED | PARKED | 2 * ONE_READER,
            WRITER | WRITER_PARKED,
            ONE_READER | UPGRADABLE,
            4 * ONE_READER | UPGRADABLE | PARKED,
            PARKED,
            READERS_MASK,
            READERS_MASK | UPGRADABLE | PARKED,
        };
        for (long word : legalWords) {
            assertTrue(LockState.isValid(word), LockState.explain(word));
            assertTrue(LockState.violations(word).isEmpty(), LockState.explain(word));
            assertFalse(LockState.explain(word).contains("CORRUPT"), LockState.explain(word));
        }
    }

    @Test
    void isValidAgreesWithViolationsOnRandomWords() {
        SplittableRandom rnd = new SplittableRandom(465);
        for (int i = 0; i < 200_000; i++) {
            long word = (i & 1) == 0 ? rnd.nextLong() : rnd.nextLong(64) << READER_SHIFT | rnd.nextLong(16);
            assertEquals(LockState.violations(word).isEmpty(), LockState.isValid(word), LockState.hex(word));
            assertEquals(legal(word), LockState.isValid(word), LockState.hex(word));
        }
    }
}
