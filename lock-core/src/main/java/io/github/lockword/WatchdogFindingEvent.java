// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code io.github.lockword.WatchdogFinding}: one finding of a {@link LockWatchdog} scan
 * (CORRUPTED, OWNERLESS, LONG_HOLD or LONG_WAIT), committed by the watchdog's thread when it reports
 * it, next to the {@link LockReport} its handler receives. Touched only by {@link JfrEvents}.
 */
@Name("io.github.lockword.WatchdogFinding")
@Label("Lock Watchdog Finding")
@Category("lockword")
@Description("An io.github.lockword.LockWatchdog found a corrupted, ownerless, long-held or long-awaited lock")
@StackTrace(false)
final class WatchdogFindingEvent extends jdk.jfr.Event {

    @Label("Lock Id")
    @Description(
            "The lock's identity hash code, as in its toString() (RwLock@1b6d3586 has id 0x1b6d3586): group events by it")
    long lockId;

    @Label("Lock")
    @Description("The lock's name and identity, as in its toString()")
    String lock;

    @Label("Kind")
    @Description("CORRUPTED, OWNERLESS, LONG_HOLD or LONG_WAIT")
    String kind;

    @Label("Detail")
    @Description("What the watchdog saw, as in the report")
    String detail;

    @Label("Word")
    @Description("The lock word at the scan, in hex and decoded")
    String word;

    @Label("Word (Bits)")
    long wordBits;
}
