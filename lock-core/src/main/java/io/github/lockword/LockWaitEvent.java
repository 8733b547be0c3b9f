// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * JFR event {@code io.github.lockword.LockWait}: one contended wait of one thread, from its first park
 * to the end of the acquisition. The event's duration is the wait. Created only on slow paths, and
 * only when the event is enabled; touched only by {@link JfrEvents}.
 */
@Name("io.github.lockword.LockWait")
@Label("Lock Wait")
@Category("lockword")
@Description("A thread parked waiting for an io.github.lockword.RwLock")
@StackTrace(true)
@Threshold("20 ms")
final class LockWaitEvent extends jdk.jfr.Event {

    @Label("Lock Id")
    @Description(
            "The lock's identity hash code, as in its toString() (RwLock@1b6d3586 has id 0x1b6d3586): group events by it")
    long lockId;

    @Label("Lock")
    @Description("The lock's name and identity, as in its toString()")
    String lock;

    @Label("Mode")
    @Description("READ, WRITE, UPGRADABLE or UPGRADE")
    String mode;

    @Label("Outcome")
    @Description("acquired, timed out, interrupted or failed (corrupted word, reader-count overflow)")
    String outcome;

    @Label("Word At Start")
    @Description("The lock word the thread saw when it decided to park, in hex and decoded")
    String wordAtStart;

    @Label("Word At Start (Bits)")
    long wordAtStartBits;

    @Label("Owner At Start")
    @Description("The write owner (or the tracked upgradable holder) when the wait began, if any")
    Thread ownerAtStart;
}
