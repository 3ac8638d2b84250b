package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shell scripts run on macOS's /bin/bash 3.2 and its BSD tools. A static check, as no bash 3.2 runs here:
 * no bash 4+ construct, every array expanded safely under set -u (bash before 4.4 calls "${a[@]}" of an empty array
 * unbound: ${a[@]+"${a[@]}"} is safe), and no GNU-only flag or tool a Mac lacks. It reads code, not comments.
 */
class ShellPortabilityTest {
    static final List<String> SCRIPTS = List.of("bin/jbang", "bin/setup", "bin/demo", "bin/test", "bin/completion", ".ci/run");

    /** What bash 3.2 lacks, and what BSD's tools (or a Mac) lack, each with the reason a reader gets. */
    static final Map<Pattern, String> RULES = new LinkedHashMap<>();

    static void rule(String regex, String why) {
        RULES.put(Pattern.compile(regex), why);
    }

    static {
        rule("\\b(declare|typeset|local|readonly)\\s+-[a-zA-Z]*A", "associative array (bash 4)");
        rule("\\b(mapfile|readarray)\\b", "mapfile/readarray (bash 4)");
        rule("\\$\\{\\w+(\\[[^]]*\\])?(,|\\^)", "case modification ${var,,} ${var^^} (bash 4)");
        rule("\\b(declare|typeset|local)\\s+-[a-zA-Z]*[gn]\\b", "declare -g (bash 4.2) or a nameref -n (bash 4.3)");
        rule("\\bwait\\s+-n\\b", "wait -n (bash 4.3)");
        rule("\\bBASHPID\\b", "$BASHPID (bash 4)");
        rule("(\\[\\[|\\[|\\btest)\\s+-v\\s", "[[ -v ]] (bash 4.2)");
        rule("&>>|\\|&", "&>> or |& (bash 4)");
        rule(";;&|;&\\s*$", "case fall-through ;& ;;& (bash 4)");
        rule("\\bcoproc\\b", "coproc (bash 4)");
        rule("(?<![$\\w])\\{[A-Za-z_]\\w*\\}[<>]", "{fd}> file-descriptor allocation (bash 4.1)");
        rule("\\$\\{[^}]*@[QEPAaKkUuL]\\}", "${var@Q} transformations (bash 4.4)");
        rule("\\$\\{\\w+\\[-\\d", "negative array index (bash 4.3)");
        rule("\\bshopt\\s+-s\\s+(globstar|lastpipe|direxpand|checkjobs|localvar_\\w+)", "a bash 4+ shopt");
        rule("%\\([^)]*\\)T", "printf %(...)T (bash 4.2)");
        rule("\\b(EPOCHSECONDS|EPOCHREALTIME|SRANDOM)\\b", "bash 5 variable");
        rule("\\{\\d+\\.\\.\\d+\\.\\.|\\{0\\d+\\.\\.", "brace range with a step or zero padding (bash 4)");
        rule("\\bsed\\b[^|;]*\\s-[a-zA-Z]*[ir]\\b|\\bsed\\s+--", "sed -i / -r / long options (GNU; BSD sed differs)");
        rule("\\breadlink\\s+-[a-zA-Z]*[fem]", "readlink -f (GNU)");
        rule("\\bdate\\b[^|;]*(\\s-d\\b|--date|%N)", "date -d or %N (GNU)");
        rule("\\bstat\\s+(-c|--)", "stat -c (GNU; BSD stat takes -f)");
        rule("\\bgrep\\s+(-\\w+\\s+)*-[a-zA-Z]*P|\\bgrep\\s+--", "grep -P or long options (GNU)");
        rule("\\bmktemp(\\s+-[a-zA-Z]+)*\\s*($|[);|&])|\\bmktemp\\s+--", "mktemp without a template (BSD needs one)");
        rule("\\benv\\s+-(-|S\\b|u\\b)|\\bxargs\\s+-[a-zA-Z]*r|\\bsort\\s+-[a-zA-Z]*V|\\bfind\\b.*-printf|\\bls\\s+--|\\bcp\\s+-[a-zA-Z]*T",
                "a GNU-only flag");
    }

