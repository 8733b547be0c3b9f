// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;

/**
 * Helpers of the diagnostics tests: daemon helper threads whose failures are kept for the test to
 * rethrow, bounded polling (never sleep-and-hope) and virtual threads made through reflection (the
 * tests compile with --release 17).
 */
final class DiagTestSupport {

    /** Bounds a wait for something that must happen; a passing test never waits this long. */
    static final long LONG_MS = 10_000;

    private DiagTestSupport() {}

    /** A helper thread body that may throw. */
    @FunctionalInterface
    interface Body {
        void run() throws Throwable;
    }

    /** Helper threads of one test; {@link #close()} rethrows the first failure and checks they ended. */
    static final class Helpers implements AutoCloseable {
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final List<Thread> threads = new ArrayList<>();

        Runnable wrap(Body body) {
            return () -> {
                try {
                    body.run();
                } catch (Throwable t) {
                    if (!failure.compareAndSet(null, t)) {
                        failure.get().addSuppressed(t);
                    }
                }
            };
        }

        /** Starts a daemon platform thread. */
        Thread start(String name, Body body) {
            Thread t = new Thread(wrap(body), name);
            t.setDaemon(true);
            threads.add(t);
            t.start();
            return t;
        }

        /** Starts a virtual thread (JDK 21+; the test is skipped on older JDKs). */
        Thread startVirtual(String name, Body body) throws Exception {
            Thread t = newVirtualThread(name, wrap(body));
            threads.add(t);
            t.start();
            return t;
        }

        /** Joins every helper (bounded) and rethrows the first failure (checked ones wrapped). */
        @Override
        public void close() {
            for (Thread t : threads) {
                try {
                    t.join(LONG_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted joining " + t.getName(), e);
                }
                if (t.isAlive()) {
                    fail("helper thread " + t.getName() + " did not end");
                }
            }
            Throwable f = failure.get();
            if (f instanceof RuntimeException) {
                throw (RuntimeException) f;
            }
            if (f instanceof Error) {
                throw (Error) f;
            }
            if (f != null) {
                throw new AssertionError(f);
            }
        }
    }

    /** An unstarted virtual thread; aborts the test (skip) before JDK 21. */
    static Thread newVirtualThread(String name, Runnable r) throws Exception {
        Method ofVirtual;
        try {
            ofVirtual = Thread.class.getMethod("ofVirtual");
        } catch (NoSuchMethodException e) {
            Assumptions.abort("virtual threads need JDK 21+");
            throw new AssertionError(e);
        }
        Class<?> builderType = Class.forName("java.lang.Thread$Builder");
        Object builder = ofVirtual.invoke(null);
        builder = builderType.getMethod("name", String.class).invoke(builder, name);
        return (Thread) builderType.getMethod("unstarted", Runnable.class).invoke(builder, r);
    }

    /** Polls {@code condition} until true; fails with {@code what} after {@link #LONG_MS}. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LONG_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting until " + what);
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting until " + what);
            }
        }
    }

    /** Waits until {@code t} is parked on {@code lock} (its park blocker is the lock). */
    static void awaitParkedOn(RwLock lock, Thread t) {
        await(t.getName() + " is parked on " + lock, () -> {
            for (ParkingLot.Parked p : lock.parkedThreads()) {
                if (p.thread == t) {
                    Thread.State s = t.getState();
                    return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
                }
            }
            return false;
        });
    }
}
