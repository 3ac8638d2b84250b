// The access patterns' family file (bin/ddb/patterns/*, and seed): seeds/users.json, uuids and dates, time ranges,
// the paged query, and layout. Pulled in with //SOURCES next to lib/Ddb.java, whose dependencies it uses.

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

final class Patterns {
    private Patterns() {}

    record User(String uuid, String handle, String displayName) {}

    static boolean isUuid(String s) {
        return s != null && s.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    }

    /** The seeds folder: --seeds, else $CRUDDUR_SEEDS, else seeds/ found from the script's or the working directory up. */
    static Path seedsDir(Path explicit) {
        if (explicit != null) return explicit;
        if (Ddb.env("CRUDDUR_SEEDS") != null) return Path.of(Ddb.env("CRUDDUR_SEEDS"));
        String source = System.getProperty("jbang.source"); // set by the launcher
        for (String start : source == null ? List.of("") : List.of(Path.of(source).toAbsolutePath().getParent().toString(), "")) {
            for (Path d = Path.of(start).toAbsolutePath(); d != null; d = d.getParent()) {
                if (Files.exists(d.resolve("seeds/users.json"))) return d.resolve("seeds");
            }
        }
        return null; // none
    }

    /** seeds/users.json by handle, in file order, every entry checked. Reads that file only: conversation files do not matter. */
    static Map<String, User> users(Path seedsDir) {
        if (seedsDir == null || !Files.isDirectory(seedsDir)) {
            throw new Ddb.Failure("No seeds folder" + (seedsDir == null ? "" : " at " + seedsDir)
                    + ": pass --seeds DIR (a folder with users.json and conversations/*.json)");
        }
        Path file = seedsDir.resolve("users.json");
        if (!(Ddb.Json.read(file) instanceof List<?> entries) || entries.isEmpty()) {
            throw new Ddb.Failure(file + ": expected a non-empty JSON array of users");
        }
        Map<String, User> users = new LinkedHashMap<>();
        Map<String, String> uuids = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = file + ": users[" + i + "]";
            Object e = entries.get(i);
            User u = new User(Ddb.Json.text(e, "uuid", entry), Ddb.Json.text(e, "handle", entry),
                    Ddb.Json.text(e, "display_name", entry));
            if (!isUuid(u.uuid())) throw new Ddb.Failure(entry + ": uuid '" + u.uuid() + "' is not a UUID");
            String other = uuids.putIfAbsent(u.uuid().toLowerCase(), entry);
            if (other != null) throw new Ddb.Failure(entry + ": duplicate uuid " + u.uuid() + " (also in " + other + ")");
            if (users.putIfAbsent(u.handle(), u) != null) {
                throw new Ddb.Failure(entry + ": duplicate handle '" + u.handle() + "'");
            }
        }
        return users;
    }

    /** The user with this handle; an unknown handle is a usage error that lists the known ones. */
    static User user(CommandSpec spec, Map<String, User> users, String handle) {
        if (users.containsKey(handle)) return users.get(handle);
        throw new ParameterException(spec.commandLine(),
                "unknown handle '" + handle + "' (known: " + String.join(", ", users.keySet()) + ")");
    }

    /** The conversation files of a seeds folder (conversations/*.json), sorted; none at all is a Failure. */
    static List<Path> conversationFiles(Path seedsDir) {
        Path folder = seedsDir.resolve("conversations");
        try (Stream<Path> list = Files.list(folder)) {
            List<Path> files = list.filter(f -> f.toString().endsWith(".json")).sorted().toList();
            if (files.isEmpty()) throw new Ddb.Failure(folder + ": no *.json conversation files");
            return files;
        } catch (IOException e) {
            throw new Ddb.Failure(folder + ": cannot list conversation files (" + e.getMessage() + ")");
        }
    }

    /** Accepts the fixed-width form, any ISO-8601 date-time with Z or an offset, or a bare date (midnight UTC). */
    static Instant parseInstant(String text) {
        try {
            if (text.length() == 10) return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not an ISO-8601 date or timestamp "
                    + "(e.g. 2026-11-24 or 2026-11-24T04:15:31.123456+00:00)");
        }
    }

    /** --year, or --since/--until: which part of a partition's sort key (a timestamp) to read. An @ArgGroup(exclusive = true). */
    static final class TimeRange {
        @Option(names = "--year", paramLabel = "YYYY", description = "Only this year.") Integer year;
        @ArgGroup(exclusive = false) Between between = new Between();

        static final class Between {
            @Option(names = "--since", paramLabel = "WHEN", description = "From this ISO date or timestamp on (inclusive).")
            String since;
            @Option(names = "--until", paramLabel = "WHEN",
                    description = "Up to this ISO date (the whole day) or timestamp (inclusive).")
            String until;
        }

        /** The sort-key condition to AND with "pk = :pk" (the year as a begins_with prefix, as the app does), or null. */
        String condition(CommandSpec spec, Map<String, AttributeValue> values, Integer defaultYear) {
            String since = between == null ? null : between.since, until = between == null ? null : between.until;
            Integer y = year != null ? year : since == null && until == null ? defaultYear : null;
            if (y != null && (y < 1000 || y > 9999)) {
                throw new ParameterException(spec.commandLine(), "--year must have four digits");
            }
            if (y != null) values.put(":year", AttributeValue.fromS(String.valueOf(y)));
            if (since != null) values.put(":since", AttributeValue.fromS(Ddb.timestamp(instant(spec, "--since", since))));
            if (until != null) {
                Instant end = instant(spec, "--until", until);
                if (until.length() == 10) end = end.plus(Duration.ofDays(1)).minusNanos(1000); // a date: the whole day
                values.put(":until", AttributeValue.fromS(Ddb.timestamp(end)));
            }
            if (y != null) return "begins_with(sk, :year)";
            if (since != null && until != null) return "sk BETWEEN :since AND :until";
            return since != null ? "sk >= :since" : until != null ? "sk <= :until" : null;
        }

        private static Instant instant(CommandSpec spec, String option, String text) {
            try {
                return parseInstant(text);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
            }
        }
    }

    /**
     * A Query, following LastEvaluatedKey until `limit` items (null: all), its pages merged into one response as the AWS CLI
     * does: Items, Count, ScannedCount and ConsumedCapacity add up; LastEvaluatedKey when more remain. `bar` may be null.
     */
    static QueryResponse query(DynamoDbClient ddb, QueryRequest request, Integer limit, ProgressBar bar) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        int scanned = 0;
        Double capacity = null;
        Map<String, AttributeValue> startKey = null;
        do {
            Integer left = limit == null ? null : limit - items.size();
            var page = ddb.query(request.toBuilder().exclusiveStartKey(startKey).limit(left).build());
            items.addAll(page.items());
            if (bar != null) bar.stepTo(items.size());
            scanned += page.scannedCount();
            if (page.consumedCapacity() != null) {
                capacity = (capacity == null ? 0 : capacity) + page.consumedCapacity().capacityUnits();
            }
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (startKey != null && (limit == null || items.size() < limit));
        var consumed = capacity == null ? null
                : ConsumedCapacity.builder().tableName(request.tableName()).capacityUnits(capacity).build();
        return QueryResponse.builder().items(items).count(items.size()).scannedCount(scanned)
                .lastEvaluatedKey(startKey).consumedCapacity(consumed).build();
    }

    /** $COLUMNS, else the terminal's width (JLine) when there is a terminal, else 120. */
    static int terminalWidth() {
        if (Ddb.env("COLUMNS") != null && Ddb.env("COLUMNS").matches("\\d+")) return Integer.parseInt(Ddb.env("COLUMNS"));
        if (System.console() == null) return 120;
        try (var terminal = TerminalBuilder.builder().system(true).dumb(true).build()) {
            return terminal.getWidth() > 0 ? terminal.getWidth() : 120;
        } catch (IOException | RuntimeException e) {
            return 120; // no usable terminal size
        }
    }

    /** A stored timestamp in the reader's time zone, e.g. 2026-11-24 04:15 AM. */
    static String localTime(String storedTimestamp) {
        try {
            var local = OffsetDateTime.parse(storedTimestamp).atZoneSameInstant(ZoneId.systemDefault());
            return DateTimeFormatter.ofPattern("yyyy-MM-dd hh:mm a", Locale.US).format(local);
        } catch (DateTimeParseException e) {
            return storedTimestamp;
        }
    }
}
