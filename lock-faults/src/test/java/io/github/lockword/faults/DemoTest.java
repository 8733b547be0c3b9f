package io.github.lockword.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The README's demo, run in-process with a shorter load: it must come out as expected. */
class DemoTest {

    @Test
    void demoComesOutAsExpected() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            status = new Demo(out, Duration.ofMillis(1000)).run();
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, text);
        for (String word : new String[] {"0x0000000000000010", "0x000000000000001A", "0x0000000000000008",
                                         "0xFFFFFFFFFFFFFFFE", "0xFFFFFFFFFFFFFFFF", "0x0000000000000000",
                                         "LockCorruptedException", "OK: everything came out as expected"}) {
            assertTrue(text.contains(word), "missing " + word + " in:\n" + text);
        }
    }
}
