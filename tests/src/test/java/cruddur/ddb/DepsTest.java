package cruddur.ddb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The unit tests compile lib/ with the dependencies tests/pom.xml declares, while users run it with the //DEPS lines
 * of the scripts and lib/: the two agree, version for version, so what the unit tests prove is what users run.
 */
class DepsTest {
    static final Pattern DEPS = Pattern.compile("^//DEPS ([\\w.-]+):([\\w.-]+)(?::([\\w.-]+))?(@pom)?\\s*$", Pattern.MULTILINE);
    static final Pattern DEPENDENCY = Pattern.compile(
            "<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>(?:\\s*<version>([^<]+)</version>)?");
    static final Pattern PROPERTY = Pattern.compile("<([\\w.-]+)>([^<]+)</\\1>");

    record Dep(String file, String group, String artifact, String version) {}

    static List<Dep> deps(Path file) throws Exception {
        List<Dep> deps = new ArrayList<>();
        Matcher m = DEPS.matcher(Files.readString(file));
        while (m.find()) deps.add(new Dep(Cli.REPO.relativize(file).toString(), m.group(1), m.group(2), m.group(3)));
        return deps;
    }

    @Test
    void theTestsPomDeclaresLibsDependenciesAtTheVersionsOfTheDepsLines() throws Exception {
        String pom = Files.readString(Cli.REPO.resolve("tests/pom.xml"));
        Map<String, String> properties = new HashMap<>();
        Matcher p = PROPERTY.matcher(pom.substring(pom.indexOf("<properties>"), pom.indexOf("</properties>")));
        while (p.find()) properties.put(p.group(1), p.group(2));
        Map<String, String> declared = new HashMap<>(); // group:artifact -> version ("" when the BOM manages it)
        Matcher d = DEPENDENCY.matcher(pom);
        while (d.find()) {
            String version = d.group(3) == null ? "" : d.group(3);
            if (version.startsWith("${")) version = properties.getOrDefault(version.substring(2, version.length() - 1), version);
            declared.put(d.group(1) + ":" + d.group(2), version);
        }

        List<Dep> lib = new ArrayList<>(), scripts = new ArrayList<>();
        try (Stream<Path> files = Files.list(Cli.REPO.resolve("lib"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) lib.addAll(deps(f));
        }
        for (Path f : HeaderTest.scripts()) scripts.addAll(deps(f));
        assertTrue(lib.size() >= 5 && scripts.size() >= 13, lib + " " + scripts);

        List<String> problems = new ArrayList<>();
        // lib/ is compiled against all of its own //DEPS and the scripts' picocli (lib/Ddb.java uses it).
        List<Dep> needed = new ArrayList<>(lib);
        scripts.stream().filter(x -> x.artifact().equals("picocli")).forEach(needed::add);
        for (Dep dep : needed) {
            String key = dep.group() + ":" + dep.artifact();
            if (dep.artifact().equals("bom")) key = dep.group() + ":bom";
            String version = declared.get(key);
            if (version == null) problems.add(dep.file() + ": " + key + " is not declared in tests/pom.xml");
            else if (dep.version() != null && !version.isEmpty() && !version.equals(dep.version())) {
                problems.add(dep.file() + ": " + key + ":" + dep.version() + ", but tests/pom.xml has " + version);
            }
        }
        // And whatever else both declare, at one version.
        for (Dep dep : scripts) {
            String version = declared.get(dep.group() + ":" + dep.artifact());
            if (version != null && dep.version() != null && !version.isEmpty() && !version.equals(dep.version())) {
                problems.add(dep.file() + ": " + dep.group() + ":" + dep.artifact() + ":" + dep.version()
                        + ", but tests/pom.xml has " + version);
            }
        }
        assertEquals(List.of(), problems);
    }
}
