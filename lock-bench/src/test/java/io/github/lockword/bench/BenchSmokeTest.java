// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * CI's seconds-long smoke of the suite, so that it cannot rot: every benchmark class runs once,
 * in this JVM ({@code forks = 0}), no warmup, one 100 ms iteration, for lockword and
 * ReentrantReadWriteLock, and {@code Contended} once more at 1 thread so that one point has two
 * thread counts; then the report renderer turns the JSON into Markdown, the chart and the
 * scaling chart. The
 * numbers mean nothing; the point is that each benchmark still runs, returns a finite score and
 * reports what the renderer expects.
 */
class BenchSmokeTest {

    private static final Path OUT = Path.of("target", "ci-smoke");

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyBenchmarkRunsAndTheReportRenders() throws RunnerException, IOException, InterruptedException {
        Files.createDirectories(OUT);
        final Path json = OUT.resolve("ci-smoke.json");
        final Path json1 = OUT.resolve("ci-smoke-1-thread.json");
        final String pkg = "io\\.github\\.lockword\\.bench\\.";
        final Collection<RunResult> results = new ArrayList<>(run(
                pkg + "(Uncontended|Contended|ReadersWriters|WriterLatency|TimedWrite|CatalogBench|Guards)\\.",
                -1,
                json));
        // Contended again at 1 thread (2 above, its default): the scaling chart gets one panel.
        results.addAll(run(pkg + "Contended\\.", 1, json1));

        final List<String> seen = new ArrayList<>();
        for (RunResult run : results) {
            final String name = run.getParams().getBenchmark().replace("io.github.lockword.bench.", "") + "["
                    + run.getParams().getParam("contender") + ", "
                    + run.getParams().getThreads() + "t]";
            final Result<?> primary = run.getPrimaryResult();
            System.out.printf("ci-smoke: %-40s %12.3f %s%n", name, primary.getScore(), primary.getScoreUnit());
            assertTrue(
                    Double.isFinite(primary.getScore()) && primary.getScore() > 0,
                    name + " scored " + primary.getScore());
            seen.add(run.getParams()
                    .getBenchmark()
                    .replace("io.github.lockword.bench.", "")
                    .replaceAll("\\..*", ""));
            if (name.startsWith("TimedWrite")) {
                final double attempts =
                        run.getSecondaryResults().get("successes").getScore()
                                + run.getSecondaryResults().get("failures").getScore();
                assertTrue(attempts > 0, name + " made no timed write attempt");
            }
        }
        assertEquals(
                new TreeSet<>(List.of(
                        "CatalogBench",
                        "Contended",
                        "Guards",
                        "ReadersWriters",
                        "TimedWrite",
                        "Uncontended",
                        "WriterLatency")),
                new TreeSet<>(seen),
                "benchmark classes that ran");
        assertEquals(
                2 * 7 + 7 + 2,
                results.size(),
                "runs (Uncontended has two methods, each class two contenders; Guards 7 methods and no contender;"
                        + " Contended at 1 thread twice more)");

        renderReport(json, json1);
    }

    /** Runs the benchmarks matching include, at their own thread count when threads is -1. */
    private static Collection<RunResult> run(String include, int threads, Path json) throws RunnerException {
        final OptionsBuilder builder = new OptionsBuilder();
        if (threads > 0) {
            builder.threads(threads);
        }
        final Options options = builder.include(include)
                .param("contender", "rwlock", "rrwl")
                .param("mix", "95:5")
                .param("work", "100")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .timeout(TimeValue.seconds(10))
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString())
                .build();
        return new Runner(options).run();
    }

    /** Runs report/render.py on the smoke's JSON when this machine has python3. */
    private static void renderReport(Path json, Path json1) throws IOException, InterruptedException {
        final Path script = Path.of("report", "render.py");
        final Process probe;
        try {
            probe = new ProcessBuilder("python3", "--version")
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException noPython) {
            Assumptions.abort("python3 not installed; report rendering not checked");
            return;
        }
        probe.getInputStream().readAllBytes();
        Assumptions.assumeTrue(probe.waitFor() == 0, "python3 not usable; report rendering not checked");

        final Path md = OUT.resolve("ci-smoke.md");
        final Path svg = OUT.resolve("ci-smoke.svg");
        final Path scaling = OUT.resolve("ci-smoke-scaling.svg");
        final Process render = new ProcessBuilder(
                        "python3",
                        script.toString(),
                        "--profile",
                        "ci-smoke",
                        "--out-md",
                        md.toString(),
                        "--out-svg",
                        svg.toString(),
                        json.toString(),
                        json1.toString())
                .redirectErrorStream(true)
                .start();
        final String output = new String(render.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, render.waitFor(), "render.py failed:\n" + output);
        final String report = Files.readString(md);
        for (String section : List.of(
                "## Targets",
                "## Uncontended",
                "## Contended",
                "## Writer latency",
                "## Timed writes",
                "## Catalog",
                "## Scaling with threads",
                "## Guards")) {
            assertTrue(report.contains(section), "report lacks " + section + ":\n" + report);
        }
        assertTrue(
                report.contains("| contender | 1 thread | 2 threads |"),
                "scaling table lacks Contended at 1 and 2 threads:\n" + report);
        assertTrue(Files.readString(svg).startsWith("<svg"), "chart is not an SVG");
        final String scalingSvg = Files.readString(scaling);
        assertTrue(
                scalingSvg.startsWith("<svg") && scalingSvg.contains("<polyline"),
                "scaling chart has no line:\n" + scalingSvg);
    }
}
