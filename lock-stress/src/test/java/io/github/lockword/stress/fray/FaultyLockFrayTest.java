// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.stress.fray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same Fray programs against the faulty locks of lock-faults: each must FAIL under Fray within
 * {@link #MAX_ITERATIONS} iterations, with a message that names the word the fault leaves, and
 * the failing schedule must replay to the same failure. The test passes when Fray finds the bug.
 */
class FaultyLockFrayTest {

    /** The budget within which Fray must find each fault: {@code -Dfray.faulty.maxIterations}. */
    static final int MAX_ITERATIONS = Integer.getInteger("fray.faulty.maxIterations", 10_000);

    static Stream<Arguments> cases() {
        return Stream.of(
                // the writer's give-back borrows through all 64 bits
                Arguments.of(FrayLock.ISSUE_465, "timedWriteVsLastReader", "0xFFFFFFFFFFFFFFFE"),
                // the upgrader's give-back leaves a reader and WRITER_PARKED, UPGRADABLE lost
                Arguments.of(FrayLock.ISSUE_465_UPGRADE, "timedUpgradeVsLastReader", "0x0000000000000012"),
                // the parked writer/upgrader is left asleep on a free lock with only PARKED set
                Arguments.of(FrayLock.ISSUE_465_WAKE_SEED, "timedWriteTimesOutWithWaiters", "0x0000000000000001"));
    }

    @ParameterizedTest(name = "{0} fails in {1}")
    @MethodSource("cases")
    void frayFindsTheFault(FrayLock lock, String scenario, String word) throws Exception {
        FrayRunner.Outcome o = FrayRunner.explore(scenario, lock, MAX_ITERATIONS);
        System.out.println("FRAY " + o);
        assertNotNull(o.bug, "Fray did not find " + lock + " in " + MAX_ITERATIONS + " iterations of " + scenario);
        String message = String.valueOf(o.bug.getMessage());
        assertTrue(message.contains(word), "the failure should name the word " + word + ": " + o.bug);
        System.out.println("FRAY " + lock + " found at iteration " + o.iterations + ": " + message);

        FrayRunner.Outcome again = FrayRunner.replay(scenario, lock, o.report.resolve("recording"));
        System.out.println("FRAY replay " + again);
        assertNotNull(again.bug, "the recorded schedule did not fail again");
        // The same failure, up to the lock's identity hash (a new lock object in the replay).
        assertEquals(
                withoutIdentity(message),
                withoutIdentity(String.valueOf(again.bug.getMessage())),
                "the replay fails the same way");
    }

    private static String withoutIdentity(String message) {
        return message.replaceAll("@[0-9a-f]+", "@");
    }
}
