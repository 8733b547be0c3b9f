// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static io.github.lockword.DiagTestSupport.awaitParkedOn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * lockword's JFR events, recorded with the events' default settings (threshold 20 ms, stack traces
 * on): LockWait for platform and virtual threads, LockHeld, LockCorrupted; and a JVM without the
 * jdk.jfr module runs every diagnostic path without it.
 */
class DiagnosticsJfrTest {

    private static final String WAIT = "io.github.lockword.LockWait";
    private static final String HELD = "io.github.lockword.LockHeld";
    private static final String CORRUPTED = "io.github.lockword.LockCorrupted";

    /** Waits of at least this long pass the default 20 ms threshold with room to spare. */
    private static final long HOLD_MS = 60;

    @TempDir
    Path tmp;

    /** Records {@code body} with lockword's events at their default settings; returns its events for {@code lockName}. */
    private List<RecordedEvent> record(String lockName, DiagTestSupport.Body body) throws Throwable {
        assertTrue(LockDiagnostics.jfrAvailable());
        Path file = tmp.resolve(lockName + ".jfr");
        try (Recording r = new Recording()) {
            // Threshold 0: on a loaded machine a timed writer can spend most of its time spinning
            // (yields) and park for less than the event's default 20 ms; the test is about the
            // event's content, not the threshold.
            r.enable(WAIT).withThreshold(java.time.Duration.ZERO);
            r.enable(HELD);
            r.enable(CORRUPTED);
            r.start();
            body.run();
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> out = new ArrayList<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (e.hasField("lock") && String.valueOf(e.getString("lock")).contains("(" + lockName + ")")) {
                out.add(e);
            }
        }
        return out;
    }

    private static List<RecordedEvent> ofType(List<RecordedEvent> events, String type) {
        List<RecordedEvent> out = new ArrayList<>();
        for (RecordedEvent e : events) {
            if (e.getEventType().getName().equals(type)) {
                out.add(e);
            }
        }
        return out;
    }

    /** The owner holds the write lock; {@code waiter} waits for a read, parks, and is let in after HOLD_MS. */
    private static void contendedRead(RwLock lock, Thread waiter) throws Exception {
        awaitParkedOn(lock, waiter);
        Thread.sleep(HOLD_MS);
        lock.unlockWrite();
        waiter.join(DiagTestSupport.LONG_MS);
        assertFalse(waiter.isAlive());
        assertEquals(0L, lock.stateWord());
    }

    private static void assertWaitEvent(RecordedEvent e, String waiterName, String mode, String outcome) {
        assertEquals(mode, e.getString("mode"));
        assertEquals(outcome, e.getString("outcome"));
        // A waiter held up HOLD_MS parks for most of it; a timed writer may spend its time in the
        // spin phase first (the event starts at the first park), so it only has to be non-negative.
        long minMillis = outcome.equals("timed out") ? 0 : 20;
        assertTrue(e.getDuration().toMillis() >= minMillis, "duration " + e.getDuration());
        RecordedThread t = e.getThread();
        assertNotNull(t, "event thread");
        assertEquals(waiterName, t.getJavaName());
        assertNotNull(e.getStackTrace(), "stack trace");
        assertFalse(e.getStackTrace().getFrames().isEmpty());
    }

    @Test
    void lockWaitIsRecordedForAPlatformThread() throws Throwable {
        RwLock lock = RwLock.builder().name("jfr-platform").build();
        String owner = Thread.currentThread().getName();
        List<RecordedEvent> events = record("jfr-platform", () -> {
            try (DiagTestSupport.Helpers h = new DiagTestSupport.Helpers()) {
                lock.lockWrite();
                Thread waiter = h.start("jfr-platform-waiter", () -> {
                    lock.lockRead();
                    lock.unlockRead();
                });
                contendedRead(lock, waiter);
            }
        });
        List<RecordedEvent> waits = ofType(events, WAIT);
        assertEquals(1, waits.size(), events.toString());
        RecordedEvent e = waits.get(0);
        assertWaitEvent(e, "jfr-platform-waiter", "READ", "acquired");
        // The word the waiter saw before it set PARKED: the owner's WRITER.
        assertTrue(e.getString("wordAtStart").startsWith("0x0000000000000008 [WRITER"), e.getString("wordAtStart"));
        assertEquals(LockState.WRITER, e.getLong("wordAtStartBits") & ~LockState.PARKED);
        RecordedThread ownerAtStart = e.getValue("ownerAtStart");
        assertEquals(owner, ownerAtStart.getJavaName());
    }

    @Test
    void lockWaitIsRecordedForAVirtualThread() throws Throwable {
        DiagTestSupport.newVirtualThread("probe", () -> {}); // skips the test before JDK 21
        RwLock lock = RwLock.builder().name("jfr-virtual").build();
        List<RecordedEvent> events = record("jfr-virtual", () -> {
            try (DiagTestSupport.Helpers h = new DiagTestSupport.Helpers()) {
                lock.lockWrite();
                Thread waiter = h.startVirtual("jfr-virtual-waiter", () -> {
                    lock.lockRead();
                    lock.unlockRead();
                });
                contendedRead(lock, waiter);
            }
        });
        List<RecordedEvent> waits = ofType(events, WAIT);
        assertEquals(1, waits.size(), events.toString());
        assertWaitEvent(waits.get(0), "jfr-virtual-waiter", "READ", "acquired");
    }

