// The access patterns' family file: the item model the app reads (keys, attribute names, the index and its query, the
// item builders, timestamps), seeds/users.json, uuids and dates, time ranges, the paged query, local times. Pulled in
// with //SOURCES next to lib/Ddb.java (whose dependencies it uses) by bin/ddb/patterns/*, seed, schema-load and
// messaging-stream.

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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

final class Patterns {
    private Patterns() {}

    // ---- The item model: what the Cruddur app stores and reads, byte for byte --------------------------------------

    /** A conversation's messages are in partition MSG#<message group uuid>, a user's conversations in GRP#<uuid>. */
    static final String MESSAGE_PREFIX = "MSG#", GROUP_PREFIX = "GRP#";
    /** The attributes, named as the app names them; every one a string. */
    static final String PK = "pk", SK = "sk", MESSAGE_UUID = "message_uuid", MESSAGE_GROUP_UUID = "message_group_uuid",
            MESSAGE = "message", USER_UUID = "user_uuid", USER_DISPLAY_NAME = "user_display_name",
            USER_HANDLE = "user_handle";
    /** The index the app's stream Lambda reads: a conversation's group items by message_group_uuid, sk. */
    static final String GROUP_INDEX = "message-group-sk-index";

    record User(String uuid, String handle, String displayName) {}

    /**
     * Fixed width, UTC, microseconds, explicit offset, as the Cruddur backend writes them: string order is time order.
     */
    static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

    static String timestamp(Instant t) { return TIMESTAMP.format(t.truncatedTo(ChronoUnit.MICROS)); }

    /** A message: partition MSG#<group>, sort key its time, and who sent it. */
    static Map<String, AttributeValue> messageItem(String group, String sk, String messageUuid, String text,
            User sender) {
        return item(MESSAGE_PREFIX + group, sk, MESSAGE_UUID, messageUuid, text, sender);
    }

    /**
     * One participant's entry in their list of conversations: partition GRP#<owner>, sort key the time of the
     * conversation's last message, that message's text, and the other participant (whom the list shows).
     */
    static Map<String, AttributeValue> groupItem(User owner, User other, String group, String sk, String lastText) {
        return item(GROUP_PREFIX + owner.uuid(), sk, MESSAGE_GROUP_UUID, group, lastText, other);
    }

    private static Map<String, AttributeValue> item(String pk, String sk, String idName, String id, String text,
            User user) {
        Map<String, AttributeValue> m = new HashMap<>(12);
        m.put(PK, AttributeValue.fromS(pk));
        m.put(SK, AttributeValue.fromS(sk));
        m.put(idName, AttributeValue.fromS(id));
        m.put(MESSAGE, AttributeValue.fromS(text));
        m.put(USER_UUID, AttributeValue.fromS(user.uuid()));
        m.put(USER_DISPLAY_NAME, AttributeValue.fromS(user.displayName()));
        m.put(USER_HANDLE, AttributeValue.fromS(user.handle()));
        return m;
    }

    /** The user an item names (a message's sender, a group item's other participant); "" for what it lacks. */
    static User userOf(Map<String, AttributeValue> item) {
        return new User(string(item, USER_UUID), string(item, USER_HANDLE), string(item, USER_DISPLAY_NAME));
    }

    private static String string(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.s() == null ? "" : v.s();
    }

    /** The index query of a conversation's group items, for a reader that sends its pages itself (a paced one). */
    static QueryRequest.Builder groupItemsQuery(String table, String group) {
        return QueryRequest.builder().tableName(table).indexName(GROUP_INDEX)
                .keyConditionExpression(MESSAGE_GROUP_UUID + " = :g")
                .expressionAttributeValues(Map.of(":g", AttributeValue.fromS(group)));
    }

    /**
     * The group items of a conversation, its two participants' entries, through GROUP_INDEX (eventually consistent,
     * as any global index). A table without the index is a Failure that says how to add it. The read units DynamoDB
     * says the pages consumed are added to `readUnits`, for the caller's closing line.
     */
    static List<Map<String, AttributeValue>> groupItems(DynamoDbClient ddb, String table, String group,
            DoubleAdder readUnits) {
        try {
            return ddb.queryPaginator(groupItemsQuery(table, group).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                    .build()).stream()
                    .peek(page -> readUnits.add(Ddb.units(page.consumedCapacity())))
                    .flatMap(page -> page.items().stream()).toList();
        } catch (DynamoDbException e) {
            if (!String.valueOf(e.getMessage()).contains("index")) throw e;
            throw new Ddb.Failure("Table " + table + " has no index " + GROUP_INDEX
                    + ": run bin/ddb/schema-load --gsi --stream");
        }
    }

