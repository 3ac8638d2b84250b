// The masking family file: every personal value of an item replaced by a pseudonym derived from a secret key (HMAC),
// the same everywhere it occurs, so a masked single-table copy keeps working. Pulled in with //SOURCES next to
// lib/Ddb.java and lib/Patterns.java (the item model) by export (--mask) and mask.

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.*;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Pseudonyms by HMAC-SHA256 of the value under a secret key: the same key gives the same pseudonym, item after item,
 * run after run, so two masked copies line up. The mapping itself is never kept beyond a cache, never written.
 * - user uuids (the owner in GRP#<uuid> keys, user_uuid): another uuid (version 4 shape);
 * - user_handle: a pronounceable handle and four digits; user_display_name: two pronounceable words;
 * - message: generated words of the same length (the last message's copy on group items masks the same way);
 * - --mask-attribute NAME: strings as generated text, numbers as digits, binary as bytes, inside sets, maps, lists.
 * Message group uuids, message uuids, timestamps (sort keys) and every other attribute stay as they are: they name
 * nobody, and the access patterns, the index and the stream consumer depend on them.
 */
final class Mask {
    static final String KEY_ENV = "CRUDDUR_MASK_KEY";
    /** What --mask always masks, by the item model's rules (a uuid stays a uuid, a key stays a key). */
    static final Set<String> BUILT_IN = Set.of(Patterns.USER_UUID, Patterns.USER_HANDLE, Patterns.USER_DISPLAY_NAME,
            Patterns.MESSAGE);
    private static final String[] CONSONANTS = "b d f g k l m n p r s t v z".split(" ");
    private static final String[] VOWELS = "a e i o u".split(" ");

    private final byte[] key;
    private final ThreadLocal<Mac> mac;
    private final Set<String> extra;
    /** The masked users the items name, by masked uuid: --users-out. Null when not asked for. */
    private final Map<String, Patterns.User> users;
    private final Map<String, String> cache = new ConcurrentHashMap<>();
    /**
     * Handle pseudonyms given out, each with the real handle that took it first, and those two handles took: the
     * clashes. A few per user, never a message's worth: the mapping stays in memory and goes with the process.
     */
    private final Map<String, String> handlesTaken = new ConcurrentHashMap<>();
    private final Set<String> handlesRetired = ConcurrentHashMap.newKeySet();
    final AtomicLong items = new AtomicLong();

    Mask(byte[] key, Collection<String> extraAttributes, boolean collectUsers) {
        this.key = key.clone();
        this.mac = ThreadLocal.withInitial(this::newMac);
        this.extra = new LinkedHashSet<>(extraAttributes);
        this.extra.removeAll(BUILT_IN); // masked by their own rules, consistent with the keys
        this.users = collectUsers ? new ConcurrentHashMap<>() : null;
    }

    private Mac newMac() {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this Java", e);
        }
    }

    /** The item with every personal value masked; the item given is not changed. */
    Map<String, AttributeValue> item(Map<String, AttributeValue> item) {
        Map<String, AttributeValue> out = new HashMap<>(item);
        AttributeValue pk = item.get(Patterns.PK);
        if (pk != null && pk.s() != null && pk.s().startsWith(Patterns.GROUP_PREFIX)) {
            String owner = pk.s().substring(Patterns.GROUP_PREFIX.length());
            out.put(Patterns.PK, AttributeValue.fromS(Patterns.GROUP_PREFIX + uuid(owner)));
        }
        replace(out, Patterns.USER_UUID, this::uuid);
        replace(out, Patterns.USER_HANDLE, this::handle);
        replace(out, Patterns.USER_DISPLAY_NAME, this::displayName);
        replace(out, Patterns.MESSAGE, this::text);
        for (String name : extra) out.computeIfPresent(name, (n, v) -> value(n, v));
        if (users != null && out.get(Patterns.USER_UUID) != null && out.get(Patterns.USER_UUID).s() != null) {
            Patterns.User u = Patterns.userOf(out);
            users.putIfAbsent(u.uuid(), u); // a user renamed since: the first name seen, one entry per uuid
        }
        items.incrementAndGet();
        return out;
    }

    private void replace(Map<String, AttributeValue> item, String name, java.util.function.UnaryOperator<String> f) {
        AttributeValue v = item.get(name);
        if (v == null) return;
        item.put(name, v.s() != null ? AttributeValue.fromS(f.apply(v.s())) : value(name, v));
    }

    /** Any attribute value, masked by type: what --mask-attribute does. BOOL and NULL say nothing of a person. */
    AttributeValue value(String name, AttributeValue v) {
        return switch (v.type()) {
            case S -> AttributeValue.fromS(text(v.s()));
            case N -> AttributeValue.fromN(number(name, v.n()));
            case B -> AttributeValue.fromB(bytes(name, v.b()));
            case SS -> AttributeValue.fromSs(v.ss().stream().map(this::text).distinct().toList());
            case NS -> AttributeValue.fromNs(v.ns().stream().map(n -> number(name, n)).distinct().toList());
            case BS -> AttributeValue.fromBs(v.bs().stream().map(b -> bytes(name, b)).distinct().toList());
            case M -> {
                Map<String, AttributeValue> m = new HashMap<>();
                v.m().forEach((k, x) -> m.put(k, value(name, x)));
                yield AttributeValue.fromM(m);
            }
            case L -> AttributeValue.fromL(v.l().stream().map(x -> value(name, x)).toList());
            default -> v;
        };
    }

    // ---- Pseudonyms ------------------------------------------------------------------------------------------------

    private byte[] hmac(String kind, String value) {
        Mac m = mac.get();
        m.update(kind.getBytes(StandardCharsets.UTF_8));
        m.update((byte) 0);
        return m.doFinal(value.getBytes(StandardCharsets.UTF_8));
    }

    /** A uuid for a uuid (compared in lower case, as uuids are): version 4, variant 2, as the app's own. */
    String uuid(String value) {
        if (value.isEmpty()) return value;
        return cache.computeIfAbsent("u" + value, k -> {
            ByteBuffer b = ByteBuffer.wrap(hmac("uuid", value.toLowerCase(Locale.ROOT)));
            long hi = (b.getLong() & ~0xF000L) | 0x4000L, lo = (b.getLong() & ~(3L << 62)) | (1L << 63);
            return new UUID(hi, lo).toString();
        });
    }

    /**
     * Three syllables and four digits, e.g. kavoreti0427: 3.4 billion handles, lower case, no dots. So few that two
     * real handles can give the same one (even odds from about 70,000 users), and a handle names a user: the patterns
     * find users by it. A pseudonym two handles give goes to neither of them: both take their next one (round 1, 2...:
     * the first whose pseudonym no other handle took). Why neither, rather than the second one seen: which one comes
     * first depends on the order of the items (export's parallel segments, a file re-exported), and the same key must
     * give the same file; by this rule the result depends only on the key and the set of handles. The items already
     * written with the clashing pseudonym are then all the first taker's: renamed() says to what, and Options.settle
     * rewrites them in the file before it is renamed into place. Uuids are not checked: 122 bits of HMAC, a clash
     * among a million users about 1 in 10^25. Display names may clash: real ones do too, and they find nobody.
     */
    String handle(String value) {
        if (value.isEmpty()) return value;
        String known = cache.get("h" + value);
        if (known != null && !handlesRetired.contains(known)) return known;
        synchronized (handlesTaken) { // a user's first item, or a user whose pseudonym was just taken twice
            for (int round = 0; ; round++) {
                String handle = handleOf(value, round);
                if (handlesRetired.contains(handle)) continue;
                String first = handlesTaken.putIfAbsent(handle, value);
                if (first == null || first.equals(value)) {
                    cache.put("h" + value, handle);
                    return handle;
                }
                handlesRetired.add(handle);
            }
        }
    }

    private String handleOf(String value, int round) {
        var r = new SplittableRandom(ByteBuffer.wrap(hmac(round == 0 ? "handle" : "handle#" + round, value)).getLong());
        return syllables(r, 3, new StringBuilder()).append(String.format("%04d", r.nextInt(10_000))).toString();
    }

    /** Each handle pseudonym two handles gave, and the one its first taker has now; empty but after a clash. */
    Map<String, String> renamed() {
        Map<String, String> renamed = new TreeMap<>();
        int retired;
        do { // a first taker's next pseudonym may clash in turn and retire one more: until none does
            retired = handlesRetired.size();
            for (String handle : List.copyOf(handlesRetired)) renamed.put(handle, handle(handlesTaken.get(handle)));
        } while (handlesRetired.size() != retired);
        return renamed;
    }

    /** Two capitalised words of two or three syllables, e.g. Kavo Retisu. */
    String displayName(String value) {
        if (value.isEmpty()) return value;
        return cache.computeIfAbsent("d" + value, k -> {
            var r = new SplittableRandom(ByteBuffer.wrap(hmac("name", value)).getLong());
            StringBuilder b = syllables(r, 2 + r.nextInt(2), new StringBuilder()).append(' ');
            syllables(r, 2 + r.nextInt(2), b);
            b.setCharAt(0, Character.toUpperCase(b.charAt(0)));
            int second = b.indexOf(" ") + 1;
            b.setCharAt(second, Character.toUpperCase(b.charAt(second)));
            return b.toString();
        });
    }

    /** Generated words of the text's length (in chars), its first letter capitalised, its final . ? or ! kept. */
    String text(String value) {
        int length = value.length();
        if (length == 0) return value;
        var r = new SplittableRandom(ByteBuffer.wrap(hmac("text", value)).getLong());
        StringBuilder b = new StringBuilder(length + 8);
        while (b.length() < length) {
            if (!b.isEmpty()) b.append(' ');
            syllables(r, 1 + r.nextInt(3), b);
        }
        b.setLength(length);
        if (b.charAt(length - 1) == ' ') b.setCharAt(length - 1, 'a');
        b.setCharAt(0, Character.toUpperCase(b.charAt(0)));
        char last = value.charAt(length - 1);
        if (length > 2 && (last == '.' || last == '?' || last == '!')) {
            if (b.charAt(length - 2) == ' ') b.setCharAt(length - 2, 'o');
            b.setCharAt(length - 1, last);
        }
        return b.toString();
    }

    private static StringBuilder syllables(SplittableRandom r, int n, StringBuilder b) {
        for (int i = 0; i < n; i++) b.append(CONSONANTS[r.nextInt(CONSONANTS.length)]).append(VOWELS[r.nextInt(5)]);
        return b;
    }

    /** As many digits as the number's integer part (sign and fraction dropped): the size stays, the value goes. */
    String number(String name, String n) {
        String digits = n.replaceFirst("^-", "").replaceFirst("[.eE].*", "").replaceFirst("^0+(?=.)", "");
        var r = new SplittableRandom(ByteBuffer.wrap(hmac("number:" + name, n)).getLong());
        StringBuilder b = new StringBuilder().append(digits.length() > 1 ? 1 + r.nextInt(9) : r.nextInt(10));
        while (b.length() < Math.min(digits.length(), 38)) b.append(r.nextInt(10));
        return b.toString();
    }

    SdkBytes bytes(String name, SdkBytes value) {
        byte[] in = value.asByteArrayUnsafe(), out = new byte[in.length];
        byte[] block = hmac("bytes:" + name, Base64.getEncoder().encodeToString(in));
        for (int i = 0; i < out.length; i++) {
            if (i > 0 && i % block.length == 0) {
                block = hmac("bytes:" + name, Base64.getEncoder().encodeToString(block));
            }
            out[i] = block[i % block.length];
        }
        return SdkBytes.fromByteArray(out);
    }

    // ---- The users file --------------------------------------------------------------------------------------------

    /**
     * The masked users in seeds/users.json's shape, by handle, written under a temporary name and renamed: the
     * patterns find a masked user by its masked handle with --seeds DIR. Returns how many.
     */
    int writeUsers(Path file) throws IOException {
        Map<String, Patterns.User> byHandle = new TreeMap<>();
        Map<String, String> renamed = renamed();
        for (var u : users.values()) {
            if (u.handle().isEmpty()) continue;
            if (renamed.containsKey(u.handle())) {
                u = new Patterns.User(u.uuid(), renamed.get(u.handle()), u.displayName());
            }
            byHandle.merge(u.handle(), u, (a, b) -> a.uuid().compareTo(b.uuid()) <= 0 ? a : b);
        }
        Path partial = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".partial");
        try (JsonGenerator g = Ddb.Json.FACTORY.createGenerator(Files.newBufferedWriter(partial))) {
            g.setPrettyPrinter(Ddb.Json.LAYOUT.createInstance());
            g.writeStartArray();
            for (var u : byHandle.values()) {
                g.writeStartObject();
                g.writeStringField("uuid", u.uuid());
                g.writeStringField("handle", u.handle());
                g.writeStringField("display_name", u.displayName());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeRaw('\n');
        } catch (IOException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return byHandle.size();
    }

    // ---- Options, shared by export --mask and mask ------------------------------------------------------------------

    static final class Options {
        @Option(names = "--mask-key-file", paramLabel = "FILE", description = "The secret key of the pseudonyms "
                + "(else env " + KEY_ENV + ", else a random key for this run). Keep it: the same key masks the same "
                + "way, so copies line up.")
        Path keyFile;

        @Option(names = "--mask-attribute", paramLabel = "NAME", description = "Mask this attribute too (repeatable):"
                + " strings become generated text, numbers digits, binary bytes. Unknown attributes stay as they are.")
        List<String> attributes;

        @Option(names = "--users-out", paramLabel = "FILE", description = "Write the masked users (uuid, handle, "
                + "display name) in seeds/users.json's shape, for the patterns' --seeds DIR.")
        Path usersOut;

        /**
         * The masker, or null when masking is off; every option checked first (before anything is read or written):
         * a mask option without masking, an unreadable or empty key file, a users file in no folder.
         */
        Mask masker(CommandSpec spec, boolean on) {
            if (attributes == null) attributes = List.of();
            String stray = keyFile != null ? "--mask-key-file" : !attributes.isEmpty() ? "--mask-attribute"
                    : usersOut != null ? "--users-out" : null;
            if (!on) {
                if (stray != null) throw new ParameterException(spec.commandLine(), stray + " needs --mask");
                return null;
            }
            for (String key : List.of(Patterns.PK, Patterns.SK)) {
                if (attributes.contains(key)) {
                    throw new ParameterException(spec.commandLine(), "--mask-attribute " + key + ": the keys are "
                            + "masked by the item model's rules (the owner in GRP#<uuid>); times and ids stay");
                }
            }
            if (usersOut != null && !Files.isDirectory(usersOut.toAbsolutePath().getParent())) {
                throw new ParameterException(spec.commandLine(), "--users-out: no folder "
                        + usersOut.toAbsolutePath().getParent());
            }
            byte[] key;
            if (keyFile != null) {
                try {
                    key = new String(Files.readAllBytes(keyFile), StandardCharsets.UTF_8).strip()
                            .getBytes(StandardCharsets.UTF_8);
                } catch (IOException | SecurityException e) {
                    throw new ParameterException(spec.commandLine(), "--mask-key-file: cannot read " + keyFile
                            + (e instanceof java.nio.file.NoSuchFileException ? " (no such file)" : ""));
                }
                if (key.length == 0) {
                    throw new ParameterException(spec.commandLine(), "--mask-key-file: " + keyFile + " is empty");
                }
            } else if (Ddb.env(KEY_ENV) != null) {
                key = Ddb.env(KEY_ENV).getBytes(StandardCharsets.UTF_8);
            } else {
                key = new byte[32];
                new SecureRandom().nextBytes(key);
                spec.commandLine().getErr().println(spec.name() + ": masking with a random key for this run: another "
                        + "run will mask differently (set " + KEY_ENV + " or pass --mask-key-file FILE to keep it).");
            }
            return new Mask(key, attributes, usersOut != null);
        }

        /**
         * After the masked data is complete, before its file is renamed into place: the items written with a handle
         * pseudonym that two handles gave get their first taker's new one (see handle()). FILE null: stdout, where
         * written is written: one line, exit 1.
         */
        void settle(Mask mask, Path file, boolean gzip) throws IOException {
            Map<String, String> renamed = mask.renamed();
            if (renamed.isEmpty()) return;
            if (file == null) {
                throw new Ddb.Failure("two users' handles masked to the same pseudonym under this key, and the masked "
                        + "items went to stdout: mask to --file FILE, which resolves it");
            }
            Path fixed = file.resolveSibling(file.getFileName() + ".settled");
            var reader = new ItemJson.Reader(List.of(file.toString()), item -> null);
            try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(fixed), 1 << 16);
                 OutputStream out = gzip ? new GZIPOutputStream(raw, 1 << 16) : raw;
                 JsonGenerator g = Ddb.Json.FACTORY.createGenerator(out)) {
                g.setRootValueSeparator(null);
                while (reader.hasNext()) {
                    var item = reader.next();
                    AttributeValue handle = item.get(Patterns.USER_HANDLE);
                    if (handle != null && handle.s() != null && renamed.containsKey(handle.s())) {
                        item.put(Patterns.USER_HANDLE, AttributeValue.fromS(renamed.get(handle.s())));
                    }
                    ItemJson.writeExportLine(g, item);
                }
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(fixed);
                throw e;
            }
            if (reader.error != null) {
                Files.deleteIfExists(fixed);
                throw new IOException(reader.error);
            }
            Files.move(fixed, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }

        /** After the masked data is complete: the users file, and one line on what was masked. */
        void finish(Mask mask, PrintWriter err) throws IOException {
            String users = "";
            if (usersOut != null) {
                users = String.format("; %,d masked users to %s", mask.writeUsers(usersOut), usersOut);
            }
            int clashes = mask.handlesRetired.size();
            err.printf("Masked %,d items%s (user uuids, handles, display names, message text%s)%s%n", mask.items.get(),
                    users, attributes.isEmpty() ? "" : ", " + String.join(", ", attributes), clashes == 0 ? ""
                    : String.format("; %,d handle pseudonym%s given by two handles went to neither", clashes,
                    clashes == 1 ? "" : "s"));
        }
    }
}
