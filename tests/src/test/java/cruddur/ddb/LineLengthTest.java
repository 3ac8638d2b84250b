package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every line of the scripts and of lib/ fits in 120 characters (code points: an é is one), so each reads unscrolled. */
class LineLengthTest {
    static final int MAX = 120;

    static List<Path> files() throws Exception {
        List<Path> files = new ArrayList<>(HeaderTest.scripts());
        try (Stream<Path> lib = Files.list(Cli.REPO.resolve("lib"))) {
            lib.filter(f -> f.toString().endsWith(".java")).sorted().forEach(files::add);
        }
        return files;
    }

    @Test
    void everyLineOfTheScriptsAndLibFits() throws Exception {
        List<String> tooLong = new ArrayList<>();
        List<Path> files = files();
        assertTrue(files.size() >= 13 + 5, "the scripts and lib/: " + files);
        for (Path file : files) {
            String name = Cli.REPO.relativize(file).toString();
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.codePointCount(0, line.length()) <= MAX) continue;
                tooLong.add(name + ":" + (i + 1) + " (" + line.codePointCount(0, line.length()) + "): " + line.strip());
            }
        }
        assertEquals(List.of(), tooLong, "lines over " + MAX + " characters");
    }
}
