// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped {@code lockword.jfc} turns every lockword event on, and a recording made with it alone
 * sees the watchdog's findings (OWNERLESS, LONG_HOLD, LONG_WAIT) as {@code WatchdogFinding} events
 * and the contended wait as a {@code LockWait} event, each carrying the lock's numeric id.
 */
class JfrWatchdogAndSettingsTest {

    private static final String PREFIX = "io.github.lockword.";
    private static final List<String> EVENTS = List.of("LockWait", "LockHeld", "LockCorrupted", "WatchdogFinding");

    @TempDir
    Path tmp;

    private static Configuration shippedSettings() throws Exception {
        try (Reader r = new InputStreamReader(LockDiagnostics.jfcSettings(), StandardCharsets.UTF_8)) {
            return Configuration.create(r);
        }
    }

    @Test
    void theShippedSettingsEnableEveryLockwordEvent() throws Exception {
        Map<String, String> settings = shippedSettings().getSettings();
        for (String e : EVENTS) {
            assertEquals("true", settings.get(PREFIX + e + "#enabled"), e + " in " + settings);
        }
        // And they name no event that does not exist (a typo would silently record nothing).
        assertTrue(LockDiagnostics.jfrAvailable());
        new RwLock().toString(); // the event classes are registered once the recorder is up
        try (Recording warm = new Recording()) {
            warm.start();
        }
        Set<String> known = new TreeSet<>();
        jdk.jfr.FlightRecorder.getFlightRecorder().getEventTypes().forEach(t -> known.add(t.getName()));
        for (String key : settings.keySet()) {
            String event = key.substring(0, key.indexOf('#'));
            assertTrue(known.contains(event), event + " is not a registered event type: " + known);
        }
    }

    @Test
    void watchdogFindingsAndWaitsAreRecordedWithTheLockId() throws Exception {
        RwLock lock = RwLock.builder().name("jfr-watchdog").trackHolds(false).build();
        BlockingQueue<LockReport> reports = new LinkedBlockingQueue<>();
        Path file = tmp.resolve("watchdog.jfr");
        try (Recording r = new Recording(shippedSettings())) {
            r.enable(PREFIX + "LockWait").withThreshold(Duration.ZERO);
            r.start();
            try (LockWatchdog wd = LockWatchdog.builder()
                            .period(Duration.ofMillis(20))
                            .threshold(Duration.ofMillis(100))
                            .handler(reports::add)
                            .start();
                    DiagTestSupport.Helpers h = new DiagTestSupport.Helpers()) {
                wd.register(lock);
                lock.lockWrite();
                Thread reader = h.start("jfr-watchdog-reader", () -> {
                    lock.lockRead();
                    lock.unlockRead();
                });
                DiagTestSupport.awaitParkedOn(lock, reader);
                Set<LockReport.Kind> seen = java.util.EnumSet.noneOf(LockReport.Kind.class);
                awaitReport(reports, LockReport.Kind.LONG_WAIT, seen);
                awaitReport(reports, LockReport.Kind.LONG_HOLD, seen); // often in the same report
                long held = lock.stateWord();
                lock.setStateWordForTesting(LockState.PARKED); // nobody holds; the reader waits for nobody
                awaitReport(reports, LockReport.Kind.OWNERLESS, seen);
                lock.setStateWordForTesting(held);
                lock.unlockWrite();
                reader.join(DiagTestSupport.LONG_MS);
                assertFalse(reader.isAlive());
            }
            r.stop();
            r.dump(file);
        }
        Set<String> kinds = new TreeSet<>();
        int waits = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            if (!type.startsWith(PREFIX) || !e.getString("lock").contains("(jfr-watchdog)")) {
                continue;
            }
            assertEquals(lock.lockId(), e.getLong("lockId"), e.toString());
            if (type.equals(PREFIX + "WatchdogFinding")) {
                kinds.add(e.getString("kind"));
                assertFalse(e.getString("detail").isEmpty());
            } else if (type.equals(PREFIX + "LockWait")) {
                waits++;
            }
        }
        assertEquals(new TreeSet<>(List.of("LONG_HOLD", "LONG_WAIT", "OWNERLESS")), kinds);
        assertEquals(1, waits, "the reader's wait");
        assertTrue(lock.toString().contains("@" + Long.toHexString(lock.lockId())), lock.toString());
    }

    /** Waits until some report (this one or one seen before, recorded in {@code seen}) has {@code kind}. */
    private static void awaitReport(BlockingQueue<LockReport> reports, LockReport.Kind kind, Set<LockReport.Kind> seen)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DiagTestSupport.LONG_MS);
        while (!seen.contains(kind) && System.nanoTime() - deadline < 0) {
            LockReport r = reports.poll(50, TimeUnit.MILLISECONDS);
            if (r != null) {
                for (LockReport.Kind k : LockReport.Kind.values()) {
                    if (r.has(k)) {
                        seen.add(k);
                    }
                }
            }
        }
        if (!seen.contains(kind)) {
            throw new AssertionError("no " + kind + " report; saw " + seen);
        }
    }
}
