// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code io.github.lockword.LockCorrupted}: a slow path found the lock word breaking the
 * invariants of {@link LockState}. Committed once per lock, by the thread that found it.
 */
@Name("io.github.lockword.LockCorrupted")
@Label("Lock Corrupted")
@Category("lockword")
@Description("An io.github.lockword.RwLock word broke the layout's invariants; no thread can acquire the lock")
@StackTrace(true)
final class LockCorruptedEvent extends jdk.jfr.Event {

    @Label("Lock Id")
    @Description(
            "The lock's identity hash code, as in its toString() (RwLock@1b6d3586 has id 0x1b6d3586): group events by it")
    long lockId;

    @Label("Lock")
    @Description("The lock's name and identity")
    String lock;

    @Label("Word")
    @Description("The corrupt word, in hex and decoded")
    String word;

    @Label("Word (Bits)")
    long wordBits;

    @Label("Violations")
    @Description("The invariants the word breaks")
    String violations;
}
