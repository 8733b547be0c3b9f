// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.stress.fray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@link Scenarios} program against the production locks ({@code new RwLock()},
 * {@code new RwLock(true)}, {@code RwLock.builder().build()}, the builder's checked mode, and its
 * read-biased lock) under
 * Fray: no assertion, exception or deadlock in {@code -Dfray.iterations} iterations per test (the
 * test command's default is small to fit CI's budget; lock-stress's README has the command and the
 * figures of a 10,000-iteration run). {@code -Dfray.scenarios=a,b} and {@code -Dfray.locks=FIXED,FAIR}
 * limit the cases; a long run needs {@code -Djunit.jupiter.execution.timeout.default=30m} too (the
 * test command bounds every test to 5 minutes).
 */
class FixedLockFrayTest {

    /** Iterations per test when {@code -Dfray.iterations} is not given. */
    static final int DEFAULT_ITERATIONS = 200;

    static final List<String> SCENARIOS = List.of(
            "timedWriteVsLastReader",
            "timedUpgradeVsLastReader",
            "timedWriteTimesOutWithWaiters",
            "upgradeAndDowngrades",
            "fairHandoff",
            "conditionAwaitSignalTimed",
            "interruptAcquisitions",
            "interruptUpgradeAndAwait",
            "biasedReadersAndWriters");

    static final List<FrayLock> LOCKS =
            List.of(FrayLock.FIXED, FrayLock.FAIR, FrayLock.BUILT, FrayLock.CHECKED, FrayLock.READ_BIASED);

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String s : SCENARIOS) {
            for (FrayLock l : LOCKS) {
                out.add(Arguments.of(s, l));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}[{1}]")
    @MethodSource("cases")
    void noErrorUnderFray(String scenario, FrayLock lock) {
        assumeSelected("fray.scenarios", scenario);
        assumeSelected("fray.locks", lock.name());
        int iterations = FrayRunner.iterations(DEFAULT_ITERATIONS);
        FrayRunner.Outcome o = FrayRunner.explore(scenario, lock, iterations);
        System.out.println("FRAY " + o);
        if (o.bug != null) {
            fail(
                    "Fray found an error in " + o.name + " at iteration " + o.iterations + "; replay files in "
                            + o.report + "/recording",
                    o.bug);
        }
        assertEquals(iterations, o.iterations, "iterations run (Fray's time limit hit?)");
    }

    /** Skips the case unless the comma-separated system property {@code property} is unset or names {@code name}. */
    private static void assumeSelected(String property, String name) {
        String only = System.getProperty(property, "");
        Assumptions.assumeTrue(only.isEmpty() || Arrays.asList(only.split(",")).contains(name), "not in -D" + property);
    }
}
