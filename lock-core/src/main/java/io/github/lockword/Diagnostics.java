package io.github.lockword;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where the lock's slow paths report what they see: waits, their outcomes and corrupted words. Only
 * slow paths call in here; a fast path never does.
 */
final class Diagnostics {

    /** Outcome of a wait that ended in an exception (corruption, overflow). */
    static final int FAILED = 3;

    /** Locks already reported corrupt (reported once each); weak, so reporting keeps nothing alive. */
    private static final Map<RwLock, Boolean> REPORTED_CORRUPT = Collections.synchronizedMap(new WeakHashMap<>());

    /** Listener callbacks that threw. */
    private static final LongAdder LISTENER_FAILURES = new LongAdder();

    private Diagnostics() {
    }

    /** Loads and initialises what slow paths use, before any thread can park. */
    static void init() {
        LISTENER_FAILURES.sum();
    }

    /** One wait of one thread: created when it first parks, closed when the wait ends. */
    static final class Wait {
        final LockMode mode;
        final long startNanos;
        final long startWord;
        final Thread ownerAtStart;

        Wait(LockMode mode, long startNanos, long startWord, Thread ownerAtStart) {
            this.mode = mode;
            this.startNanos = startNanos;
            this.startWord = startWord;
            this.ownerAtStart = ownerAtStart;
        }
    }

    /** A thread is about to park for {@code mode}, having seen {@code word}. */
    static Wait beginWait(RwLock lock, LockMode mode, long word) {
        Wait w = new Wait(mode, System.nanoTime(), word, lock.writeOwner());
        LockListener l = lock.config.listener;
        if (l != null) {
            try {
                l.contended(lock, mode, word);
            } catch (Throwable t) {
                LISTENER_FAILURES.increment();
            }
        }
        return w;
    }

    /** The wait {@code w} (null if the thread never parked) ended with {@code outcome}. */
    static void endWait(RwLock lock, Wait w, int outcome) {
        if (w == null) {
            return;
        }
        LockListener l = lock.config.listener;
        if (l == null) {
            return;
        }
        long waited = System.nanoTime() - w.startNanos;
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
    }

    /** The lock's word was found corrupt. Reported once per lock. */
    static void corrupted(RwLock lock, long word) {
        if (REPORTED_CORRUPT.putIfAbsent(lock, Boolean.TRUE) != null) {
            return;
        }
        LockListener l = lock.config.listener;
        if (l != null) {
            try {
                l.corrupted(lock, word, LockState.violations(word));
            } catch (Throwable t) {
                LISTENER_FAILURES.increment();
            }
        }
    }

    /** How many listener callbacks have thrown, across all locks. */
    static long listenerFailures() {
        return LISTENER_FAILURES.sum();
    }
}
