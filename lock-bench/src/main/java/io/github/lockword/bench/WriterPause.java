// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.bench;

import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Paces a measured writer: before each of its invocations the writer thread sleeps for
 * {@code writerPauseUs} microseconds, outside the timed region ({@code Level.Invocation}), so the
 * readers flood the lock in between and each sample is a writer arriving at a busy lock rather
 * than a writer re-taking a lock it just released.
 */
@State(Scope.Thread)
public class WriterPause {

    /** The writer's pause between attempts, microseconds (0: no pause). */
    @Param({"50"})
    public long writerPauseUs;

    @Setup(Level.Invocation)
    public void pause() {
        if (writerPauseUs > 0) {
            LockSupport.parkNanos(writerPauseUs * 1_000L);
        }
    }
}
