// DynamoDB's exports in S3, for the scripts that read or fetch them (export --s3, import --s3 and s3:// paths, diff):
// where an export's files are (its manifests, else a listing), opening them as streams, fetching them. Pulled in with
// //SOURCES next to lib/Ddb.java, and //DEPS software.amazon.awssdk:s3 in the script itself (the S3 module loads
// only in the scripts that use it; docs/s3.md).

import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An export's layout, as AWS documents it (S3DataExport.Output):
 * PREFIX/AWSDynamoDB/EXPORT_ID/manifest-summary.json (with "itemCount" and "manifestFilesS3Key"),
 * manifest-files.json (one {"dataFileS3Key": ..., "itemCount": ...} per line) and data/*.json.gz. An export without
 * manifests (moto's, one copied by hand) is read from the listing of its data/ folder.
 */
final class S3Files {
    private S3Files() {}

    static final String ROOT = "AWSDynamoDB/";

    /** s3://BUCKET/KEY (KEY may be empty, a prefix or one object). */
    record Location(String bucket, String key) {
        static Location parse(String url) {
            if (!isS3(url)) throw new IllegalArgumentException("'" + url + "' is not an s3://BUCKET/PREFIX URL");
            String rest = url.substring("s3://".length());
            int slash = rest.indexOf('/');
            String bucket = slash < 0 ? rest : rest.substring(0, slash);
            // S3's rule for bucket names: 3 to 63 lower-case letters, digits, dots and hyphens.
            if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                throw new IllegalArgumentException("'" + url + "': '" + bucket + "' is not an S3 bucket name "
                        + "(3 to 63 lower-case letters, digits, dots and hyphens)");
            }
            return new Location(bucket, slash < 0 ? "" : rest.substring(slash + 1));
        }

        String url() { return "s3://" + bucket + "/" + key; }

