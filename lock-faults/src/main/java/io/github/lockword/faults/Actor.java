// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.faults;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * One named platform thread that runs one step of a schedule and keeps its outcome. Made unstarted,
 * so that a {@link Schedule} gate can name its thread before it runs.
 */
final class Actor<T> {

    private final Thread thread;
    private volatile T value;
    private volatile Throwable failure;
    private volatile boolean done;

    private Actor(String name, Callable<T> body) {
        this.thread = new Thread(
                () -> {
                    try {
                        value = body.call();
                    } catch (Throwable t) {
                        failure = t;
                    } finally {
                        done = true;
                    }
                },
                name);
        thread.setDaemon(true);
    }

    /** An unstarted actor that will run {@code body} on a thread called {@code name}. */
    static <T> Actor<T> of(String name, Callable<T> body) {
        return new Actor<>(name, body);
    }

    Thread thread() {
        return thread;
    }

    Actor<T> start() {
        thread.start();
        return this;
    }

    /** Whether the body has returned or thrown. */
    boolean isDone() {
        return done;
    }

    /**
     * Waits for the body and returns its value.
     *
     * @throws IllegalStateException if it is still running after {@code timeout} (it is left running)
     * @throws Outcome if it threw; the cause is what it threw
     */
    T join(Duration timeout) throws InterruptedException {
        thread.join(Math.max(1, timeout.toMillis()));
        if (!done) {
            throw new IllegalStateException(thread.getName() + " still running after " + timeout.toMillis() + " ms");
        }
        if (failure != null) {
            throw new Outcome(thread.getName(), failure);
        }
        return value;
    }

    /** What the body threw, or null. Valid once {@link #isDone()}. */
    Throwable failure() {
        return failure;
    }

    /** The body of an actor threw. */
    static final class Outcome extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Outcome(String name, Throwable cause) {
            super(name + " threw " + cause, cause);
        }
    }
}
