// SPDX-License-Identifier: Apache-2.0
/**
 * lock-faults: the historical bug of parking_lot issue 465 brought back on demand, named pause
 * points that make its interleaving run exactly, chaos at the parking seam, and the reproduction
 * demo. Test and demo code only; nothing here belongs in a production class path.
 */
module io.github.lockword.faults {
    // transitive: FaultyLocks hands out RwLocks, so its users need lock-core's API too.
    requires transitive io.github.lockword;

    exports io.github.lockword.faults;
}
