// DynamoDB's export format, the one its S3 export and S3 import use: one {"Item": {...DynamoDB JSON...}} per line,
// optionally gzipped. Written by export, read by import. Pulled in with //SOURCES next to lib/Ddb.java (Jackson, SDK).

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
import java.util.*;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** DynamoDB JSON keeps every type: numbers stay the strings DynamoDB stores (38 digits; never a double), binary is base64. */
final class ExportFormat {
    private ExportFormat() {}

    /** One line: {"Item":{...}} and a newline. */
    static void writeLine(JsonGenerator g, Map<String, AttributeValue> item) throws IOException {
        g.writeStartObject();
        g.writeFieldName("Item");
        writeMap(g, item);
        g.writeEndObject();
        g.writeRaw('\n');
    }

    /** DynamoDB JSON, attribute names sorted: the same item always gives the same bytes. */
    static void writeMap(JsonGenerator g, Map<String, AttributeValue> map) throws IOException {
        g.writeStartObject();
        for (var e : new TreeMap<>(map).entrySet()) {
            g.writeFieldName(e.getKey());
            writeValue(g, e.getValue());
        }
        g.writeEndObject();
    }

    static void writeValue(JsonGenerator g, AttributeValue v) throws IOException {
        g.writeStartObject();
        g.writeFieldName(v.type() == AttributeValue.Type.NUL ? "NULL" : v.type().name());
        switch (v.type()) {
            case S -> g.writeString(v.s());
            case N -> g.writeString(v.n()); // a string, exactly as stored: 38 digits survive
            case B -> g.writeString(Base64.getEncoder().encodeToString(v.b().asByteArrayUnsafe()));
            case BOOL -> g.writeBoolean(v.bool());
            case NUL -> g.writeBoolean(true);
            case SS -> { g.writeStartArray(); for (String s : v.ss()) g.writeString(s); g.writeEndArray(); }
            case NS -> { g.writeStartArray(); for (String n : v.ns()) g.writeString(n); g.writeEndArray(); }
            case BS -> {
                g.writeStartArray();
                for (var b : v.bs()) g.writeString(Base64.getEncoder().encodeToString(b.asByteArrayUnsafe()));
                g.writeEndArray();
            }
            case M -> writeMap(g, v.m());
            case L -> { g.writeStartArray(); for (var x : v.l()) writeValue(g, x); g.writeEndArray(); }
            default -> throw new Ddb.Failure("An attribute of a type this SDK does not know: " + v);
        }
        g.writeEndObject();
    }

    /**
     * The items of the files in turn, checked line by line: valid DynamoDB JSON under "Item", and whatever
     * `check` asks of an item. The first bad line ends the items and is kept in `error` as "FILE:LINE: what".
     */
    static final class Reader implements Iterator<Map<String, AttributeValue>> {
        final Deque<String> files;
        /** What else an item must be (the caller's table's key, its size): a problem, or null. */
        final java.util.function.Function<Map<String, AttributeValue>, String> check;
        String file;
        BufferedReader reader;
        Truncatable input;
        long line;
        String error;
        Map<String, AttributeValue> next;

        Reader(List<String> files, java.util.function.Function<Map<String, AttributeValue>, String> check) {
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
                    error = where() + "malformed JSON: " + e.getOriginalMessage().replaceFirst("\\s*\\(start marker.*", "") + " (column " + e.getLocation().getColumnNr() + ")";
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
            InputStream in = new BufferedInputStream(name.equals("-") ? System.in : Files.newInputStream(Path.of(name)), 1 << 16);
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
            expect(p, p.currentToken() == JsonToken.START_OBJECT && p.nextToken() == JsonToken.FIELD_NAME, "expected {\"TYPE\": value}");
            String type = p.currentName();
            JsonToken t = p.nextToken();
            AttributeValue v = switch (type) {
                case "S" -> AttributeValue.fromS(string(p));
                case "N" -> AttributeValue.fromN(number(p, string(p)));
                case "B" -> AttributeValue.fromB(binary(p, string(p)));
                case "BOOL" -> { expect(p, t.isBoolean(), "BOOL must be true or false"); yield AttributeValue.fromBool(t == JsonToken.VALUE_TRUE); }
                case "NULL" -> { expect(p, t == JsonToken.VALUE_TRUE, "NULL must be true"); yield AttributeValue.fromNul(true); }
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
                throw new IllegalArgumentException("'" + n + "' is not a number (column " + p.currentLocation().getColumnNr() + ")");
            }
        }

        static SdkBytes binary(JsonParser p, String base64) {
            try {
                return SdkBytes.fromByteArray(Base64.getDecoder().decode(base64));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("binary value is not base64 (column " + p.currentLocation().getColumnNr() + ")");
            }
        }

        /** A gzip stream cut short ends like a complete one, flagged: its complete lines are read, the cut one is named. */
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
