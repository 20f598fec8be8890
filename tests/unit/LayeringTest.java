import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering docs/ARCHITECTURE.md draws, read from the sources: each folder under lib/ and mock/ is
 * the package of its name, and uses only the packages below it. A use is an import or a qualified
 * name (`lib.chat.ChatStream`) in code, comments and strings aside.
 */
class LayeringTest {
    /** Each package and the project packages it may use; the JDK and the dependencies are free for all. */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("lib.core", Set.of()),
            Map.entry("lib.http", Set.of("lib.core")),
            Map.entry("lib.auth", Set.of("lib.core", "lib.http")),
            Map.entry("lib.discover", Set.of("lib.core", "lib.http", "lib.auth")),
            Map.entry("lib.workflow", Set.of("lib.core", "lib.http", "lib.auth")),
            Map.entry("lib.knowledge", Set.of("lib.core", "lib.http", "lib.auth", "lib.discover")),
            Map.entry("lib.audio", Set.of("lib.core", "lib.http", "lib.auth")),
            Map.entry("lib.chat", Set.of("lib.core", "lib.http", "lib.auth", "lib.discover")),
            Map.entry("lib.repl", Set.of("lib.core", "lib.auth", "lib.discover", "lib.chat")),
            Map.entry("lib.mcp", Set.of("lib.core", "lib.http", "lib.auth", "lib.discover", "lib.workflow", "lib.chat")),
            Map.entry("lib.serve", Set.of("lib.core", "lib.http", "lib.auth", "lib.discover", "lib.chat")),
            Map.entry("lib.install", Set.of("lib.core")),
            Map.entry("mock", Set.of("lib.core")));

    private static final Pattern USE = Pattern.compile("\\b((?:lib\\.\\w+)|mock)\\.[A-Z]\\w*");

    @Test
    void everyPackageUsesOnlyTheLayersBelowIt() throws IOException {
        Map<Path, String> sources = new TreeMap<>();
        for (Path folder : folders())
            try (Stream<Path> files = Files.list(folder)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) sources.put(f, Files.readString(f));
            }
        assertTrue(sources.size() > 50, "found the sources: " + sources.size());
        assertEquals(List.of(), violations(sources));
    }

    @Test
    void eachFolderIsInTheLayering() throws IOException {
        for (Path folder : folders()) assertTrue(ALLOWED.containsKey(packageOf(folder)), folder + " is not in LayeringTest.ALLOWED");
    }

    /** The check itself finds a forbidden import, a qualified use and a wrong package, naming file and line. */
    @Test
    void aForbiddenUseIsNamed() {
        Path root = TestSupport.ROOT;
        Map<Path, String> sources = new TreeMap<>(Map.of(
                root.resolve("lib/http/CozeHttp.java"), "package lib.http;\n\nimport lib.core.Json;\nimport lib.auth.Redirect;\n",
                root.resolve("lib/core/Json.java"), "package lib.core;\n// lib.chat.ChatStream in a comment is no use\n"
                        + "class Json { String s = \"mock.MockServer\"; Object o = new lib.chat.ChatStream(); }\n",
                root.resolve("mock/MockChat.java"), "package lib.chat;\n"));
        assertEquals(List.of(
                "lib/core/Json.java:3 uses lib.chat (lib.chat.ChatStream), which lib.core may not",
                "lib/http/CozeHttp.java:4 uses lib.auth (lib.auth.Redirect), which lib.http may not",
                "mock/MockChat.java:1 declares package lib.chat; its folder makes it mock"), violations(sources));
    }

    /** A command's //SOURCES name every folder its own code and those folders use (JBang compiles only what is named). */
    @Test
    void eachCommandNamesTheFoldersItUses() throws IOException {
        try (Stream<Path> scripts = Files.list(TestSupport.ROOT)) {
            for (Path script : scripts.filter(f -> f.toString().endsWith(".java")).toList()) {
                Set<String> named = new java.util.TreeSet<>();
                for (String line : Files.readAllLines(script))
                    if (line.startsWith("//SOURCES "))
                        for (String folder : line.substring(10).trim().split("\\s+"))
                            named.add(folder.replace("/Folder.java", "").replace('/', '.'));
                Set<String> used = new java.util.TreeSet<>(uses(Files.readString(script)));
                for (String pkg : named)
                    try (Stream<Path> files = Files.list(TestSupport.ROOT.resolve(pkg.replace('.', '/')))) {
                        for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) used.addAll(uses(Files.readString(f)));
                    }
                used.removeAll(named);
                assertEquals(Set.of(), used, script.getFileName() + " uses these folders without naming them in //SOURCES");
            }
        }
    }

    private static Set<String> uses(String java) {
        Set<String> found = new java.util.TreeSet<>();
        Matcher m = USE.matcher(withoutCommentsAndStrings(java));
        while (m.find()) found.add(m.group(1));
        return found;
    }

    static List<String> violations(Map<Path, String> sources) {
        List<String> found = new ArrayList<>();
        sources.forEach((file, text) -> {
            String name = TestSupport.ROOT.relativize(file).toString().replace('\\', '/');
            String own = packageOf(file.getParent());
            Set<String> allowed = ALLOWED.getOrDefault(own, Set.of());
            String[] lines = withoutCommentsAndStrings(text).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].startsWith("package ") && !lines[i].equals("package " + own + ";"))
                    found.add(name + ":" + (i + 1) + " declares " + lines[i].substring(0, lines[i].length() - 1) + "; its folder makes it " + own);
                Matcher m = USE.matcher(lines[i]);
                while (m.find())
                    if (!m.group(1).equals(own) && !allowed.contains(m.group(1)))
                        found.add(name + ":" + (i + 1) + " uses " + m.group(1) + " (" + m.group() + "), which " + own + " may not");
            }
        });
        return found;
    }

    private static List<Path> folders() throws IOException {
        List<Path> folders = new ArrayList<>(List.of(TestSupport.ROOT.resolve("mock")));
        try (Stream<Path> libs = Files.list(TestSupport.ROOT.resolve("lib"))) {
            libs.filter(Files::isDirectory).sorted().forEach(folders::add);
        }
        return folders;
    }

    /** lib/chat → lib.chat, mock → mock. */
    private static String packageOf(Path folder) {
        return TestSupport.ROOT.relativize(folder).toString().replace('\\', '/').replace('/', '.');
    }

    /** The code alone, line for line: comments and string and character literals blanked. */
    static String withoutCommentsAndStrings(String java) {
        StringBuilder out = new StringBuilder(java.length());
        int i = 0, n = java.length();
        while (i < n) {
            char c = java.charAt(i);
            if (java.startsWith("//", i)) {
                while (i < n && java.charAt(i) != '\n') i++;
            } else if (java.startsWith("/*", i)) {
                int end = java.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                for (; i < end; i++) if (java.charAt(i) == '\n') out.append('\n');
            } else if (java.startsWith("\"\"\"", i)) {
                int end = java.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
                for (; i < end; i++) if (java.charAt(i) == '\n') out.append('\n');
                out.append("\"\"");
            } else if (c == '"' || c == '\'') {
                i++;
                while (i < n && java.charAt(i) != c && java.charAt(i) != '\n') i += java.charAt(i) == '\\' ? 2 : 1;
                i++;
                out.append(c).append(c);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