    /** The code of a script: comment lines and trailing comments dropped, line numbers kept. */
    static List<String> codeLines(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            String code = line.stripLeading().startsWith("#") ? "" : line.replaceAll("\\s#\\s.*$", "");
            lines.add(code);
        }
        return lines;
    }

    static final Pattern ARRAY = Pattern.compile("\\$\\{(\\w+)\\[[@*]\\]\\}");
    /** Tools a Mac does not have: used only where the same line asks `command -v` for them first. */
    static final Pattern NOT_ON_A_MAC = Pattern.compile("\\b(setsid|timeout|stdbuf|tac|nproc|sha\\d+sum|md5sum)\\b");

    /** Every problem in a script, as "name:line: why: code". */
    static List<String> problems(String name, String text) {
        List<String> found = new ArrayList<>();
        List<String> lines = codeLines(text);
        for (int i = 0; i < lines.size(); i++) {
            String code = lines.get(i);
            for (var rule : RULES.entrySet()) {
                if (rule.getKey().matcher(code).find()) found.add(name + ":" + (i + 1) + ": " + rule.getValue() + ": " + code.strip());
            }
            Matcher tool = NOT_ON_A_MAC.matcher(code.replaceAll("\"[^\"$`]*\"", "\"\""));  // not in a message
            while (tool.find()) {
                if (!code.contains("command -v " + tool.group(1))) {
                    found.add(name + ":" + (i + 1) + ": " + tool.group(1) + " is not on a Mac (ask command -v first): " + code.strip());
                }
            }
            Matcher m = ARRAY.matcher(code);
            while (m.find()) {
                String guard = "${" + m.group(1) + "[@]+";
                String before = code.substring(0, m.start());
                if (!before.endsWith(guard + "\"") && !before.endsWith(guard)) {
                    found.add(name + ":" + (i + 1) + ": array expanded without ${a[@]+\"${a[@]}\"} (unbound when empty under set -u"
                            + " before bash 4.4): " + code.strip());
                }
            }
        }
        return found;
    }

    @Test
    void theScriptsUseBash32AndBsdToolsOnly() throws Exception {
        List<String> found = new ArrayList<>();
        for (String script : SCRIPTS) found.addAll(problems(script, Files.readString(Cli.REPO.resolve(script))));
        assertEquals(List.of(), found);
    }

    @Test
    void theCheckFindsEachConstruct() {
        // One line per rule, each of which must be found: a check that cannot fail checks nothing.
        List<String> bad = List.of(
                "declare -A seen=()", "mapfile -t lines < f", "echo \"${name,,}\"", "declare -g x=1", "local -n ref=$1",
                "wait -n", "echo $BASHPID", "[[ -v foo ]] && echo", "cmd &>> log", "cmd |& tee log", "  a) echo ;&",
                "coproc cat", "exec {fd}> file", "echo \"${x@Q}\"", "echo \"${a[-1]}\"", "shopt -s globstar",
                "printf '%(%F)T' -1", "echo $EPOCHSECONDS", "echo {01..10}", "sed -i 's/a/b/' f", "sed -r 's/a+/b/' f",
                "readlink -f \"$0\"", "date -d yesterday", "stat -c %s f", "grep -P '\\d' f", "work=$(mktemp -d)",
                "setsid -f cmd", "timeout 5 cmd", "x=$(printf a | sha1sum)", "env --default-signal=INT cmd",
                "xargs -r rm", "echo \"${files[@]}\"", "f \"${a[*]}\"");
        for (String line : bad) {
            assertTrue(!problems("sample", line).isEmpty(), "not found: " + line);
        }
        List<String> good = List.of("echo ${files[@]+\"${files[@]}\"}", "echo \"${#files[@]}\" \"${cmd[@]:1}\" \"$@\"",
                "for i in \"${!cmd[@]}\"; do :; done", "# setsid -f in a comment", "sed -E 's/a/b/' f", "readlink \"$self\"",
                "work=$(mktemp -d \"${TMPDIR:-/tmp}/x.XXXXXX\")", "echo \"${x:-default}\"",
                "if command -v sha1sum >/dev/null 2>&1; then sum_tool=(sha1sum)");
        for (String line : good) {
            assertEquals(List.of(), problems("sample", line), line);
        }
    }
}
