// Items as JSON, both ways, in one place: plain JSON (scan, the patterns' -o json) and DynamoDB JSON, typed (export's
// lines in DynamoDB's export format, the patterns' -o dynamodb-json, import's reader). Pulled in with //SOURCES next
// to lib/Ddb.java (Jackson, SDK) by every script that prints or reads items as JSON.

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.*;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.*;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine.Model.CommandSpec;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The one writer of items as JSON, attribute names sorted (the same item always gives the same bytes):
 * - typed, DynamoDB JSON: {"S": "..."}, numbers the strings DynamoDB stores (38 digits; never a double), binary in
 *   base64, {"NULL": true}, sets, {"M": {...}}, {"L": [...]};
 * - plain JSON: the values themselves: numbers as numbers (every digit, exponent notation where shorter), sets and
 *   lists as arrays, binary in base64, NULL as null.
 * DynamoDB's export format (export, import, DynamoDB's S3 export) is one {"Item": {...typed...}} per line.
 */
final class ItemJson {
    private ItemJson() {}

    /** An item as a JSON object, typed or plain. */
    static void writeItem(JsonGenerator g, Map<String, AttributeValue> item, boolean typed) throws IOException {
        g.writeStartObject();
        for (var e : new TreeMap<>(item).entrySet()) {
            g.writeFieldName(e.getKey());
            writeValue(g, e.getValue(), typed);
        }
        g.writeEndObject();
    }

    static void writeValue(JsonGenerator g, AttributeValue v, boolean typed) throws IOException {
        if (typed) {
            g.writeStartObject();
            g.writeFieldName(v.type() == AttributeValue.Type.NUL ? "NULL" : v.type().name());
        }
        switch (v.type()) {
            case S -> g.writeString(v.s());
            case N -> {
                if (typed) g.writeString(v.n()); // a string, exactly as stored: 38 digits survive
                else g.writeNumber(new BigDecimal(v.n()));
            }
            case B -> g.writeString(Base64.getEncoder().encodeToString(v.b().asByteArrayUnsafe()));
            case BOOL -> g.writeBoolean(v.bool());
            case NUL -> {
                if (typed) g.writeBoolean(true);
                else g.writeNull();
            }
            case SS -> {
                g.writeStartArray();
                for (String s : v.ss()) g.writeString(s);
                g.writeEndArray();
            }
            case NS -> {
                g.writeStartArray();
                for (String n : v.ns()) {
                    if (typed) g.writeString(n);
                    else g.writeNumber(new BigDecimal(n));
                }
                g.writeEndArray();
            }
            case BS -> {
                g.writeStartArray();
                for (var b : v.bs()) g.writeString(Base64.getEncoder().encodeToString(b.asByteArrayUnsafe()));
                g.writeEndArray();
            }
            case M -> writeItem(g, v.m(), typed);
            case L -> {
                g.writeStartArray();
                for (var x : v.l()) writeValue(g, x, typed);
                g.writeEndArray();
            }
            default -> throw new Ddb.Failure("An attribute of a type this SDK does not know: " + v);
        }
        if (typed) g.writeEndObject();
    }

    /** One line of DynamoDB's export format: {"Item":{...typed...}} and a newline. */
    static void writeExportLine(JsonGenerator g, Map<String, AttributeValue> item) throws IOException {
        g.writeStartObject();
        g.writeFieldName("Item");
        writeItem(g, item, true);
        g.writeEndObject();
        g.writeRaw('\n');
    }

