// SPDX-License-Identifier: Apache-2.0
/**
 * lockword: a reader-writer lock in one 64-bit word. No runtime dependency; JFR events are used
 * when the {@code jdk.jfr} module is present.
 */
// lock-faults is built after lock-core, so the qualified export names a module not yet known here.
@SuppressWarnings("module")
module io.github.lockword {
    requires static jdk.jfr;

    exports io.github.lockword;
    exports io.github.lockword.seam to
            io.github.lockword.faults;
}
