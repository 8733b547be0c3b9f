// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.faults;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Holds chosen threads at {@linkplain PausePoint pause points} of a lock made by
 * {@link FaultyLocks}, so that an interleaving such as schedule A of DESIGN.md section 4 runs
 * exactly, every time.
 *
 * <p>A test arms a {@link Gate} before the thread gets there, waits until the thread arrived, does
 * whatever must happen while it is held, and releases it:
 * <pre> {@code
 * try (Schedule schedule = new Schedule()) {
 *   RwLock lock = FaultyLocks.builder().faults(Fault.ISSUE_465).schedule(schedule).build();
 *   Schedule.Gate h1 = schedule.hold(PausePoint.WRITER_TIMED_OUT_BEFORE_RESTORE);
 *   lock.lockRead();                                          // 0x10
 *   Thread writer = new Thread(() -> tryLockWrite(lock, 30)); // 0x18, then 0x1A and parks
 *   writer.start();
 *   h1.awaitArrival(Duration.ofSeconds(5));                   // timed out, held before its restore
 *   lock.unlockRead();                                        // 0x08: the last reader cleared WP
 *   h1.release();
 *   writer.join();                                            // 0xFFFFFFFFFFFFFFFE
 * }}</pre>
 *
 * <p>Each gate serves one arrival: the first thread that reaches its point (and is the gate's
 * thread, if it names one) claims it; later arrivals pass. A {@linkplain #hold holding} gate keeps
 * its thread until {@link Gate#release()} (or {@link #close()}, or a safety limit of
 * {@linkplain #Schedule(Duration) maxHold}, so that a failed test cannot wedge the JVM); a
 * {@linkplain #watch watching} gate only records the arrival.
 *
 * <p><b>Held threads never park through {@code LockSupport}.</b> They spin, yield and then sleep in
 * 1 ms steps on a volatile flag, so they can neither consume nor be woken by the parking permit the
 * lock gives its own threads. For the same reason {@link Gate#awaitArrival} polls instead of
 * parking. A hold happens outside every parking-lot bucket lock.
 *
 * <p>Thread-safe. One schedule may serve several locks; its gates then match arrivals on any of
 * them.
 */
public final class Schedule implements AutoCloseable {

    private static final Gate[] NONE = new Gate[0];

    private final long maxHoldNanos;

    /** Armed gates no thread has claimed yet. Copy-on-write: the seam reads it without locking. */
    private volatile Gate[] armed = NONE;

    /** Every gate made by this schedule, for {@link #close()}. Guarded by {@code this}. */
    private Gate[] all = NONE;

    /** A schedule whose holds give up after 30 seconds. */
    public Schedule() {
        this(Duration.ofSeconds(30));
    }

    /**
     * A schedule whose holds give up after {@code maxHold}: a held thread that nobody released by
     * then goes on, and its gate reports {@link Gate#gaveUp()}.
     */
    public Schedule(Duration maxHold) {
        if (maxHold.isNegative() || maxHold.isZero()) {
            throw new IllegalArgumentException("maxHold must be positive: " + maxHold);
        }
        this.maxHoldNanos = maxHold.toNanos();
    }

    /** Holds the next thread that reaches {@code point} until the gate is released. */
    public Gate hold(PausePoint point) {
        return arm(point, null, true);
    }

    /** Holds {@code thread} the next time it reaches {@code point} until the gate is released. */
    public Gate hold(PausePoint point, Thread thread) {
        return arm(point, Objects.requireNonNull(thread, "thread"), true);
    }

    /** Records the next arrival of any thread at {@code point} without holding it. */
    public Gate watch(PausePoint point) {
        return arm(point, null, false);
    }

    /** Records the next arrival of {@code thread} at {@code point} without holding it. */
    public Gate watch(PausePoint point, Thread thread) {
        return arm(point, Objects.requireNonNull(thread, "thread"), false);
    }

    /** Releases every held thread and disarms every gate. Idempotent. */
    @Override
    public void close() {
        Gate[] gates;
        synchronized (this) {
            armed = NONE;
            gates = all;
        }
        for (Gate g : gates) {
            g.release();
        }
    }

    private Gate arm(PausePoint point, Thread thread, boolean holds) {
        Gate g = new Gate(point, thread, holds);
        synchronized (this) {
            armed = append(armed, g);
            all = append(all, g);
        }
        return g;
    }

    private synchronized void disarm(Gate g) {
        Gate[] a = armed;
        for (int i = 0; i < a.length; i++) {
            if (a[i] == g) {
                Gate[] b = new Gate[a.length - 1];
                System.arraycopy(a, 0, b, 0, i);
                System.arraycopy(a, i + 1, b, i, a.length - i - 1);
                armed = b;
                return;
            }
        }
    }

    private static Gate[] append(Gate[] a, Gate g) {
        Gate[] b = new Gate[a.length + 1];
        System.arraycopy(a, 0, b, 0, a.length);
        b[a.length] = g;
        return b;
    }

    /**
     * Called by the seam on the thread that reached {@code point}. Claims every matching gate and,
     * if any of them holds, waits until all of those are released. Allocation-free when no gate
     * matches: it may run between "enqueued" and the first sleep of a park.
     */
    void arrive(PausePoint point) {
        final Gate[] gates = armed;
        if (gates.length == 0) {
            return;
        }
        Thread me = Thread.currentThread();
        Gate first = null;
        Gate more = null;
        for (Gate g : gates) {
            if (g.point == point && (g.thread == null || g.thread == me) && g.claim(me)) {
                disarm(g);
                if (first == null) {
                    first = g;
                } else {
                    more = g;
                }
            }
        }
        if (first != null) {
            first.holdIfAsked(maxHoldNanos);
        }
        if (more != null) {
            // Two gates on one arrival (say a watch and a hold): honour both. Rare; a third is
            // handled like the second because every claimed gate's hold ends at release or close.
            more.holdIfAsked(maxHoldNanos);
        }
    }

    /**
     * One armed pause: the point, optionally the one thread it is for, and what happened to it.
     * Thread-safe.
     */
    public static final class Gate {
        private static final VarHandle ARRIVED;

        static {
            try {
                ARRIVED = MethodHandles.lookup().findVarHandle(Gate.class, "arrived", Thread.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final PausePoint point;
        private final Thread thread;
        private final boolean holds;
        /** The thread that claimed this gate; null until one arrives. Set once, through ARRIVED. */
        private volatile Thread arrived;

        private volatile boolean released;
        private volatile boolean gaveUp;

        private Gate(PausePoint point, Thread thread, boolean holds) {
            this.point = point;
            this.thread = thread;
            this.holds = holds;
        }

        /** The pause point of this gate. */
        public PausePoint point() {
            return point;
        }

        /** Whether a thread has reached the point (and, for a holding gate, is held or was). */
        public boolean hasArrived() {
            return arrived != null;
        }

        /** The thread that reached the point, or null if none has yet. */
        public Thread arrivedThread() {
            return arrived;
        }

        /**
         * Waits until a thread reached the point, polling (never parking).
         *
         * @return the thread that arrived
         * @throws IllegalStateException if none arrived within {@code timeout}
         */
        public Thread awaitArrival(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            for (int i = 0; ; i++) {
                Thread t = arrived;
                if (t != null) {
                    return t;
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw new IllegalStateException("no thread" + (thread == null ? "" : " named " + thread.getName())
                            + " reached " + point + " within " + timeout.toMillis() + " ms");
                }
                Pausing.backOff(i);
            }
        }

        /** Lets the held thread go on (or, if none arrived yet, lets the next arrival pass). */
        public void release() {
            released = true;
        }

        /** Whether {@link #release()} (or the schedule's close) was called. */
        public boolean isReleased() {
            return released;
        }

        /** Whether a held thread went on by itself because nobody released it within maxHold. */
        public boolean gaveUp() {
            return gaveUp;
        }

        private boolean claim(Thread me) {
            return arrived == null && ARRIVED.compareAndSet(this, (Thread) null, me);
        }

        private void holdIfAsked(long maxHoldNanos) {
            if (!holds) {
                return;
            }
            long start = System.nanoTime();
            boolean interrupted = false;
            for (int i = 0; !released; i++) {
                if (System.nanoTime() - start >= maxHoldNanos) {
                    gaveUp = true;
                    break;
                }
                interrupted |= Pausing.backOff(i);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public String toString() {
            Thread t = arrived;
            return (holds ? "hold " : "watch ")
                    + point
                    + (thread == null ? "" : " for " + thread.getName())
                    + (t == null ? ", waiting" : ", reached by " + t.getName())
                    + (released ? ", released" : "")
                    + (gaveUp ? ", gave up" : "");
        }
    }

    /** How held and waiting threads pass time: never through LockSupport. */
    static final class Pausing {
        private Pausing() {}

        /**
         * One step of a polling wait: spins, then yields, then sleeps 1 ms (Thread.sleep, which on a
         * platform thread does not touch the LockSupport permit).
         *
         * @return true if the thread was interrupted during the step (the flag is then cleared;
         *         the caller re-asserts it when its wait ends)
         */
        static boolean backOff(int iteration) {
            if (iteration < 64) {
                Thread.onSpinWait();
                return false;
            }
            if (iteration < 128) {
                Thread.yield();
                return false;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(1);
                return false;
            } catch (InterruptedException e) {
                return true;
            }
        }

        /** Busy-waits about {@code nanos} (yielding), for the short delays chaos injects. */
        static void delay(long nanos) {
            long end = System.nanoTime() + nanos;
            boolean interrupted = false;
            while (System.nanoTime() - end < 0) {
                if (end - System.nanoTime() > 2_000_000L) {
                    try {
                        TimeUnit.MILLISECONDS.sleep(1);
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                } else {
                    Thread.yield();
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
