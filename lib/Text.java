// Text as a terminal shows it, the family file of the scripts that cut or align text (the patterns' tables and
// transcripts, scan's table): by grapheme (what a reader sees as one character) and display width (wide CJK and
// emoji take two columns, combining marks none), never by UTF-16 unit, fitted to the terminal's width. Pulled in with
// //SOURCES next to lib/Ddb.java, whose progress bar brings JLine (its wcwidth and the terminal's size).

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.WCWidth;

final class Text {
    private Text() {}

    /**
     * Extended grapheme clusters (Unicode UAX #29) by the regex \X: on Java 17, BreakIterator's character instance
     * splits emoji ZWJ sequences (a family, a rainbow flag), skin tones and flags into several characters; \X keeps
     * each one whole.
     */
    private static final Pattern GRAPHEME = Pattern.compile("\\X");

    static List<String> graphemes(String text) {
        return GRAPHEME.matcher(text).results().map(MatchResult::group).toList();
    }

    /**
     * The columns one grapheme takes: its first code point's wcwidth (JLine's: 2 for wide CJK and emoji, 0 for
     * combining marks and joiners, which ride on the grapheme's base; control characters 0), and 2 for a grapheme
     * that asks for emoji presentation (U+FE0F, as in a red heart), as terminals draw it.
     */
    static int columns(String grapheme) {
        if (grapheme.isEmpty()) return 0;
        if (grapheme.indexOf('\uFE0F') > 0) return 2;
        return Math.max(0, WCWidth.wcwidth(grapheme.codePointAt(0)));
    }

    /** The columns a text takes on a terminal. */
    static int width(String text) {
        int columns = 0;
        for (String g : graphemes(text)) columns += columns(g);
        return columns;
    }

    /** White space (new lines, tabs, runs of spaces) folded to single spaces, as one line. */
    static String flat(String text) { return text.replaceAll("\\s+", " ").strip(); }

    /** One line of at most `width` columns: white space folded, whole graphemes, an ellipsis where it was cut. */
    static String preview(String text, int width) {
        String flat = flat(text);
        if (width(flat) <= width) return flat;
        if (width < 2) return "";
        var cut = new StringBuilder();
        int used = 1; // the ellipsis
        for (String g : graphemes(flat)) {
            if ((used += columns(g)) > width) break;
            cut.append(g);
        }
        return cut.toString().stripTrailing() + "\u2026";
    }

    /** The text followed by spaces up to `width` columns (a text already wider is returned as it is). */
    static String pad(String text, int width) { return text + " ".repeat(Math.max(0, width - width(text))); }

    /**
     * Whole text in lines of at most `width` columns, broken between words; a word wider than a line is broken
     * between graphemes.
     */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        var line = new StringBuilder();
        int used = 0;
        for (String word : flat(text).split(" ")) {
            int w = width(word);
            if (used > 0 && used + 1 + w <= width) {
                line.append(' ').append(word);
                used += 1 + w;
                continue;
            }
            if (used > 0) lines.add(line.toString());
            line.setLength(0);
            used = 0;
            for (String g : graphemes(word)) { // a word longer than a line
                if (used + columns(g) > width && used > 0) {
                    lines.add(line.toString());
                    line.setLength(0);
                    used = 0;
                }
                line.append(g);
                used += columns(g);
            }
        }
        if (used > 0 || lines.isEmpty()) lines.add(line.toString());
        return lines;
    }

    /** $COLUMNS, else the terminal's width (JLine) when there is a terminal, else 120. */
    static int terminalWidth() {
        String columns = Ddb.env("COLUMNS");
        if (columns != null && columns.matches("\\d{1,5}")) return Integer.parseInt(columns);
        if (System.console() == null) return 120;
        try (var terminal = TerminalBuilder.builder().system(true).dumb(true).build()) {
            return terminal.getWidth() > 0 ? terminal.getWidth() : 120;
        } catch (IOException | RuntimeException e) {
            return 120; // no usable terminal size
        }
    }
}
