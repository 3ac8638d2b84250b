import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** Section `first-run`: bin/setup and the first two list-tables on a fresh JBang home and an empty Maven repository. */
final class FirstRunBench implements Section {
    @Option(names = "--first-run", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also measure a first run on a fresh JBang home and Maven repository (downloads).")
    boolean firstRun;

    private String note;

    @Override
    public String name() {
        return "first-run";
    }

    @Override
    public void tiny() {
        firstRun = false;
    }

    @Override
    public boolean enabled(Benchmark bench) {
        return firstRun;
    }

    @Override
    public void measure(Benchmark bench) throws Exception {
        Runner run = bench.runner;
        try (Runner.Local local = run.local()) {
            Path home = Files.createTempDirectory("bench-jbang-home");
            Path maven = Files.createTempDirectory("bench-m2");
            Map<String, String> env = Map.of("JBANG_DIR", home.toString(), "JBANG_REPO", maven.toString(),
                    "MAVEN_OPTS", "-Dmaven.repo.local=" + maven, "PATH", home.resolve("bin") + ":/usr/local/bin:/usr/bin:/bin");
            Sample install = run.run(java.util.List.of(run.repo.resolve("bin/setup").toString()), env);
            Sample first = run.run(local.ours("list-tables"), env);
            Sample second = run.run(local.ours("list-tables"), env);
            note = String.format("First run on a fresh JBang home and an empty Maven repository: bin/setup (JBang %s from Maven "
                    + "Central) %.1f s; then the first list-tables (resolving and downloading its dependencies, compiling) %.1f s; "
                    + "the second %.2f s.", "0.127.18", install.seconds(), first.seconds(), second.seconds());
        } catch (Exception e) {
            note = "The first-run measurement failed: " + e.getMessage();
        }
    }

    @Override
    public void report(Benchmark bench, Report out) {
        if (note != null) out.note(note);
    }
}
