// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
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
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                Demo.class.getName(), "1000"))
                .redirectErrorStream(true)
                .start();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the demo did not finish within a minute");
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        for (String word : new String[] {"0x0000000000000010", "0x000000000000001A", "0x0000000000000008",
                                         "0xFFFFFFFFFFFFFFFE", "0xFFFFFFFFFFFFFFFF", "0x0000000000000000",
                                         "LockCorruptedException", "OWNERLESS",
                                         "OK: everything came out as expected"}) {
            assertTrue(text.contains(word), "missing " + word + " in:\n" + text);
        }
        assertTrue(!text.contains("Exception in thread") && !text.contains("\tat "), "a stack trace:\n" + text);
    }
}
