package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 23.7: text as people write it. A conversation whose last message is 40 emoji (skin tones, ZWJ sequences,
 * a flag, a red heart) and CJK, Arabic and combining accents: list-conversations and get-conversation cut it between
 * whole characters and keep every row within COLUMNS, measured here by a display width computed independently of
 * lib/Text.java (code point by code point, from the Unicode blocks and character types).
 */
class TextWidthTest {
    static final String[] EMOJI = {"😀", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "👩🏽‍💻", "❤️", "🇫🇷", "🙂"};
    static final String TAIL = " 漢字かな交じり文 한국어 مرحبا بالعالم Cafe\u0301 nai\u0308ve";
    static String text, table, group;

    @BeforeAll
    static void seeded() {
        var sb = new StringBuilder();
        for (int i = 0; i < 40; i++) sb.append(EMOJI[i % EMOJI.length]);
        text = sb + TAIL;
        table = LocalDynamo.uniqueTable("text");
        var schema = Cli.local("schema-load", "--table", table, "--billing-mode", "PAY_PER_REQUEST", "--gsi").run();
        assertEquals(0, schema.exit(), schema::toString);
        var created = Cli.local("patterns/create-message-group", "--table", table, "--from", "bayko", "--to",
                "andrewbrown", "--text", "Hi 👋", "--at", "2026-01-01T10:00:00Z").run();
        assertEquals(0, created.exit(), created::toString);
        group = created.out().lines().findFirst().orElseThrow();
        // The group items' last message: create-message-group's first message, as the stream would move them.
        var last = Cli.local("patterns/create-message-group", "--table", table, "--from", "londo", "--to",
                "andrewbrown", "--text", text, "--at", "2026-01-02T10:00:00Z").run();
        assertEquals(0, last.exit(), last::toString);
        var message = Cli.local("patterns/create-message", group, "--table", table, "--from", "andrewbrown",
                "--text", text, "--at", "2026-01-01T10:01:00Z").run();
        assertEquals(0, message.exit(), message::toString);
    }

