package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README fits a first read, and no relative link of the README or docs/ leads nowhere. */
class DocsTest {
    static final int README_WORDS = 2000;
    /** [text](target): the target up to a space or the closing parenthesis. */
    static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    static final Pattern HEADING = Pattern.compile("^#{1,6} (.+)$", Pattern.MULTILINE);
    static final Pattern FENCE = Pattern.compile("(?ms)^```.*?^```");

    @Test
    void readmeFitsAFirstRead() throws IOException {
        String readme = Files.readString(Cli.REPO.resolve("README.md"));
        int words = readme.trim().split("\\s+").length; // as wc -w counts them
        assertTrue(words <= README_WORDS, "README.md has " + words + " words; at most " + README_WORDS
                + " fit a first read: move the rest to a page in docs/");
    }

    @Test
    void everyRelativeLinkResolvesToAFileAndHeading() {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages()) {
            String text = FENCE.matcher(read(page)).replaceAll(""); // links in code blocks are code, not links
            Matcher m = LINK.matcher(text);
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z][a-z0-9+.-]*:.*")) continue; // https:, mailto:
                checked++;
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                String where = Cli.REPO.relativize(page) + ": " + target;
                if (!Files.exists(resolved)) {
                    broken.add(where + " (no such file)");
                } else if (hash >= 0 && !anchors(resolved).contains(target.substring(hash + 1))) {
                    broken.add(where + " (no such heading in " + Cli.REPO.relativize(resolved) + ")");
                }
            }
        }
        assertTrue(checked > 20, "the README and docs/ link to each other: " + checked + " links found");
        assertEquals(List.of(), broken, "broken relative links");
    }

    /** README.md and every page under docs/. */
    static List<Path> pages() {
        List<Path> pages = new ArrayList<>(List.of(Cli.REPO.resolve("README.md")));
        try (Stream<Path> docs = Files.walk(Cli.REPO.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertTrue(pages.size() > 5, "docs/ has the pages the README links to: " + pages);
        return pages;
    }

    /** The anchors GitHub gives a Markdown file's headings: lower case, punctuation dropped, spaces as hyphens. */
    static Set<String> anchors(Path file) {
        Set<String> anchors = new HashSet<>();
        if (!file.toString().endsWith(".md")) return anchors;
        Matcher m = HEADING.matcher(FENCE.matcher(read(file)).replaceAll(""));
        while (m.find()) {
            String slug = m.group(1).strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}_ -]", "").replace(' ', '-');
            String unique = slug;
            for (int n = 1; !anchors.add(unique); n++) unique = slug + "-" + n;
        }
        return anchors;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
