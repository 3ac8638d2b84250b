import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** lib/ItemJson.java on its own: the one writer of items as plain and DynamoDB JSON, and the export format's reader. */
class ItemJsonTest {
    static final String BIG = "12345678901234567890123456789012345678"; // 38 digits: a double keeps 17

    static AttributeValue s(String v) { return AttributeValue.fromS(v); }

    static AttributeValue n(String v) { return AttributeValue.fromN(v); }

    static AttributeValue b(int... bytes) {
        byte[] raw = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) raw[i] = (byte) bytes[i];
        return AttributeValue.fromB(SdkBytes.fromByteArray(raw));
    }

    /** One attribute of every type, nested ones included, in an order the writer must sort. */
    static Map<String, AttributeValue> everyType() {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("s", s("é ✓ 😀 \"quoted\"\n"));
        item.put("n", n(BIG));
        item.put("b", b(0, 1, 0xff));
        item.put("bool", AttributeValue.fromBool(false));
        item.put("null", AttributeValue.fromNul(true));
        item.put("ss", AttributeValue.fromSs(List.of("b", "a")));
        item.put("ns", AttributeValue.fromNs(List.of("-1.5", BIG)));
        item.put("bs", AttributeValue.fromBs(List.of(SdkBytes.fromByteArray(new byte[] {1}))));
        item.put("m", AttributeValue.fromM(Map.of("z", n("1E+125"), "a", AttributeValue.fromL(List.of()))));
        item.put("l", AttributeValue.fromL(List.of(s("x"), AttributeValue.fromNul(true),
                AttributeValue.fromM(Map.of("deep", AttributeValue.fromL(List.of(AttributeValue.fromSs(List.of("y")))))))));
        item.put("a", s("first in order"));
        return item;
    }

    static String write(Map<String, AttributeValue> item, boolean typed) throws IOException {
        var out = new ByteArrayOutputStream();
        try (JsonGenerator g = Ddb.Json.FACTORY.createGenerator(out)) {
            ItemJson.writeItem(g, item, typed);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void typedIsDynamoDbJsonWithEveryTypeAndEveryDigit() throws IOException {
        assertEquals("{\"a\":{\"S\":\"first in order\"},\"b\":{\"B\":\"AAH/\"},\"bool\":{\"BOOL\":false},"
                + "\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"x\"},{\"NULL\":true},{\"M\":{\"deep\":{\"L\":[{\"SS\":[\"y\"]}]}}}]},"
                + "\"m\":{\"M\":{\"a\":{\"L\":[]},\"z\":{\"N\":\"1E+125\"}}},\"n\":{\"N\":\"" + BIG + "\"},"
                + "\"ns\":{\"NS\":[\"-1.5\",\"" + BIG + "\"]},\"null\":{\"NULL\":true},"
                + "\"s\":{\"S\":\"é ✓ \\uD83D\\uDE00 \\\"quoted\\\"\\n\"},\"ss\":{\"SS\":[\"b\",\"a\"]}}", write(everyType(), true),
                "UTF-8 as is, but for characters beyond 16 bits: jackson-core escapes them as surrogate pairs");
    }

    @Test
    void plainIsTheValuesThemselves() throws IOException {
        assertEquals("{\"a\":\"first in order\",\"b\":\"AAH/\",\"bool\":false,\"bs\":[\"AQ==\"],"
                + "\"l\":[\"x\",null,{\"deep\":[[\"y\"]]}],\"m\":{\"a\":[],\"z\":1E+125},\"n\":" + BIG + ","
                + "\"ns\":[-1.5," + BIG + "],\"null\":null,\"s\":\"é ✓ \\uD83D\\uDE00 \\\"quoted\\\"\\n\",\"ss\":[\"b\",\"a\"]}",
                write(everyType(), false));
    }

    @Test
    void theExportFormatRoundTripsEveryType(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path file = dir.resolve("items.json.gz");
        List<Map<String, AttributeValue>> items = List.of(everyType(), Map.of("pk", s("MSG#2"), "n", n("-0.000001")));
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file));
             JsonGenerator g = Ddb.Json.FACTORY.createGenerator(out)) {
            g.setRootValueSeparator(null);
            for (var item : items) ItemJson.writeExportLine(g, item);
        }
        var reader = new ItemJson.Reader(List.of(file.toString()), item -> null);
        for (var want : items) {
            assertTrue(reader.hasNext(), String.valueOf(reader.error));
            assertEquals(want, reader.next(), "equal AttributeValues: every type, every digit, sets in order");
        }
        assertFalse(reader.hasNext());
        assertNull(reader.error);
    }

    static String readError(Path dir, String line) throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"Item\":{\"pk\":{\"S\":\"ok\"}}}\n" + line + "\n");
        var reader = new ItemJson.Reader(List.of(file.toString()), item -> item.containsKey("veto") ? "vetoed" : null);
        assertTrue(reader.hasNext());
        reader.next();
        assertFalse(reader.hasNext(), "the bad line ends the items");
        return reader.error.substring(file.toString().length());
    }

    @Test
    void aBadLineIsNamedByFileAndLine(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        assertEquals(":2: '1.2.3' is not a number (column 26)", readError(dir, "{\"Item\":{\"x\":{\"N\":\"1.2.3\"}}}"));
        assertEquals(":2: binary value is not base64 (column 23)", readError(dir, "{\"Item\":{\"x\":{\"B\":\"@@\"}}}"));
        assertTrue(readError(dir, "{\"Item\":{\"x\":{\"SS\":[]}}}").startsWith(":2: malformed JSON: DynamoDB has no empty sets"));
        assertTrue(readError(dir, "{\"Item\":{\"x\":{\"NULL\":false}}}").startsWith(":2: malformed JSON: NULL must be true"));
        assertTrue(readError(dir, "{\"Item\":{\"x\":{\"BOOL\":\"yes\"}}}").startsWith(":2: malformed JSON: BOOL must be"));
        assertTrue(readError(dir, "{\"Item\":{\"x\":{\"X\":\"1\"}}}").startsWith(":2: malformed JSON: unknown type \"X\""));
        assertTrue(readError(dir, "{\"Item\":{\"x\":{\"S\":\"a\",\"N\":\"1\"}}}").startsWith(":2: malformed JSON: more than one type"));
        assertTrue(readError(dir, "{\"Item\":{\"x\":{\"N\":12.5}}}").startsWith(":2: malformed JSON: expected a string"));
        assertEquals(":2: no \"Item\" on the line", readError(dir, "{\"Keys\":{}}"));
        assertEquals(":2: vetoed", readError(dir, "{\"Item\":{\"veto\":{\"S\":\"x\"}}}"), "the caller's check");
    }

    @Test
    void aResponseIsPrintedWithTheApisMemberNamesSortedItsItemsTypedOrPlain() {
        var response = QueryResponse.builder().items(List.of(Map.of("pk", s("GRP#1"), "n", n("5"))))
                .count(1).scannedCount(1).lastEvaluatedKey(Map.of("pk", s("GRP#1")))
                .consumedCapacity(ConsumedCapacity.builder().tableName("t").capacityUnits(0.5).build()).build();
        assertEquals("""
                {
                  "ConsumedCapacity": {
                    "CapacityUnits": 0.5,
                    "TableName": "t"
                  },
                  "Count": 1,
                  "Items": [
                    {
                      "n": {
                        "N": "5"
                      },
                      "pk": {
                        "S": "GRP#1"
                      }
                    }
                  ],
                  "LastEvaluatedKey": {
                    "pk": {
                      "S": "GRP#1"
                    }
                  },
                  "ScannedCount": 1
                }""", ItemJson.pretty(response, true), "as the AWS CLI prints it (and json.dumps(indent=2))");
        assertEquals("""
                {
                  "ConsumedCapacity": {
                    "CapacityUnits": 0.5,
                    "TableName": "t"
                  },
                  "Count": 1,
                  "Items": [
                    {
                      "n": 5,
                      "pk": "GRP#1"
                    }
                  ],
                  "LastEvaluatedKey": {
                    "pk": "GRP#1"
                  },
                  "ScannedCount": 1
                }""", ItemJson.pretty(response, false), "as boto3's Table resource returns it");
        assertEquals("{ }", ItemJson.pretty(QueryResponse.builder().build(), true), "members the SDK made up are left out");
    }

    @Test
    void anAttributeAsTextForTables() {
        var item = everyType();
        assertEquals("first in order", ItemJson.text(item, "a"));
        assertEquals(BIG, ItemJson.text(item, "n"), "a number as written");
        assertEquals("false", ItemJson.text(item, "bool"));
        assertEquals("{\"a\":[],\"z\":1E+125}", ItemJson.text(item, "m"), "other types as plain JSON");
        assertEquals("", ItemJson.text(item, "absent"));
    }
}