    /** Said on stderr for one release: -o json meant the typed Query response before it meant plain JSON. */
    static final String JSON_NOTE = "note: -o json now prints the items in plain JSON; -o dynamodb-json prints them "
            + "in DynamoDB JSON, as -o json did before.";

    // ---- Users, uuids and dates -------------------------------------------------------------------------------------

    static boolean isUuid(String s) {
        return s != null && s.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    }

    /** The seeds folder: --seeds, else $CRUDDUR_SEEDS, else seeds/ found from the script's or the working folder up. */
    static Path seedsDir(Path explicit) {
        if (explicit != null) return explicit;
        if (Ddb.env("CRUDDUR_SEEDS") != null) return Path.of(Ddb.env("CRUDDUR_SEEDS"));
        String source = System.getProperty("jbang.source"); // set by the launcher
        List<String> starts = source == null ? List.of("")
                : List.of(Path.of(source).toAbsolutePath().getParent().toString(), "");
        for (String start : starts) {
            for (Path d = Path.of(start).toAbsolutePath(); d != null; d = d.getParent()) {
                if (Files.exists(d.resolve("seeds/users.json"))) return d.resolve("seeds");
            }
        }
        return null; // none
    }

    /** seeds/users.json by handle, in file order, every entry checked; the conversation files are not read. */
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
            if (other != null) {
                throw new Ddb.Failure(entry + ": duplicate uuid " + u.uuid() + " (also in " + other + ")");
            }
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

    /** --year, or --since/--until: which sort keys (timestamps) of a partition to read; an exclusive @ArgGroup. */
    static final class TimeRange {
        @Option(names = "--year", paramLabel = "YYYY", description = "Only this year.") Integer year;
        @ArgGroup(exclusive = false) Between between = new Between();

        static final class Between {
            @Option(names = "--since", paramLabel = "WHEN",
                    description = "From this ISO date or timestamp on (inclusive).")
            String since;
            @Option(names = "--until", paramLabel = "WHEN",
                    description = "Up to this ISO date (the whole day) or timestamp (inclusive).")
            String until;
        }

        /** The sort-key condition to AND with "pk = :pk" (a year as a begins_with prefix, as the app does), or null. */
        String condition(CommandSpec spec, Map<String, AttributeValue> values, Integer defaultYear) {
            String since = between == null ? null : between.since, until = between == null ? null : between.until;
            Integer y = year != null ? year : since == null && until == null ? defaultYear : null;
            if (y != null && (y < 1000 || y > 9999)) {
                throw new ParameterException(spec.commandLine(), "--year must have four digits");
            }
            if (y != null) values.put(":year", AttributeValue.fromS(String.valueOf(y)));
            if (since != null) values.put(":since", AttributeValue.fromS(timestamp(instant(spec, "--since", since))));
            if (until != null) {
                Instant end = instant(spec, "--until", until);
                if (until.length() == 10) end = end.plus(Duration.ofDays(1)).minusNanos(1000); // a date: the whole day
                values.put(":until", AttributeValue.fromS(timestamp(end)));
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
     * A Query, following LastEvaluatedKey until `limit` items (null: all), its pages merged into one response as the
     * AWS CLI does: Items, Count, ScannedCount and ConsumedCapacity add up; LastEvaluatedKey when more remain. Each
     * page asks for what is left (Limit), so the response ends exactly at `limit`, at DynamoDB's own LastEvaluatedKey:
     * the SDK's paginator keeps one page size and cannot. `bar` may be null.
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
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey()
                    : null;
        } while (startKey != null && (limit == null || items.size() < limit));
        var consumed = capacity == null ? null
                : ConsumedCapacity.builder().tableName(request.tableName()).capacityUnits(capacity).build();
        return QueryResponse.builder().items(items).count(items.size()).scannedCount(scanned)
                .lastEvaluatedKey(startKey).consumedCapacity(consumed).build();
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