    /** Display width without lib/Text.java: wide blocks and emoji 2; marks, joiners, modifiers, joined parts 0. */
    static int width(String s) {
        int w = 0, previous = 0;
        boolean afterJoiner = false, pendingFlag = false;
        for (int cp : s.codePoints().toArray()) {
            int type = Character.getType(cp);
            if (cp == 0x200D) { afterJoiner = true; continue; }
            if (cp == 0xFE0F) { if (previous == 1) w++; previous = 2; continue; } // emoji presentation: two columns
            if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT
                    || (cp >= 0x1F3FB && cp <= 0x1F3FF)) continue; // combining accents, skin tones
            if (afterJoiner) { afterJoiner = false; continue; } // the joined part of a ZWJ sequence
            boolean flag = cp >= 0x1F1E6 && cp <= 0x1F1FF;
            if (flag && pendingFlag) { pendingFlag = false; continue; } // a flag: two regional indicators
            pendingFlag = flag;
            var block = Character.UnicodeBlock.of(cp);
            boolean wide = cp >= 0x1F000 && cp <= 0x1FAFF || block == Character.UnicodeBlock.CJK_UNIFIED_IDEOGRAPHS
                    || block == Character.UnicodeBlock.HIRAGANA || block == Character.UnicodeBlock.KATAKANA
                    || block == Character.UnicodeBlock.HANGUL_SYLLABLES;
            previous = wide ? 2 : 1;
            w += previous;
        }
        return w;
    }

    /** No lone surrogate (Java writes one as '?'), no replacement character, no row wider than the terminal. */
    static void wellFormed(Cli.Result r, int columns) {
        assertEquals(0, r.exit(), r::toString);
        assertFalse(r.out().contains("?") || r.out().contains("\uFFFD"), "a broken character: " + r);
        assertTrue(surrogatesPaired(r.out()), "a lone surrogate: " + r);
        for (String line : r.out().lines().toList()) {
            assertTrue(width(line) <= columns, "wider than " + columns + " (" + width(line) + "): " + line + "\n" + r);
        }
    }

    static boolean surrogatesPaired(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) i++;
            else if (Character.isSurrogate(c)) return false;
        }
        return true;
    }

    /** The shown text, without its ellipsis, ends where a whole grapheme of the message ends. */
    static void cutBetweenGraphemes(String shown) {
        String cut = shown.endsWith("…") ? shown.substring(0, shown.length() - 1).stripTrailing() : shown;
        assertTrue(text.startsWith(cut), "a prefix of the message: " + shown);
        List<Integer> ends = new ArrayList<>();
        Matcher m = Pattern.compile("\\X").matcher(text);
        while (m.find()) ends.add(m.end());
        assertTrue(cut.isEmpty() || ends.contains(cut.length()), "cut inside a grapheme: " + shown);
    }

    @Test
    void listConversationsFitsTheTerminalAndCutsWholeCharacters() {
        for (int columns : new int[] {80, 60, 120}) {
            var r = Cli.local("patterns/list-conversations", "andrewbrown", "--table", table, "--year", "2026")
                    .env("COLUMNS", String.valueOf(columns)).run();
            wellFormed(r, columns);
            List<String> lines = r.out().lines().toList();
            assertEquals(3, lines.size(), r::toString);
            assertTrue(lines.get(1).startsWith("londo"), r::toString);
            assertTrue(lines.get(2).endsWith(group), "the uuid stays whole: " + r);
            if (columns >= 80) {
                assertTrue(lines.get(1).contains("😀👍🏽👨‍👩‍👧‍👦"), "the preview: " + r);
                int start = lines.get(1).indexOf("😀");
                String preview = lines.get(1).substring(start, lines.get(1).indexOf("  ", start));
                cutBetweenGraphemes(preview);
            }
        }
    }

    @Test
    void transcriptFitsTheTerminalCutOrWrapped() {
        for (int columns : new int[] {80, 60}) {
            var r = Cli.local("patterns/get-conversation", group, "--table", table, "--year", "2026")
                    .env("COLUMNS", String.valueOf(columns)).env("TZ", "UTC").run();
            wellFormed(r, columns);
            List<String> lines = r.out().lines().toList();
            assertEquals(2, lines.size(), r::toString);
            String shown = lines.get(1).substring(lines.get(1).indexOf("AM  ") + 4);
            assertTrue(shown.endsWith("…"), r::toString);
            cutBetweenGraphemes(shown);

            var wide = Cli.local("patterns/get-conversation", group, "--table", table, "--year", "2026", "--wide")
                    .env("COLUMNS", String.valueOf(columns)).env("TZ", "UTC").run();
            wellFormed(wide, columns);
            String joined = wide.out().lines().skip(1).map(l -> l.substring(Math.min(l.length(), 33)))
                    .reduce("", String::concat);
            assertEquals(text.replace(" ", ""), joined.replace(" ", ""),
                    "every character, whole, across the wrapped lines: " + wide);
        }
    }

    @Test
    void scanTableAlignsByDisplayWidth() {
        var r = Cli.local("scan", "--table", table, "--output", "table").run();
        assertEquals(0, r.exit(), r::toString);
        assertFalse(r.out().contains("?"), r::toString);
        assertTrue(surrogatesPaired(r.out()), r::toString);
        List<Integer> widths = r.out().lines().map(TextWidthTest::width).distinct().toList();
        assertEquals(1, widths.size(), "every row of the box as wide as its rules: " + r);
    }

    /**
     * scan -o table fits COLUMNS as list-conversations does: a box as wide as its rules, none wider than the terminal;
     * the message gives way first, then the handle and the keys, each cell cut between graphemes with an ellipsis.
     */
    @Test
    void scanTableFitsTheTerminal() {
        for (int columns : new int[] {80, 60, 40}) {
            var r = Cli.local("scan", "--table", table, "--output", "table").env("COLUMNS", String.valueOf(columns))
                    .run();
            wellFormed(r, columns);
            List<Integer> widths = r.out().lines().map(TextWidthTest::width).distinct().toList();
            assertEquals(1, widths.size(), "every row of the box as wide as its rules: " + r);
            assertTrue(r.out().contains("| pk"), r::toString);
            if (columns >= 60) {
                String row = r.out().lines().filter(l -> l.contains("😀")).findFirst()
                        .orElseThrow(() -> new AssertionError("no message row: " + r));
                String cell = row.substring(row.lastIndexOf("| ", row.length() - 3) + 2, row.length() - 2);
                assertTrue(cell.stripTrailing().endsWith("…"), "the message cut: " + r);
                cutBetweenGraphemes(cell.stripTrailing());
            }
        }
    }
}
