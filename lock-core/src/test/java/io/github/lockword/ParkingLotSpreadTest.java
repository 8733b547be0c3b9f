// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The parking lot spreads (lock, key) pairs over its buckets, so that unrelated locks rarely share
 * a bucket lock and a queue: in a table of 1,024 buckets (the size the table grows to at 342 parked
 * threads), 4,096 locks land in nearly all buckets (about 1,005 for a uniform hash), and the keys of
 * one lock land in different buckets. A hash that lost the lock's
 * identity or the key, or folded its bits badly, would make unrelated locks contend on a few
 * buckets: nothing would break, but every park and unpark would queue behind strangers.
 */
class ParkingLotSpreadTest {

    private static final int BITS = 10;

    private static int distinctBuckets(Iterable<Integer> buckets) {
        Set<Integer> seen = new HashSet<>();
        for (Integer b : buckets) {
            seen.add(b);
        }
        return seen.size();
    }

    @Test
    void manyLocksSpreadOverNearlyAllBuckets() {
        for (int key = 0; key < 3; key++) {
            java.util.List<Integer> buckets = new java.util.ArrayList<>();
            for (int i = 0; i < 4096; i++) {
                buckets.add(ParkingLot.index(new Object(), key, BITS));
            }
            int distinct = distinctBuckets(buckets);
            assertTrue(distinct >= 900, "4,096 locks with key " + key + " share only " + distinct + " buckets");
        }
    }

    @Test
    void theKeysOfOneLockSpreadToo() {
        Object lock = new Object();
        java.util.List<Integer> buckets = new java.util.ArrayList<>();
        for (int key = 0; key < 64; key++) {
            buckets.add(ParkingLot.index(lock, key, BITS));
        }
        int distinct = distinctBuckets(buckets);
        assertTrue(distinct >= 48, "64 keys of one lock share only " + distinct + " buckets");
    }
}