    @Test
    void timedOutWriteIsRecordedWithItsOutcome() throws Throwable {
        RwLock lock = new RwLock();
        RwLock named = RwLock.builder().name("jfr-timeout").trackHolds(false).build();
        assertEquals(RwLock.class, named.getClass());
        List<RecordedEvent> events = record("jfr-timeout", () -> {
            named.lockRead();
            try (DiagTestSupport.Helpers h = new DiagTestSupport.Helpers()) {
                h.start("jfr-timed-writer", () -> assertFalse(named.tryLockWrite(HOLD_MS, TimeUnit.MILLISECONDS)));
            }
            named.unlockRead();
        });
        assertEquals(0L, named.stateWord());
        assertEquals(0L, lock.stateWord());
        List<RecordedEvent> waits = ofType(events, WAIT);
        assertEquals(1, waits.size(), events.toString());
        RecordedEvent e = waits.get(0);
        assertWaitEvent(e, "jfr-timed-writer", "WRITE", "timed out");
        assertTrue(e.getString("wordAtStart").contains("WRITER"), e.getString("wordAtStart"));
    }

    @Test
    void longWriteHoldIsRecordedAsLockHeld() throws Throwable {
        RwLock lock = RwLock.builder().name("jfr-held").build();
        List<RecordedEvent> events = record("jfr-held", () -> {
            lock.lockWrite();
            Thread.sleep(HOLD_MS);
            lock.unlockWrite();
            lock.lockWrite(); // short: below both thresholds
            lock.unlockWrite();
            lock.lockUpgradable();
            Thread.sleep(HOLD_MS);
            lock.unlockUpgradable();
        });
        List<RecordedEvent> held = ofType(events, HELD);
        assertEquals(2, held.size(), events.toString());
        assertEquals("WRITE", held.get(0).getString("mode"));
        assertEquals("UPGRADABLE", held.get(1).getString("mode"));
        for (RecordedEvent e : held) {
            assertTrue(e.getDuration().toMillis() >= HOLD_MS - 1, "duration " + e.getDuration());
            assertEquals(Thread.currentThread().getName(), e.getThread().getJavaName());
        }
    }

    @Test
    void corruptionIsRecordedOnce() throws Throwable {
        RwLock lock = RwLock.builder().name("jfr-corrupt").build();
        List<RecordedEvent> events = record("jfr-corrupt", () -> {
            lock.setStateWordForTesting(0xFFFFFFFFFFFFFFFEL);
            assertThrows(LockCorruptedException.class, lock::lockWrite);
            assertThrows(LockCorruptedException.class, lock::lockUpgradable);
            lock.setStateWordForTesting(0L);
        });
        List<RecordedEvent> corrupt = ofType(events, CORRUPTED);
        assertEquals(1, corrupt.size(), events.toString());
        RecordedEvent e = corrupt.get(0);
        assertEquals(0xFFFFFFFFFFFFFFFEL, e.getLong("wordBits"));
        assertTrue(e.getString("word").startsWith("0xFFFFFFFFFFFFFFFE"), e.getString("word"));
        assertTrue(e.getString("violations").contains("UPGRADABLE and WRITER"), e.getString("violations"));
    }

    @Test
    void shortUncontendedOperationsRecordNothing() throws Throwable {
        RwLock lock = RwLock.builder().name("jfr-quiet").build();
        List<RecordedEvent> events = record("jfr-quiet", () -> {
            for (int i = 0; i < 1000; i++) {
                lock.lockRead();
                lock.unlockRead();
                lock.lockWrite();
                lock.unlockWrite();
            }
        });
        assertEquals(List.of(), events);
    }

    @Test
    void everyDiagnosticPathWorksWithoutTheJfrModule() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(
                java,
                "--limit-modules",
                "java.base",
                "-cp",
                System.getProperty("java.class.path"),
                NoJfrProbe.class.getName());
        Path out = tmp.resolve("probe.out");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe JVM did not finish");
        String text = new String(Files.readAllBytes(out), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        assertTrue(text.contains("jfrAvailable=false"), text);
        assertTrue(text.contains("CORRUPTED"), text);
        // The watchdog's default handler logged through System.Logger at WARNING.
        assertTrue(text.contains("WARNING: lockword report on RwLock(logged-by-default)@"), text);
        assertTrue(text.trim().endsWith("OK"), text);
        assertFalse(text.contains("Exception in"), text);
        assertTrue(new File(java).canExecute());
    }

    @Test
    void eventSettingsDefaultToTwentyMillisecondsWithStackTraces() {
        for (Class<? extends jdk.jfr.Event> c :
                List.of(LockWaitEvent.class, LockHeldEvent.class, LockCorruptedEvent.class)) {
            jdk.jfr.EventType t = jdk.jfr.EventType.getEventType(c);
            assertTrue(t.getName().startsWith("io.github.lockword.Lock"), t.getName());
            for (jdk.jfr.SettingDescriptor d : t.getSettingDescriptors()) {
                if (d.getName().equals("threshold")) {
                    // Corruption is an instant event: always recorded.
                    assertEquals(c == LockCorruptedEvent.class ? "0 ns" : "20 ms", d.getDefaultValue(), t.getName());
                }
                if (d.getName().equals("stackTrace")) {
                    assertEquals("true", d.getDefaultValue(), t.getName());
                }
            }
        }
        assertEquals(
                CORRUPTED,
                jdk.jfr.EventType.getEventType(LockCorruptedEvent.class).getName());
    }
}
