import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Section `s3` (issue 22): an S3 export of the bulk data set, downloaded (`export --export-arn ARN --download`) and
 * imported into DynamoDB Local, against importing the same items from a local export file, interleaved. moto_server
 * stands in for DynamoDB's ExportTableToPointInTime and S3 (docs/s3.md); the export itself is AWS's work, not
 * timed. Needs moto_server and the aws CLI (the bucket, point-in-time recovery); skipped in --tiny.
 */
final class S3Bench implements Section {
    private final List<Sample> viaS3 = new ArrayList<>(), local = new ArrayList<>();
    private long items;

    @Override
    public String name() {
        return "s3";
    }

    @Override
    public boolean enabled(Benchmark bench) {
        return !bench.tiny && Runner.quiet("bash", "-c", "command -v moto_server") && bench.runner.awsCli;
    }

    @Override
    public void measure(Benchmark bench) throws Exception {
        Runner run = bench.runner;
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String moto = "http://127.0.0.1:" + port;
        Process server = new ProcessBuilder("moto_server", "-H", "127.0.0.1", "-p", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (Runner.Local target = run.local()) {
            for (int i = 0; i < 100 && !answers(port); i++) Thread.sleep(100);
            String c = String.valueOf(bench.conversations), m = String.valueOf(bench.messages);
            // moto's tables name a real-looking account: its writes are prod's (--yes); on demand, so nothing paces.
            run.run(run.ours(moto, "schema-load", "--billing-mode", "PAY_PER_REQUEST"));
            run.run(run.ours(moto, "seed", "--synthetic", "--conversations", c, "--messages", m, "--yes"));
            run.run(run.aws(moto, "update-continuous-backups", "--table-name", "cruddur-messages",
                    "--point-in-time-recovery-specification", "PointInTimeRecoveryEnabled=true"));
            run.run(List.of("aws", "s3", "mb", "s3://bench-exports", "--endpoint-url", moto));
            Path dir = Files.createTempDirectory("bench-s3");
            Path file = dir.resolve("local.json.gz");
            run.run(run.ours(moto, "export", "--file", file.toString()));
            Path log = dir.resolve("export.txt");
            var started = new ProcessBuilder(run.ours(moto, "export", "--s3", "s3://bench-exports/bench"))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (started.waitFor() != 0) throw new IllegalStateException("export --s3: " + Files.readString(log));
            Matcher arn = Pattern.compile("(arn:aws:dynamodb:\\S+)").matcher(Files.readString(log));
            if (!arn.find()) throw new IllegalStateException("no export ARN in: " + Files.readString(log));
            items = bench.bulkItems();
            for (int r = 0; r < bench.bulkRuns; r++) {
                for (String way : Runner.alternate(List.of("s3", "local"), r)) {
                    target.createTable("copy");
                    if (way.equals("s3")) {
                        Path fetched = dir.resolve("s3-" + r + ".json.gz");
                        Sample download = run.run(run.ours(moto, "export", "--export-arn", arn.group(1), "--download",
                                "--file", fetched.toString()));
                        Sample load = run.run(target.ours("import", fetched.toString(), "--table", "copy"));
                        viaS3.add(new Sample(download.seconds() + load.seconds(), load.rssKb(), load.lines()));
                    } else {
                        local.add(run.run(target.ours("import", file.toString(), "--table", "copy")));
                    }
                    long count = target.count("copy");
                    if (count != items) throw new IllegalStateException(way + " left " + count + " items, not " + items);
                    target.ddb.deleteTable(d -> d.tableName("copy"));
                }
            }
        } finally {
            server.destroy();
        }
    }

    private static boolean answers(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void report(Benchmark bench, Report out) {
        if (viaS3.isEmpty()) return;
        double s3 = Report.median(viaS3), file = Report.median(local);
        out.add("%n## An S3 export downloaded and imported, against importing the same file (%,d items, median of %d,"
                + " interleaved; moto_server as S3)%n%n", items, viaS3.size());
        out.add("| way | median s | min–max s | items/s | rate against the local file |%n| --- | ---: | ---: | ---: | ---: |%n");
        out.add("| `export --export-arn ARN --download`, then `import FILE` | %.2f | %s | %,.0f | %.3f |%n", s3,
                Report.range(viaS3), items / s3, file / s3);
        out.add("| `import FILE` (the same items, a local export file) | %.2f | %s | %,.0f | 1.000 |%n", file,
                Report.range(local), items / file);
    }
}
