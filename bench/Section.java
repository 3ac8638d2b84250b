/**
 * One part of the benchmark, the unit of `--only`: it measures, then writes its part of RESULTS.md. Its own options
 * are picocli @Option fields on the class (the driver mixes them in); the shared ones are the driver's (Benchmark).
 * A new section is a file in bench/sections/ and a line in Benchmark.sections().
 */
interface Section {
    /** The word for --only. */
    String name();

    /** --tiny: shrink the section's own options (the driver shrinks the shared ones). */
    default void tiny() {}

    /** Whether it runs with these options at all (scale 0 skips scale, --no-first-run skips first-run). */
    default boolean enabled(Benchmark bench) {
        return true;
    }

    void measure(Benchmark bench) throws Exception;

    /** Its part of the report: nothing when it measured nothing. */
    void report(Benchmark bench, Report report);
}
