// The side-by-side benchmark: every script, warm, through its shebang, against the aws CLI / boto3 equivalent
// of the original scripts (bench/reference/), interleaved in one run; then bulk seed and scan. Run: bench/run.
// This file is the driver: the shared options, the sections in order, the report. Runner.java runs and measures,
// Report.java writes RESULTS.md, sections/*.java are the sections (one file each, see Section.java).
//JAVA 17+
// Its report has en dashes and multiplication signs: compile it as UTF-8 under any locale.
//JAVAC_OPTIONS -encoding UTF-8
//DEPS info.picocli:picocli:4.7.7
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:dynamodb
//DEPS software.amazon.awssdk:url-connection-client
//DEPS org.slf4j:slf4j-nop:1.7.36
//SOURCES Section.java Runner.java Report.java sections/*.java
// The tests' fronts, for sections that share a table with real capacity or with the app: FaultProxy, CapacityFront
// (a table's capacity in each billing mode) and AppClient (the app's own query beside the tool).
//SOURCES ../tests/src/test/java/cruddur/ddb/FaultProxy.java ../tests/src/test/java/cruddur/ddb/CapacityFront.java
//SOURCES ../tests/src/test/java/cruddur/ddb/AppClient.java
//DEPS com.fasterxml.jackson.core:jackson-databind:2.18.2

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench/run", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Benchmark the scripts against the original aws CLI / boto3 scripts on a DynamoDB Local of its own; "
                + "writes bench/RESULTS.md.")
class Benchmark implements Callable<Integer> {
    /** The sections, in the order they run and report. */
    static List<Section> sections() {
        return List.of(new ScriptsBench(), new PathsBench(), new BulkBench(), new CapacityBench(), new ScaleBench(),
                new ExportBench(), new StreamBench(), new FirstRunBench(), new MaskBench(),
                new SharingBench(), new S3Bench());
    }

    @Option(names = "--repo", required = true, description = "The repository (bench/run passes it).")
    Path repo;

    @Option(names = "--runs", defaultValue = "7", description = "Runs of each script and of its reference.")
    int runs;

    @Option(names = "--bulk-runs", defaultValue = "3", description = "Runs of each bulk workload.")
    int bulkRuns;

    @Option(names = "--conversations", defaultValue = "1000", description = "Bulk: conversations (x (messages+2) items).")
    int conversations;

    @Option(names = "--messages", defaultValue = "98", description = "Bulk: messages per conversation.")
    int messages;

    @Option(names = "--scale", defaultValue = "1000000", description = "Scale: the largest synthetic seed, for peak RSS (0: skip).")
    int scale;

    // The section names come from sections(), through a system property main sets: the help lists what there is.
    @Option(names = "--only", split = ",", paramLabel = "SECTION",
            description = "Run only these sections: ${bench.sections} (default: all). Results go to stdout.")
    Set<String> only;

    @Option(names = "--tiny", description = "One run of everything on a few hundred items: proves the benchmark works.")
    boolean tiny;

    @Option(names = "--out", description = "Where to write the results (default: bench/RESULTS.md; --tiny: stdout only).")
    Path out;

    @Spec
    CommandSpec spec;

    final List<Section> sections;
    Runner runner;

    Benchmark(List<Section> sections) {
        this.sections = sections;
    }

    /** Items of the bulk data set: conversations x (messages + their two group items). */
    long bulkItems() {
        return (long) conversations * (messages + 2);
    }

    public static void main(String... args) {
        List<Section> sections = sections();
        System.setProperty("bench.sections", sections.stream().map(Section::name).collect(Collectors.joining(", ")));
        CommandLine cmd = new CommandLine(new Benchmark(sections));
        for (Section s : sections) {
            boolean hasOptions = Arrays.stream(s.getClass().getDeclaredFields()).anyMatch(f -> f.isAnnotationPresent(Option.class));
            if (hasOptions) cmd.addMixin(s.name(), s);
        }
        System.exit(cmd.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Set<String> names = sections.stream().map(Section::name).collect(Collectors.toSet());
        if (only != null && !names.containsAll(only)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Unknown section in --only " + String.join(",", only)
                    + ": the sections are " + System.getProperty("bench.sections"));
        }
        if (tiny) {
            runs = 1;
            bulkRuns = 1;
            conversations = 4;
            messages = 48;
            scale = 2_000; // a smoke run of each section: BenchmarkTest runs it in the suite
            Runner.warmUpRounds = 0; // no warm-up: the one run of each command proves it works
            sections.forEach(Section::tiny);
        }
        runner = new Runner(repo);
        Report report = new Report();
        if (!runner.boto3) report.note("python3 with boto3 is absent: the boto3 references were skipped.");
        if (!runner.awsCli) report.note("the aws CLI is absent: its references were skipped.");
        for (Section s : sections) {
            if ((only == null || only.contains(s.name())) && s.enabled(this)) s.measure(this);
        }
        for (Section s : sections) s.report(this, report);
        String text = report.render(tiny);
        if (out == null && !tiny && only == null) out = repo.resolve("bench/RESULTS.md");
        if (out != null) Files.writeString(out, text);
        System.out.print(text);
        return 0;
    }
}
