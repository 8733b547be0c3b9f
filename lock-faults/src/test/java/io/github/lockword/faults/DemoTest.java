// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's demo, in its own JVM as the README runs it (with a 1 s load): it must exit 0 and print
 * the words of schedule A. A fresh JVM matters: see the README on why the unscripted race is found
 * within a second of a cold start and rarely once the JIT has compiled the lock's slow paths.
 */
class DemoTest {

    @Test
    void demoExitsZeroAndPrintsTheReproduction() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        // Load.runBounded: the child's output goes to a file, so the time limit holds even if it hangs.
        Load.Finished f = Load.runBounded(
                List.of(java, "-cp", System.getProperty("java.class.path"), Demo.class.getName(), "1000"),
                TimeUnit.SECONDS.toMillis(60));
        String text = f.output;
        assertEquals(0, f.exitCode, text);
        for (String word : new String[] {
            "0x0000000000000010",
            "0x000000000000001A",
            "0x0000000000000008",
            "0xFFFFFFFFFFFFFFFE",
            "0xFFFFFFFFFFFFFFFF",
            "0x0000000000000000",
            "LockCorruptedException",
            "OWNERLESS",
            "OK: everything came out as expected"
        }) {
            assertTrue(text.contains(word), "missing " + word + " in:\n" + text);
        }
        assertTrue(!text.contains("Exception in thread") && !text.contains("\tat "), "a stack trace:\n" + text);
    }
}
