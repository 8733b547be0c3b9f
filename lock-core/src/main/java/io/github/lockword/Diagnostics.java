// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where the lock's slow paths report what they see: waits, their outcomes and corrupted words, and
 * where instrumented locks report the end of long holds. Only slow paths (and
 * {@link InstrumentedRwLock}) call in here; a fast path of a default lock never does.
 *
 * <p>Three kinds of sink, each guarded so it can never break or stall the lock operation that feeds
 * it: the lock's {@link LockListener} (exceptions caught and counted, slow calls counted), JFR (the
 * events of {@link JfrEvents}, skipped when the jdk.jfr module is absent), and running
 * {@link LockWatchdog}s (told about corruption through a lock-free queue; the report itself is built
 * and handled on the watchdog's thread). Nothing here is called under a parking-lot bucket lock.
 */
final class Diagnostics {

    /** Outcome of a wait that ended in an exception (corruption, overflow). */
    static final int FAILED = 3;

    /** A listener call longer than this counts as slow. */
    static final long SLOW_LISTENER_NANOS = 1_000_000L;

    /** Locks already reported corrupt (reported once each); weak, so reporting keeps nothing alive. */
    private static final Map<RwLock, Boolean> REPORTED_CORRUPT = Collections.synchronizedMap(new WeakHashMap<>());

    /** Listener callbacks that threw. */
    private static final LongAdder LISTENER_FAILURES = new LongAdder();

    /** Listener callbacks that took longer than {@link #SLOW_LISTENER_NANOS}. */
    private static final LongAdder SLOW_LISTENER_CALLS = new LongAdder();

    /** Whether the jdk.jfr module is present. */
    private static final boolean JFR_PRESENT = installJfr();

    /**
     * Whether the event classes are loaded (set once the Flight Recorder has initialised; before
     * that no recording exists). Read on slow paths only.
     */
    private static volatile boolean jfr;

    /** Running watchdogs; told about corruption the moment a slow path finds it. */
    private static final List<LockWatchdog> WATCHDOGS = new CopyOnWriteArrayList<>();

    private Diagnostics() {}

    private static boolean installJfr() {
        try {
            JfrEvents.install(() -> jfr = true);
            return true;
        } catch (LinkageError | RuntimeException e) {
            // jdk.jfr is `requires static`: without it every event is skipped.
            return false;
        }
    }

    /** Loads and initialises what slow paths use, before any thread can park. */
    static void init() {
        long unusedSum = LISTENER_FAILURES.sum();
        boolean unusedEmpty = WATCHDOGS.isEmpty();
    }

    /** Whether the jdk.jfr module is present (events are recorded once the Flight Recorder is up). */
    static boolean jfrAvailable() {
        return JFR_PRESENT;
    }

    /** Whether the event classes are loaded, i.e. the Flight Recorder has initialised. */
    static boolean jfrReady() {
        return jfr;
    }

    /** One wait of one thread: created when it first parks, closed when the wait ends. */
    static final class Wait {
        final LockMode mode;
        final long startNanos;
        final long startWord;
        final Thread ownerAtStart;
        /** The begun JFR LockWait event, or null. */
        final Object event;

        Wait(LockMode mode, long startNanos, long startWord, Thread ownerAtStart, Object event) {
            this.mode = mode;
            this.startNanos = startNanos;
            this.startWord = startWord;
            this.ownerAtStart = ownerAtStart;
            this.event = event;
        }
    }

    /** The write owner, or else the tracked upgradable holder of an instrumented lock; may be null. */
    static Thread ownerOf(RwLock lock) {
        Thread t = lock.writeOwner();
        if (t == null && lock instanceof InstrumentedRwLock il) {
            InstrumentedRwLock.Hold u = il.upgradableHold();
            t = u == null ? null : u.thread;
        }
        return t;
    }

    /** A thread is about to park for {@code mode}, having seen {@code word}. */
    static Wait beginWait(RwLock lock, LockMode mode, long word) {
        Object event = null;
        if (jfr) {
            try {
                event = JfrEvents.beginWait();
            } catch (Throwable t) {
                event = null;
            }
        }
        Wait w = new Wait(mode, System.nanoTime(), word, ownerOf(lock), event);
        LockListener l = lock.config.listener;
        if (l != null) {
            long t0 = System.nanoTime();
            try {
                l.contended(lock, mode, word);
            } catch (Throwable t) {
                LISTENER_FAILURES.increment();
            }
            countIfSlow(t0);
        }
        return w;
    }

    /** The wait {@code w} (null if the thread never parked) ended with {@code outcome}. */
    static void endWait(RwLock lock, Wait w, int outcome) {
        if (w == null) {
            return;
        }
        long waited = System.nanoTime() - w.startNanos;
        if (w.event != null) {
            try {
                JfrEvents.endWait(w.event, lock, w.mode, outcomeName(outcome), w.startWord, w.ownerAtStart);
            } catch (Throwable t) {
                // JFR must not break the lock; nothing to report to.
            }
        }
        LockListener l = lock.config.listener;
        if (l == null) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            switch (outcome) {
                case RwLock.ACQUIRED:
                    l.acquiredAfterWait(lock, w.mode, waited);
                    break;
                case RwLock.TIMED_OUT:
                    l.timedOut(lock, w.mode, waited);
                    break;
                case RwLock.INTERRUPTED:
                    l.interrupted(lock, w.mode, waited);
                    break;
                default:
                    break;
            }
        } catch (Throwable t) {
            LISTENER_FAILURES.increment();
        }
        countIfSlow(t0);
    }

    static String outcomeName(int outcome) {
        switch (outcome) {
            case RwLock.ACQUIRED:
                return "acquired";
            case RwLock.TIMED_OUT:
                return "timed out";
            case RwLock.INTERRUPTED:
                return "interrupted";
            default:
                return "failed";
        }
    }

    /** An instrumented lock's holder just acquired: a begun JFR LockHeld event, or null. */
    static Object beginHold() {
        if (!jfr) {
            return null;
        }
        try {
            return JfrEvents.beginHold();
        } catch (Throwable t) {
            return null;
        }
    }

    /**
     * An instrumented lock's holder released a hold of {@code heldNanos}. Called by the holder after
     * the release, so nothing here delays another thread.
     */
    static void endHold(RwLock lock, LockMode mode, Thread holder, long heldNanos, Object event) {
        if (heldNanos < lock.config.longHoldNanos) {
            return;
        }
        if (event != null) {
            try {
                JfrEvents.endHold(event, lock, mode);
            } catch (Throwable t) {
                // JFR must not break the lock.
            }
        }
        LockListener l = lock.config.listener;
        if (l != null) {
            long t0 = System.nanoTime();
            try {
                l.longHold(lock, mode, holder, heldNanos);
            } catch (Throwable t) {
                LISTENER_FAILURES.increment();
            }
            countIfSlow(t0);
        }
    }

    /** The lock's word was found corrupt. Reported once per lock: to the listener, JFR and watchdogs. */
    static void corrupted(RwLock lock, long word) {
        if (REPORTED_CORRUPT.putIfAbsent(lock, Boolean.TRUE) != null) {
            return;
        }
        LockListener l = lock.config.listener;
        if (l != null) {
            long t0 = System.nanoTime();
            try {
                l.corrupted(lock, word, LockState.violations(word));
            } catch (Throwable t) {
                LISTENER_FAILURES.increment();
            }
            countIfSlow(t0);
        }
        if (jfr) {
            try {
                JfrEvents.corrupted(lock, word);
            } catch (Throwable t) {
                // JFR must not break the lock.
            }
        }
        for (LockWatchdog w : WATCHDOGS) {
            try {
                w.corruptionFound(lock, word);
            } catch (Throwable t) {
                // A watchdog must not break the lock; it reports the word on its next scan anyway.
            }
        }
    }

    static void addWatchdog(LockWatchdog w) {
        WATCHDOGS.add(w);
    }

    static void removeWatchdog(LockWatchdog w) {
        WATCHDOGS.remove(w);
    }

    private static void countIfSlow(long t0) {
        if (System.nanoTime() - t0 > SLOW_LISTENER_NANOS) {
            SLOW_LISTENER_CALLS.increment();
        }
    }

    /** The watchdog reports {@code findings} on {@code lock}: each becomes a WatchdogFinding JFR event. */
    static void watchdogFindings(RwLock lock, long word, List<LockReport.Finding> findings) {
        if (!jfr) {
            return;
        }
        for (LockReport.Finding f : findings) {
            try {
                JfrEvents.watchdogFinding(lock, word, f.kind().name(), f.detail());
            } catch (Throwable t) {
                // JFR must not break the watchdog.
            }
        }
    }

    /** How many listener callbacks have thrown, across all locks. */
    static long listenerFailures() {
        return LISTENER_FAILURES.sum();
    }

    /** How many listener callbacks were slow, across all locks. */
    static long slowListenerCalls() {
        return SLOW_LISTENER_CALLS.sum();
    }
}
