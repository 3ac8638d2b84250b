package cruddur.ddb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A PATH like a Mac's as far as our shell scripts can tell: a folder of symbolic links to every file of /usr/bin and
 * /bin (java and mvn included), less GNU coreutils' checksum tools and util-linux's setsid, coreutils' timeout and
 * stdbuf, which macOS does not have. macOS does have shasum, openssl and cksum; a test may take those away too.
 * A bash of another version (bash 3.2, built by hand) can stand in for /usr/bin/bash: -Dplatform.bash=PATH.
 */
final class StrippedPath {
    /** What a Mac lacks that a Debian has. */
    static final Set<String> NOT_ON_A_MAC = Set.of("md5sum", "sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum",
            "b2sum", "setsid", "timeout", "stdbuf");
    /** The other checksum tools the launcher can use; a Mac has all three. */
    static final Set<String> OTHER_CHECKSUM_TOOLS = Set.of("openssl", "shasum", "cksum");

    private StrippedPath() {}

    /** The PATH: the extra folders first (an installed jbang's bin), then the links, less NOT_ON_A_MAC and `without`. */
    static String make(Set<String> without, Path... first) {
        try {
            Path links = Files.createTempDirectory("stripped-path");
            String bash = System.getProperty("platform.bash", "");
            for (String dir : List.of("/usr/bin", "/bin")) {
                try (Stream<Path> files = Files.list(Path.of(dir))) {
                    for (Path file : files.sorted().toList()) {
                        String name = file.getFileName().toString();
                        if (NOT_ON_A_MAC.contains(name) || without.contains(name) || Files.exists(links.resolve(name), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                            continue;
                        }
                        Path target = name.equals("bash") && !bash.isEmpty() ? Path.of(bash) : file;
                        Files.createSymbolicLink(links.resolve(name), target);
                    }
                }
            }
            List<String> path = new ArrayList<>();
            for (Path dir : first) path.add(dir.toString());
            path.add(links.toString());
            return String.join(":", path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String make(Path... first) {
        return make(Set.of(), first);
    }
}
