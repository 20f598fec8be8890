package lib.core;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What a recorded command line depends on, one line each, checked before every fast start: the
 * files (size and modification time: the app's jar and its dependencies, the JDK's `release`, the
 * script, every file its //SOURCES and //FILES name, and the catalog), the variables JBang reads to
 * choose and start a JVM, the java found on PATH, and for a script JBang fetched from a URL, how
 * long JBang itself would trust its copy (12 hours, JBang's default cache-evict).
 */
public record LaunchFingerprint(List<String> lines) {
    static final Duration REMOTE_TRUST = Duration.ofHours(12);
    private static final List<String> VARIABLES = List.of("JAVA_HOME", "JBANG_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");

    /** What the launcher asked to record: a script file, an alias of a catalog file, or anything JBang fetches. */
    public record Ref(String kind, Path file, String name) {
        public static Ref parse(String text) {
            String[] parts = text.split("\t", -1);
            return switch (parts[0]) {
                case "file" -> new Ref("file", Path.of(parts[1]), null);
                case "alias" -> new Ref("alias", Path.of(parts[1]), parts[2]);
                default -> new Ref("remote", null, text);
            };
        }
    }

    /** Null when a part cannot be written down (a value with a line break, say): then nothing is recorded. */
    static LaunchFingerprint of(Ref ref, FastLaunch.Env env, String mainClass, Path javaHome, List<Path> classPath, int jdkFeature)
            throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("jdk " + jdkFeature);
        lines.add("main " + mainClass);
        for (String name : VARIABLES) lines.add("env " + name + "=" + orEmpty(env.get(name)));
        if (env.get("JAVA_HOME") == null || env.get("JAVA_HOME").isEmpty()) lines.add("path-java " + javaOnPath(env));
        Set<Path> files = new LinkedHashSet<>(classPath);
        files.add(javaHome.resolve("release"));
        Path script = ref.kind().equals("file") ? ref.file() : null;
        Ref alias = switch (ref.kind()) {
            case "alias" -> ref;
            case "remote" -> registered(ref, env);
            default -> null;
        };
        if (alias != null) {
            files.add(alias.file());
            String scriptRef = scriptRefOf(alias.file(), alias.name());
            if (scriptRef == null) return null; // not this catalog's alias: JBang found it elsewhere
            script = localScript(alias.file(), scriptRef);
        }
        if (script == null) lines.add("until " + (System.currentTimeMillis() + REMOTE_TRUST.toMillis()));
        else files.addAll(sourcesOf(script));
        for (Path f : files) lines.add("file " + stateOf(f) + " " + f.toAbsolutePath());
        for (String line : lines) {
            if (line.contains("\n") || line.contains("\r")) return null;
        }
        return new LaunchFingerprint(lines);
    }

    public static LaunchFingerprint read(Path file) {
        try {
            return new LaunchFingerprint(Files.readAllLines(file, FastLaunch.nativeCharset()));
        } catch (IOException | RuntimeException e) {
            return new LaunchFingerprint(List.of());
        }
    }

    /** The lines and a last one saying the list is whole: a cut file never holds. */
    String text() {
        return String.join("\n", lines) + "\nend\n";
    }

    int jdkFeature() {
        for (String line : lines) {
            if (line.startsWith("jdk ")) return Integer.parseInt(line.substring(4));
        }
        return 0;
    }

    /** True when every line still holds for the main class the launcher names; an empty, unreadable or damaged fingerprint never does. */
    public boolean holds(String mainClass, FastLaunch.Env env) {
        try {
            return !lines.isEmpty() && lines.get(lines.size() - 1).equals("end") && lines.contains("main " + mainClass)
                    && lines.subList(0, lines.size() - 1).stream().allMatch(line -> lineHolds(line, env));
        } catch (RuntimeException damaged) {
            return false;
        }
    }

    private static boolean lineHolds(String line, FastLaunch.Env env) {
        int space = line.indexOf(' ');
        if (space < 0) return false;
        String kind = line.substring(0, space), rest = line.substring(space + 1);
        return switch (kind) {
            case "jdk", "main" -> true;
            case "env" -> {
                int eq = rest.indexOf('=');
                yield eq > 0 && rest.substring(eq + 1).equals(orEmpty(env.get(rest.substring(0, eq))));
            }
            case "path-java" -> rest.equals(javaOnPath(env));
            case "until" -> System.currentTimeMillis() < Long.parseLong(rest);
            case "file" -> {
                String[] parts = rest.split(" ", 3);
                yield parts.length == 3 && (parts[0] + " " + parts[1]).equals(stateOf(Path.of(parts[2])));
            }
            default -> false;
        };
    }

    /** Size and modification time to the nanosecond, or "- -" for a file that is not there. */
    private static String stateOf(Path f) {
        try {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
            return a.size() + " " + a.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        } catch (IOException e) {
            return "- -";
        }
    }

    /** The java a launcher without JAVA_HOME runs: the first on PATH, as the shell finds it. */
    private static String javaOnPath(FastLaunch.Env env) {
        String path = env.get("PATH");
        if (path == null) return "-";
        String exe = Os.current().windows() ? "java.exe" : "java";
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, exe);
            if (Files.isExecutable(candidate)) return candidate.toString();
        }
        return "-";
    }

    /** `alias@name` of a catalog registered with `jbang catalog add` as a local file: that file's alias. */
    private static Ref registered(Ref ref, FastLaunch.Env env) throws IOException {
        String[] parts = ref.name().split("@", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty() || parts[1].contains("/") || parts[1].contains(":")) return null;
        String dir = env.get("JBANG_DIR");
        Path registry = (dir == null || dir.isEmpty() ? Path.of(System.getProperty("user.home"), ".jbang") : Path.of(dir)).resolve("jbang-catalog.json");
        if (!Files.isRegularFile(registry)) return null;
        JsonObject catalogs = JsonParser.parseString(Files.readString(registry, StandardCharsets.UTF_8)).getAsJsonObject().getAsJsonObject("catalogs");
        JsonElement entry = catalogs == null ? null : catalogs.get(parts[1]);
        if (entry == null || !entry.isJsonObject() || !entry.getAsJsonObject().has("catalog-ref")) return null;
        String catalogRef = entry.getAsJsonObject().get("catalog-ref").getAsString();
        if (remote(catalogRef)) return null;
        Path catalog = registry.getParent().resolve(catalogRef).normalize();
        return Files.isRegularFile(catalog) ? new Ref("alias", catalog, parts[0]) : null;
    }

    /** The script-ref of an alias in a catalog file, or null when the catalog has no such alias. */
    private static String scriptRefOf(Path catalog, String alias) throws IOException {
        JsonObject aliases = JsonParser.parseString(Files.readString(catalog, StandardCharsets.UTF_8)).getAsJsonObject().getAsJsonObject("aliases");
        JsonElement entry = aliases == null ? null : aliases.get(alias);
        if (entry == null || !entry.isJsonObject() || !entry.getAsJsonObject().has("script-ref")) return null;
        return entry.getAsJsonObject().get("script-ref").getAsString();
    }

    /** The file a script-ref names beside its catalog, or null for a URL or another alias (JBang fetches those). */
    private static Path localScript(Path catalog, String scriptRef) {
        if (remote(scriptRef)) return null;
        Path script = catalog.toAbsolutePath().getParent().resolve(scriptRef).normalize();
        return Files.isRegularFile(script) ? script : null;
    }

    private static boolean remote(String ref) {
        return ref.matches("^[A-Za-z][A-Za-z0-9+.-]+://.*") || ref.contains("@");
    }

    /**
     * The script, every file its //SOURCES name, recursively, and every file its //FILES put in the jar
     * (`//FILES name` or `//FILES target=source`), as JBang reads them: paths relative to the file naming them.
     */
    static Set<Path> sourcesOf(Path script) throws IOException {
        Set<Path> seen = new LinkedHashSet<>(), files = new LinkedHashSet<>();
        List<Path> todo = new ArrayList<>(List.of(script.toAbsolutePath().normalize()));
        while (!todo.isEmpty()) {
            Path file = todo.remove(todo.size() - 1);
            if (!seen.add(file) || !Files.isRegularFile(file)) continue;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                boolean sources = line.startsWith("//SOURCES ");
                if (!sources && !line.startsWith("//FILES ")) continue;
                for (String name : line.substring(line.indexOf(' ') + 1).trim().split("\\s+")) {
                    if (name.isEmpty()) continue;
                    Path named = file.getParent().resolve(name.substring(name.indexOf('=') + 1)).normalize();
                    if (sources) todo.add(named);
                    else files.add(named);
                }
            }
        }
        seen.addAll(files);
        return seen;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
