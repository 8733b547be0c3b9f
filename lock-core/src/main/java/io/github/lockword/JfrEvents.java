// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;

/**
 * The only class besides the four event classes that mentions {@code jdk.jfr}. The module requires
 * {@code jdk.jfr} statically, so at run time it may be absent: {@link Diagnostics} calls
 * {@link #install} once, inside a catch of {@link LinkageError}, and calls nothing else here until the
 * callback given to {@code install} has run. (Verifying this class loads no {@code jdk.jfr} type:
 * events are only created, cast and called through their own class, and handed around as
 * {@code Object}.)
 *
 * <p><b>When the event classes load.</b> Loading a {@code jdk.jfr.Event} subclass starts JFR's
 * instrumentation machinery, which costs hundreds of milliseconds; every program that touches
 * {@code RwLock} must not pay that when it never records. So the classes are loaded when the Flight
 * Recorder initialises ({@link FlightRecorderListener#recorderInitialized}, which runs before any
 * recording can exist, and at once if the recorder is already up), on the thread that initialises
 * it. Until then no recording can exist and events are skipped. Either way they are loaded before a
 * lock operation could need them, so no thread, in particular no virtual thread about to park, ever
 * loads or waits for their initialisation.
 *
 * <p>Every other method runs on a slow path or, for {@code LockHeld}, on an instrumented lock only.
 */
final class JfrEvents {

    private JfrEvents() {}

    /**
     * Arranges for the event classes to be loaded when the Flight Recorder initialises (now, if it
     * already has), and for {@code ready} to run once they are.
     *
     * @throws LinkageError if the jdk.jfr module is not available
     */
    static void install(Runnable ready) {
        FlightRecorder.addListener(new FlightRecorderListener() {
            @Override
            public void recorderInitialized(FlightRecorder recorder) {
                try {
                    ClassLoader loader = JfrEvents.class.getClassLoader();
                    for (String n :
                            new String[] {"LockWaitEvent", "LockHeldEvent", "LockCorruptedEvent", "WatchdogFindingEvent"
                            }) {
                        Class.forName("io.github.lockword." + n, true, loader);
                    }
                    ready.run();
                } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
                    // Events stay off.
                }
            }
        });
    }

    /** A begun LockWait event, or null when the event is not enabled in any recording. */
    static Object beginWait() {
        LockWaitEvent e = new LockWaitEvent();
        if (!e.isEnabled()) {
            return null;
        }
        e.begin();
        return e;
    }

    /** Ends the wait begun by {@link #beginWait()} and commits it if it passes the threshold. */
    static void endWait(
            Object event, RwLock lock, LockMode mode, String outcome, long wordAtStart, Thread ownerAtStart) {
        LockWaitEvent e = (LockWaitEvent) event;
        e.end();
        if (e.shouldCommit()) {
            e.lockId = lock.lockId();
            e.lock = lock.displayName();
            e.mode = mode.name();
            e.outcome = outcome;
            e.wordAtStart = LockState.explain(wordAtStart);
            e.wordAtStartBits = wordAtStart;
            e.ownerAtStart = ownerAtStart;
            e.commit();
        }
    }

    /** A begun LockHeld event, or null when the event is not enabled. */
    static Object beginHold() {
        LockHeldEvent e = new LockHeldEvent();
        if (!e.isEnabled()) {
            return null;
        }
        e.begin();
        return e;
    }

    /** Ends a hold begun by {@link #beginHold()} and commits it if it passes the threshold. */
    static void endHold(Object event, RwLock lock, LockMode mode) {
        LockHeldEvent e = (LockHeldEvent) event;
        e.end();
        if (e.shouldCommit()) {
            e.lockId = lock.lockId();
            e.lock = lock.displayName();
            e.mode = mode.name();
            e.commit();
        }
    }

    /** Commits a LockCorrupted event if it is enabled. */
    static void corrupted(RwLock lock, long word) {
        LockCorruptedEvent e = new LockCorruptedEvent();
        if (e.isEnabled()) {
            e.lockId = lock.lockId();
            e.lock = lock.displayName();
            e.word = LockState.explain(word);
            e.wordBits = word;
            e.violations = String.join("; ", LockState.violations(word));
            e.commit();
        }
    }

    /** Commits a WatchdogFinding event for one finding of the watchdog, if the event is enabled. */
    static void watchdogFinding(RwLock lock, long word, String kind, String detail) {
        WatchdogFindingEvent e = new WatchdogFindingEvent();
        if (e.isEnabled()) {
            e.lockId = lock.lockId();
            e.lock = lock.displayName();
            e.kind = kind;
            e.detail = detail;
            e.word = LockState.explain(word);
            e.wordBits = word;
            e.commit();
        }
    }
}