        Location at(String otherKey) { return new Location(bucket, otherKey); }
    }

    static boolean isS3(String name) { return name != null && name.startsWith("s3://"); }

    /** An S3 client of the connection's target (moto or LocalStack at an endpoint: path-style addresses). */
    static S3Client client(Ddb.Connection conn) {
        var builder = conn.configure(S3Client.builder(), Ddb.RETRIES);
        // A bucket may live in another region than the table: the SDK follows S3's redirect to it.
        builder.crossRegionAccessEnabled(true);
        if (conn.endpoint() != null && !Prod.awsHost(conn.endpoint())) builder.forcePathStyle(true);
        return builder.build();
    }

    /** One export in S3: its folder, its data files' keys, its item count (-1 when there is no manifest). */
    record Export(Location root, List<String> dataKeys, long itemCount, List<String> otherKeys) {
        /** The ExportId: the folder's last name. */
        String id() {
            String k = root.key().substring(0, root.key().length() - 1);
            return k.substring(k.lastIndexOf('/') + 1);
        }
    }

    /**
     * The export at `where`: its folder (PREFIX/AWSDynamoDB/ID/), its data/ folder, or an export prefix with exactly
     * one export under it (`id`, when known, picks one of several).
     */
    static Export find(S3Client s3, Location where, String id) {
        String key = where.key().isEmpty() || where.key().endsWith("/") ? where.key() : where.key() + "/";
        if (key.endsWith("/data/")) key = key.substring(0, key.length() - "data/".length());
        List<S3Object> objects = list(s3, where.at(key));
        if (objects.isEmpty()) throw new Ddb.Failure(where.url() + ": no export there (no objects under it)");
        // Export folders are the parents of the manifests and data files: PREFIX/AWSDynamoDB/ID/.
        TreeMap<String, List<S3Object>> exports = new TreeMap<>();
        for (S3Object o : objects) {
            int at = o.key().lastIndexOf("/" + ROOT) >= 0 ? o.key().lastIndexOf("/" + ROOT) + 1
                    : o.key().startsWith(ROOT) ? 0 : -1;
            if (at < 0) continue;
            int end = o.key().indexOf('/', at + ROOT.length());
            if (end < 0) continue;
            exports.computeIfAbsent(o.key().substring(0, end + 1), k -> new ArrayList<>()).add(o);
        }
        if (exports.isEmpty()) {
            throw new Ddb.Failure(where.url() + ": no DynamoDB export there (no " + ROOT + "EXPORT_ID/ folder)");
        }
        String root = exports.size() == 1 ? exports.firstKey() : exports.keySet().stream()
                .filter(r -> id != null && r.endsWith("/" + id + "/")).findFirst().orElse(null);
        if (root == null) {
            throw new Ddb.Failure(where.url() + ": " + exports.size() + " exports there; name one: "
                    + where.at(exports.firstKey()).url() + (exports.size() > 2 ? ", ..." : ", "
                    + where.at(exports.lastKey()).url()));
        }
        return describe(s3, where.at(root), exports.get(root));
    }

    /** The export in folder `root`, from its manifests when it has them, else from the listing of data/. */
    static Export describe(S3Client s3, Location root, List<S3Object> objects) {
        String base = root.key().substring(0, root.key().lastIndexOf(ROOT)); // the export prefix
        List<String> others = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (S3Object o : objects) {
            keys.add(o.key());
            if (!o.key().startsWith(root.key() + "data/")) others.add(o.key());
        }
        String summaryKey = root.key() + "manifest-summary.json";
        if (keys.contains(summaryKey)) {
            Map<?, ?> summary = (Map<?, ?>) json(s3, root.at(summaryKey));
            long count = summary.get("itemCount") instanceof Number n ? n.longValue() : -1;
            String filesKey = resolve(base, String.valueOf(summary.get("manifestFilesS3Key")));
            List<String> data = new ArrayList<>();
            try (var lines = reader(open(s3, root.at(filesKey)))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.isBlank()) continue;
                    Map<?, ?> entry = (Map<?, ?>) Ddb.Json.COMPACT.anyFrom(line);
                    data.add(resolve(base, String.valueOf(entry.get("dataFileS3Key"))));
                }
            } catch (IOException e) {
                throw new Ddb.Failure(root.at(filesKey).url() + ": cannot read (" + e.getMessage() + ")");
            }
            return new Export(root, data, count, others);
        }
        List<String> data = objects.stream().map(S3Object::key)
                .filter(k -> k.startsWith(root.key() + "data/") && !k.endsWith("/")).sorted().toList();
        if (data.isEmpty()) throw new Ddb.Failure(root.url() + ": an export folder with no data files");
        return new Export(root, data, -1, others);
    }

    /** A key a manifest names: AWS writes them from the bucket's root, or relative to the export prefix. */
    static String resolve(String base, String key) {
        return key.startsWith(ROOT) && !base.isEmpty() && !key.startsWith(base) ? base + key : key;
    }

    /** Before an export starts: a bucket that is not there fails here, not minutes later in AWS. */
    static void requireBucket(S3Client s3, Location where) {
        try {
            s3.headBucket(r -> r.bucket(where.bucket()));
        } catch (NoSuchBucketException e) {
            throw new Ddb.Failure(where.url() + ": no bucket '" + where.bucket() + "' (make it with: aws s3 mb s3://"
                    + where.bucket() + "); nothing was started.");
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404) {
                throw new Ddb.Failure(where.url() + ": no bucket '" + where.bucket() + "' (make it with: aws s3 mb "
                        + "s3://" + where.bucket() + "); nothing was started.");
            }
            // 403 and the like: a role may write to the bucket without listing it; the export itself will tell.
        }
    }

    static List<S3Object> list(S3Client s3, Location where) {
        try {
            List<S3Object> all = new ArrayList<>();
            s3.listObjectsV2Paginator(r -> r.bucket(where.bucket()).prefix(where.key())).contents().forEach(all::add);
            return all;
        } catch (AwsServiceException e) {
            throw failure(where, e);
        }
    }

    static InputStream open(S3Client s3, Location object) {
        try {
            return s3.getObject(r -> r.bucket(object.bucket()).key(object.key()));
        } catch (AwsServiceException e) {
            throw failure(object, e);
        }
    }

    static Object json(S3Client s3, Location object) {
        try (InputStream in = open(s3, object)) {
            return Ddb.Json.COMPACT.anyFrom(in);
        } catch (IOException e) {
            throw new Ddb.Failure(object.url() + ": malformed JSON (" + e.getMessage() + ")");
        }
    }

    static Ddb.Failure failure(Location where, AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String what = "NoSuchBucket".equals(code) ? "no bucket '" + where.bucket() + "'"
                : "NoSuchKey".equals(code) ? "no such object"
                : "S3 refused the request (" + code + "): " + (e.awsErrorDetails() == null ? e.getMessage()
                        : e.awsErrorDetails().errorMessage());
        return new Ddb.Failure(where.url() + ": " + what);
    }

    static BufferedReader reader(InputStream in) throws IOException {
        return new BufferedReader(new InputStreamReader(gunzipped(in), StandardCharsets.UTF_8), 1 << 16);
    }

    static InputStream gunzipped(InputStream raw) throws IOException {
        InputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        boolean gzipped = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        return gzipped ? new GZIPInputStream(in, 1 << 16) : in;
    }

    // ---- Reading export files from s3:// paths (import, diff) -----------------------------------------------------

    /** `paths` with each s3:// folder replaced by its export's data files (s3:// URLs); files stay as they are. */
    static List<String> expand(Ddb.Connection conn, List<String> paths) {
        List<String> out = new ArrayList<>();
        S3Client s3 = null;
        for (String path : paths) {
            if (!isS3(path)) {
                out.add(path);
                continue;
            }
            Location where = Location.parse(path);
            if (where.key().matches(".*/data/[^/]+")) {
                out.add(path); // one data file
                continue;
            }
            if (s3 == null) s3 = client(conn);
            Export export = find(s3, where, null);
            export.dataKeys().forEach(k -> out.add(where.at(k).url()));
        }
        return out;
    }

    /** Opens a file, or an s3:// object as it streams in (a missing object: NoSuchFileException, as a file). */
    interface Opener { InputStream open(String name) throws IOException; }

    /**
     * How a script reads export files wherever they are (import; diff): the paths expanded, then ItemJson's reader
     * opening them through this, `reader.source = S3Files.opener(conn)::open` (a family file needs no other).
     */
    static Opener opener(Ddb.Connection conn) {
        S3Client[] s3 = {null}; // made on the first s3:// name
        return name -> {
            if (!isS3(name)) return Files.newInputStream(Path.of(name));
            Location at = Location.parse(name);
            if (s3[0] == null) s3[0] = client(conn);
            try {
                return s3[0].getObject(r -> r.bucket(at.bucket()).key(at.key()));
            } catch (NoSuchKeyException e) {
                throw new NoSuchFileException(name);
            } catch (AwsServiceException e) {
                throw new IOException(failure(at, e).getMessage());
            }
        };
    }

    // ---- Fetching an export (export --download) -------------------------------------------------------------------

    /** What a download wrote. */
    record Fetched(long items, long files, long bytes) {}

    /**
     * The export's data files as one export file (gzipped when `target` ends in .gz: the data files' own gzip
     * members, one after another, which is a valid gzip stream), or to stdout (target null), uncompressed.
     * Streaming: one buffer, whatever the size. Items are counted on the way (lines of the uncompressed data).
     */
    static Fetched downloadFile(S3Client s3, Export export, OutputStream out, boolean gzip) throws IOException {
        long items = 0, bytes = 0;
        OutputStream sink = gzip ? out : new BufferedOutputStream(out, 1 << 16);
        for (String key : export.dataKeys()) {
            var counting = new CountingStream(open(s3, export.root().at(key)), gzip ? sink : null);
            InputStream plain = gunzipped(counting);
            byte[] buffer = new byte[1 << 16];
            int last = '\n';
            for (int n; (n = plain.read(buffer)) > 0; ) {
                for (int i = 0; i < n; i++) if (buffer[i] == '\n') items++;
                last = buffer[n - 1];
                if (!gzip) sink.write(buffer, 0, n);
            }
            counting.drain();
            if (last != '\n') { // a file whose last line has no newline: end it, so the next file starts a line
                items++;
                if (gzip) {
                    try (var end = new GZIPOutputStream(new FilterOutputStream(sink) {
                        @Override public void close() throws IOException { flush(); }
                    })) {
                        end.write('\n');
                    }
                } else {
                    sink.write('\n');
                }
            }
            bytes += counting.count;
            plain.close();
        }
        sink.flush();
        return new Fetched(items, export.dataKeys().size(), bytes);
    }

    /** The export's files as they are (data/*.json.gz and the manifests), under `dir`, named as in the export. */
    static Fetched downloadFolder(S3Client s3, Export export, Path dir) throws IOException {
        long bytes = 0;
        List<String> keys = new ArrayList<>(export.otherKeys());
        keys.addAll(export.dataKeys());
        for (String key : keys) {
            String relative = key.startsWith(export.root().key()) ? key.substring(export.root().key().length())
                    : "data/" + key.substring(key.lastIndexOf('/') + 1);
            if (relative.isEmpty() || relative.endsWith("/")) continue;
            Path file = dir.resolve(relative).normalize();
            if (!file.startsWith(dir)) throw new Ddb.Failure(key + ": a key outside the export's folder");
            Files.createDirectories(file.getParent());
            Path partial = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".partial");
            try (InputStream in = open(s3, export.root().at(key))) {
                bytes += Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
        }
        return new Fetched(-1, export.dataKeys().size(), bytes);
    }

    /** Counts the bytes read through it and, when `copy` is set, copies them there (the raw gzip members). */
    static final class CountingStream extends FilterInputStream {
        final OutputStream copy;
        long count;

        CountingStream(InputStream in, OutputStream copy) {
            super(in);
            this.copy = copy;
        }

        @Override public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
                if (copy != null) copy.write(b);
            }
            return b;
        }

        @Override public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
                if (copy != null) copy.write(b, off, n);
            }
            return n;
        }

        /** Whatever the decompressor left unread (a gzip trailer's padding) is copied too. */
        void drain() throws IOException {
            byte[] rest = new byte[8192];
            while (read(rest, 0, rest.length) > 0) { /* copied and counted by read */ }
        }
    }
}
