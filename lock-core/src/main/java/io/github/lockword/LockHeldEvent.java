// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * JFR event {@code io.github.lockword.LockHeld}: a write or upgradable hold of an instrumented lock
 * (one made by {@link RwLock#builder()} with hold tracking or checked mode) that lasted at least the
 * lock's {@linkplain RwLock.Builder#longHoldThreshold long-hold threshold} and the event's own
 * threshold. Begun by the holder when it acquires, committed by it when it releases: the event's
 * thread is the holder, its duration the hold, its stack trace the release site.
 */
@Name("io.github.lockword.LockHeld")
@Label("Lock Held")
@Category("lockword")
@Description("A write or upgradable io.github.lockword.RwLock hold longer than a threshold")
@StackTrace(true)
@Threshold("20 ms")
final class LockHeldEvent extends jdk.jfr.Event {

    @Label("Lock Id")
    @Description(
            "The lock's identity hash code, as in its toString() (RwLock@1b6d3586 has id 0x1b6d3586): group events by it")
    long lockId;

    @Label("Lock")
    @Description("The lock's name and identity, as in its toString()")
    String lock;

    @Label("Mode")
    @Description("WRITE or UPGRADABLE")
    String mode;
}
