// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

/**
 * Process-wide counters of lockword's diagnostics. Per-lock detail comes from
 * {@link LockReport#of(RwLock)} and {@link LockWatchdog}.
 */
public final class LockDiagnostics {

    private LockDiagnostics() {}

    /**
     * How many {@link LockListener} calls, across all locks, have thrown. The exception was caught
     * and the lock operation went on as if the listener had returned normally.
     */
    public static long listenerFailures() {
        return Diagnostics.listenerFailures();
    }

    /**
     * How many {@link LockListener} calls, across all locks, took longer than 1 ms. Listeners run on
     * the thread doing the lock operation, never under a parking-lot bucket lock, so a slow one delays
     * that thread's operation only; see {@link LockListener} for the one callback that runs while
     * the caller already holds what it waited for.
     */
    public static long slowListenerCalls() {
        return Diagnostics.slowListenerCalls();
    }

    /**
     * Whether lockword's JFR events ({@code io.github.lockword.LockWait}, {@code LockHeld},
     * {@code LockCorrupted}) can be recorded in this JVM: false when the {@code jdk.jfr} module is
     * absent, in which case the events are silently skipped. The event classes themselves are loaded
     * when the Flight Recorder initialises (at once if it already has), so a program that never
     * records does not pay for JFR's class instrumentation.
     */
    public static boolean jfrAvailable() {
        return Diagnostics.jfrAvailable();
    }

    /**
     * The JFR settings file that turns on every lockword event ({@code lockword.jfc}, shipped in this
     * jar as {@code io/github/lockword/lockword.jfc}), for
     * {@code jdk.jfr.Configuration.create(new InputStreamReader(LockDiagnostics.jfcSettings(), UTF_8))}.
     * The caller closes the stream.
     *
     * @throws IllegalStateException if the resource is missing from the jar
     */
    public static java.io.InputStream jfcSettings() {
        java.io.InputStream in = LockDiagnostics.class.getResourceAsStream("lockword.jfc");
        if (in == null) {
            throw new IllegalStateException("io/github/lockword/lockword.jfc is missing from lock-core's jar");
        }
        return in;
    }
}
