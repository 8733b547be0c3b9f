// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ContenderTest {

    private static final Set<String> UNTIMED = Set.of("synchronized", "floor-atomic");

    @Test
    void everyContenderRunsReadAndWriteSections() throws InterruptedException {
        for (String name : Contender.NAMES) {
            final Contender c = Contender.create(name);
            assertEquals(name, c.name());
            assertNotNull(c.lock(), name);
            c.read(10);
            c.write(10);
            c.read(0);
            if (UNTIMED.contains(name)) {
                assertThrows(UnsupportedOperationException.class, () -> c.tryWrite(0, 1));
            } else {
                assertTrue(c.tryWrite(10, TimeUnit.MILLISECONDS.toNanos(1)), name + " timed write on a free lock");
            }
        }
    }

    @Test
    void unknownNamesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Contender.create("spinlock"));
    }

    @Test
    void everyCatalogWorks() {
        for (String name : List.of(
                "rwlock", "rwlock-fair", "rwlock-biased", "rrwl", "stamped-rw", "synchronized", "chm", "nbhm")) {
            final CatalogBench.Catalog catalog = CatalogBench.Catalog.create(name, 16);
            catalog.put(7, "backend-7");
            assertEquals("backend-7", catalog.get(7), name);
        }
    }
}
