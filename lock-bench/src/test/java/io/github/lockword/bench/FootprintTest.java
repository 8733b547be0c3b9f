// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The footprint table can be produced and is plausible. It does not assert the 32-byte target:
 * that is a measured result for the report, not a build gate.
 */
class FootprintTest {

    @Test
    void measuresEveryLockKind() {
        final List<Footprint.Row> rows = Footprint.measure();
        Footprint.print(rows, System.out);
        assertEquals(
                List.of(
                        "rwlock",
                        "rwlock-fair",
                        "rwlock-views",
                        "rrwl",
                        "rrwl-fair",
                        "stamped",
                        "stamped-rw",
                        "reentrant",
                        "synchronized",
                        "floor-atomic"),
                rows.stream().map(r -> r.contender).collect(Collectors.toList()));
        for (Footprint.Row r : rows) {
            assertTrue(
                    r.shallow >= 8 && r.reachable >= r.shallow && r.perInstance > 0 && r.perInstance <= r.reachable,
                    r.contender + ": " + r.shallow + "/" + r.reachable + "/" + r.perInstance);
        }
        assertTrue(Footprint.toJson(rows).contains("\"contender\": \"rwlock\""));
    }
}
