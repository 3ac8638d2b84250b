import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * RESULTS.md: the header (date, machine, java), each section's part in the order the sections ran, then the notes.
 * The helpers are the statistics every section quotes: median and min–max of the wall times, the peak RSS.
 */
final class Report {
    private final StringBuilder text = new StringBuilder();
    private final List<String> notes = new ArrayList<>();

    /** A line for the Notes at the end (a skipped reference, a failed measurement, a figure worth a sentence). */
    void note(String note) {
        notes.add(note);
    }

    /** Appends formatted text to the report, as String.format writes it. */
    Report add(String format, Object... args) {
        text.append(String.format(format, args));
        return this;
    }

    String render(boolean tiny) throws Exception {
        String java = new String(new ProcessBuilder("java", "-version").redirectErrorStream(true).start().getInputStream()
                .readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("?");
        StringBuilder sb = new StringBuilder();
        sb.append("# Benchmark results\n\n");
        sb.append(String.format("%s, %d cores, %s (java on PATH; the launcher runs the scripts on the newest JDK 25+ it finds), "
                + "DynamoDB Local 2.6.1 in memory on the same machine.%s%n%n", LocalDate.now(), Runtime.getRuntime().availableProcessors(),
                java, tiny ? " **Tiny mode: one run, a few hundred items; not a measurement.**" : ""));
        sb.append(text);
        if (!notes.isEmpty()) {
            sb.append("\n## Notes\n\n");
            for (String n : notes) sb.append("- ").append(n).append('\n');
        }
        return sb.toString();
    }

    // ---- statistics --------------------------------------------------------------------------------

    static double median(List<Sample> samples) {
        List<Double> s = samples.stream().map(Sample::seconds).sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static String range(List<Sample> samples) {
        double min = samples.stream().mapToDouble(Sample::seconds).min().orElse(0);
        double max = samples.stream().mapToDouble(Sample::seconds).max().orElse(0);
        return String.format("%.3f–%.3f", min, max);
    }

    static String rss(List<Sample> samples) {
        long max = samples.stream().mapToLong(Sample::rssKb).max().orElse(-1);
        return max < 0 ? "n/a" : String.format("%d MB", Math.round(max / 1024.0));
    }
}