    /**
     * An SDK response (a Query's, a CreateTable's) with the API's member names, sorted, as the AWS CLI and boto3 print
     * it; its items typed (the AWS CLI's and boto3 client's DynamoDB JSON) or plain (as boto3's Table resource returns
     * them). Laid out like Python's json.dumps(indent=2), as Ddb.Json.PRETTY.
     */
    static String pretty(Object response, boolean typed) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = Ddb.Json.FACTORY.createGenerator(out)) {
            g.setPrettyPrinter(Ddb.Json.LAYOUT.createInstance());
            writeResponse(g, response, typed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * --explain: the request a script would send, as the input `aws dynamodb OPERATION --cli-input-json` takes (the
     * API's member names, typed values) on stdout, and on stderr the AWS CLI command that sends it; nothing is sent.
     */
    static int explain(CommandSpec spec, Ddb.Connection conn, SdkPojo request, String operation, String cliOptions) {
        spec.commandLine().getOut().println(pretty(request, true));
        spec.commandLine().getErr().println(spec.name() + ": not sent (--explain). The AWS CLI sends it with: "
                + "aws dynamodb " + operation + " --cli-input-json file://request.json" + cliOptions
                + (conn.endpoint() != null ? " --endpoint-url " + conn.endpoint() : "") + " --region " + conn.region());
        return 0;
    }

    private static void writeResponse(JsonGenerator g, Object value, boolean typed) throws IOException {
        if (value instanceof AttributeValue v) {
            writeValue(g, v, typed);
        } else if (value instanceof SdkPojo || value instanceof Map<?, ?>) {
            Map<String, Object> members = new TreeMap<>();
            if (value instanceof SdkPojo p) {
                p.sdkFields().forEach(f -> members.put(f.memberName(), f.getValueOrDefault(p)));
            } else {
                ((Map<?, ?>) value).forEach((k, v) -> members.put(String.valueOf(k), v));
            }
            g.writeStartObject();
            for (var e : members.entrySet()) {
                if (absent(e.getValue())) continue;
                g.writeFieldName(e.getKey());
                writeResponse(g, e.getValue(), typed);
            }
            g.writeEndObject();
        } else if (value instanceof List<?> list) {
            g.writeStartArray();
            for (Object x : list) writeResponse(g, x, typed);
            g.writeEndArray();
        } else if (value instanceof SdkBytes bytes) {
            g.writeString(Base64.getEncoder().encodeToString(bytes.asByteArrayUnsafe()));
        } else if (value instanceof Instant instant) {
            g.writeString(instant.toString());
        } else {
            g.writeObject(value); // a string, number or boolean
        }
    }

    /** A member the response does not have: unset, or a list or map the SDK only made up. */
    private static boolean absent(Object v) {
        return v == null || v instanceof SdkAutoConstructList<?> || v instanceof SdkAutoConstructMap<?, ?>;
    }

    /** An attribute as text, for tables and transcripts: a string or number as it is, other types as plain JSON. */
    static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        if (v == null) return "";
        if (v.s() != null) return v.s();
        if (v.n() != null) return v.n();
        StringWriter out = new StringWriter();
        try (JsonGenerator g = Ddb.Json.FACTORY.createGenerator(out)) {
            writeValue(g, v, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * The items of the files in turn, checked line by line: valid DynamoDB JSON under "Item", and whatever
     * `check` asks of an item. The first bad line ends the items and is kept in `error` as "FILE:LINE: what".
     */
    static final class Reader implements Iterator<Map<String, AttributeValue>> {
        final Deque<String> files;
        /** What else an item must be (the caller's table's key, its size): a problem, or null. */
        final Function<Map<String, AttributeValue>, String> check;
        String file;
        BufferedReader reader;
        Truncatable input;
        long line;
        String error;
        Map<String, AttributeValue> next;
        /** Opens each name but -: a file; lib/S3Files.java's reader opens s3:// objects as well. */
        Source source = name -> Files.newInputStream(Path.of(name));

        interface Source { InputStream open(String name) throws IOException; }

        Reader(List<String> files, Function<Map<String, AttributeValue>, String> check) {
            this.files = new ArrayDeque<>(files);
            this.check = check;
        }

        public boolean hasNext() {
            while (next == null && error == null) {
                try {
                    if (reader == null) {
                        if (files.isEmpty()) return false;
                        open(files.removeFirst());
                    }
                    line++;
                    String text = reader.readLine();
                    if (text == null) {
                        if (input.truncated) throw new EOFException();
                        reader.close();
                        reader = null;
                    } else if (!text.isBlank()) {
                        try {
                            next = item(text);
                        } catch (IOException | IllegalArgumentException e) {
                            if (input.truncated) throw new EOFException(); // the last, cut-off line of a truncated gzip
                            throw e;
                        }
                    }
                } catch (JsonProcessingException e) {
                    String what = e.getOriginalMessage().replaceFirst("\\s*\\(start marker.*", "");
                    error = where() + "malformed JSON: " + what + " (column " + e.getLocation().getColumnNr() + ")";
                } catch (NoSuchFileException e) {
                    error = file + ": no such file";
                } catch (EOFException e) {
                    error = where() + "the file ends in the middle of this line (a truncated gzip)";
                } catch (IOException e) {
                    error = where() + "cannot read: " + e.getMessage();
                } catch (IllegalArgumentException e) {
                    error = where() + e.getMessage();
                }
            }
            return next != null;
        }

        public Map<String, AttributeValue> next() {
            if (!hasNext()) throw new NoSuchElementException();
            var item = next;
            next = null;
            return item;
        }

        String where() { return file + ":" + line + ": "; }

        void open(String name) throws IOException {
            file = name.equals("-") ? "stdin" : name;
            line = 0;
            reader = null;
            InputStream raw = name.equals("-") ? System.in : source.open(name);
            InputStream in = new BufferedInputStream(raw, 1 << 16);
            in.mark(2);
            boolean gzipped = in.read() == 0x1f && in.read() == 0x8b;
            in.reset();
            input = new Truncatable(gzipped ? new GZIPInputStream(in, 1 << 16) : in);
            reader = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8), 1 << 16);
        }

        Map<String, AttributeValue> item(String text) throws IOException {
            Map<String, AttributeValue> item = null;
            try (JsonParser p = Ddb.Json.FACTORY.createParser(text)) {
                expect(p, p.nextToken() == JsonToken.START_OBJECT, "a line must be one JSON object {\"Item\": {...}}");
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    p.nextToken();
                    if (field.equals("Item")) item = readMap(p);
                    else p.skipChildren();
                }
                expect(p, p.nextToken() == null, "more than one JSON value on the line");
            }
            if (item == null) throw new IllegalArgumentException("no \"Item\" on the line");
            String problem = check.apply(item);
            if (problem != null) throw new IllegalArgumentException(problem);
            return item;
        }

        static void expect(JsonParser p, boolean ok, String what) throws JsonProcessingException {
            if (!ok) throw new JsonParseException(p, what);
        }

        static Map<String, AttributeValue> readMap(JsonParser p) throws IOException {
            expect(p, p.currentToken() == JsonToken.START_OBJECT, "expected an object of attributes");
            Map<String, AttributeValue> map = new HashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                map.put(name, readValue(p));
            }
            return map;
        }

        /** One {"TYPE": value} of DynamoDB JSON; numbers stay the strings they are (never a double). */
        static AttributeValue readValue(JsonParser p) throws IOException {
            expect(p, p.currentToken() == JsonToken.START_OBJECT && p.nextToken() == JsonToken.FIELD_NAME,
                    "expected {\"TYPE\": value}");
            String type = p.currentName();
            JsonToken t = p.nextToken();
            AttributeValue v = switch (type) {
                case "S" -> AttributeValue.fromS(string(p));
                case "N" -> AttributeValue.fromN(number(p, string(p)));
                case "B" -> AttributeValue.fromB(binary(p, string(p)));
                case "BOOL" -> {
                    expect(p, t.isBoolean(), "BOOL must be true or false");
                    yield AttributeValue.fromBool(t == JsonToken.VALUE_TRUE);
                }
                case "NULL" -> {
                    expect(p, t == JsonToken.VALUE_TRUE, "NULL must be true");
                    yield AttributeValue.fromNul(true);
                }
                case "SS" -> AttributeValue.fromSs(strings(p, s -> s));
                case "NS" -> AttributeValue.fromNs(strings(p, s -> number(p, s)));
                case "BS" -> AttributeValue.fromBs(strings(p, s -> binary(p, s)));
                case "M" -> AttributeValue.fromM(readMap(p));
                case "L" -> {
                    expect(p, t == JsonToken.START_ARRAY, "L must be an array");
                    List<AttributeValue> list = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) list.add(readValue(p));
                    yield AttributeValue.fromL(list);
                }
                default -> throw new JsonParseException(p, "unknown type \"" + type + "\"");
            };
            expect(p, p.nextToken() == JsonToken.END_OBJECT, "more than one type in {\"" + type + "\": ...}");
            return v;
        }

        static String string(JsonParser p) throws IOException {
            expect(p, p.currentToken() == JsonToken.VALUE_STRING, "expected a string");
            return p.getText();
        }

        static String number(JsonParser p, String n) {
            try {
                new BigDecimal(n); // checks the syntax only: the string itself is sent, every digit of it
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + n + "' is not a number (column "
                        + p.currentLocation().getColumnNr() + ")");
            }
        }

        static SdkBytes binary(JsonParser p, String base64) {
            try {
                return SdkBytes.fromByteArray(Base64.getDecoder().decode(base64));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("binary value is not base64 (column "
                        + p.currentLocation().getColumnNr() + ")");
            }
        }

        /**
         * A gzip stream cut short ends like a complete one, flagged: its complete lines are read, the cut one is named.
         */
        static final class Truncatable extends FilterInputStream {
            boolean truncated;

            Truncatable(InputStream in) { super(in); }

            @Override public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (EOFException e) {
                    truncated = true;
                    return -1;
                }
            }
        }

        interface Element<T> { T of(String s) throws IOException; }

        static <T> List<T> strings(JsonParser p, Element<T> element) throws IOException {
            expect(p, p.currentToken() == JsonToken.START_ARRAY, "a set must be an array");
            List<T> set = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) set.add(element.of(string(p)));
            expect(p, !set.isEmpty(), "DynamoDB has no empty sets");
            return set;
        }
    }
}
