///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//COMPILE_OPTIONS -encoding UTF-8 -XDignore.symbol.file
//DESCRIPTION Measures one JVM per command: installed coze-chat and ./jbang coze-chat against JBang's way and Python; updates docs/PERFORMANCE.md.
//DEPS info.picocli:picocli:4.7.7
//DEPS com.google.code.gson:gson:2.13.1
//SOURCES ../lib/core/Folder.java ../mock/Folder.java Bench.java BenchTls.java BenchProfile.java BenchFloor.java
//JAVA_OPTIONS -Xmx1g

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lib.core.CozeCli;
import lib.core.FastLaunch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Start-up as users meet it after `coze-install`: the installed coze-chat on JDK 17 and on the newest
 * JDK, and `./jbang coze-chat` from the clone, against the same chat through JBang (as every run was
 * before) and Python `requests`, all over HTTPS to one in-process coze-mock, in turn, in one run; then
 * a one-line `--version` against `python3 -c pass`. Each way has a JBANG_DIR of its own, so each keeps
 * its own recorded line and class data. Not a test: nothing here passes or fails.
 */
@Command(name = "bench-start", mixinStandardHelpOptions = true,
        description = "Measure the one-JVM start of installed commands against JBang's and Python's.",
        footer = {"", "Short run:  ./jbang bench/BenchStart.java -n 3 --out /tmp/perf.md"})
public class BenchStart implements java.util.concurrent.Callable<Integer> {
    static final String SECTION = Bench.ONE_JVM;
    static final String THROUGH_JBANG = "`./jbang coze-chat` through JBang (every run before)", CLONE = "`./jbang coze-chat`, second run on",
            INSTALLED_17 = "installed `coze-chat`, JDK 17", INSTALLED_NEW = "installed `coze-chat`, JDK %d", PYTHON = Bench.PYTHON,
            PYTHON_PASS = "`python3 -c pass`", FLOOR = "the JVM's floor (`bench/floor/Floor.java`), JDK %d";

    @Option(names = "-n", description = "Runs per way (default: ${DEFAULT-VALUE}).")
    int runs = 9;

    @Option(names = "--out", description = "The report whose section on one JVM per command is replaced (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("docs/PERFORMANCE.md");

    public static void main(String... args) {
        CozeCli.main(new BenchStart(), args);
    }

    @Override
    public Integer call() throws Exception {
        Bench bench = new Bench();
        bench.home = Files.createTempDirectory("coze-bench-start");
        bench.tls = BenchTls.make(Files.createDirectories(bench.home.resolve("tls")), Path.of(System.getProperty("java.home")));
        Path newest = Bench.newestJdk();
        int newFeature = Bench.feature(newest);
        Bench.Proto https = new Bench.Proto("HTTPS", bench.mock(bench.tls), true);
        try {
            String trust = String.join(" ", bench.tls.trustOptions());
            Way jbang = new Way(THROUGH_JBANG, List.of(Bench.ROOT.resolve("jbang").toString(), "--quiet", "coze-chat"), env(bench, "jbang", trust, null));
            Way clone = new Way(CLONE, List.of(Bench.ROOT.resolve("jbang").toString(), "coze-chat"), env(bench, "clone", trust, null));
            Way installed17 = installed(bench, INSTALLED_17, trust, null);
            Way installedNew = installed(bench, String.format(INSTALLED_NEW, newFeature), trust, newest);
            List<Way> ways = new ArrayList<>(List.of(jbang, clone, installed17, installedNew));
            for (Way w : ways.subList(1, ways.size())) w.ready(bench, https);
            Way floor17 = BenchFloor.make(bench, https, String.format(FLOOR, 17), Path.of(System.getProperty("java.home")));
            Way floorNew = BenchFloor.make(bench, https, String.format(FLOOR, newFeature), newest);
            ways.addAll(List.of(floor17, floorNew));
            Map<String, Bench.Client> clients = new LinkedHashMap<>();
            for (Way w : ways) clients.put(w.name, new Bench.Client(w.name, (p, a) -> w.command("--bot", a[0], "-q", a[1]), true));
            clients.put(PYTHON, Bench.python());
            Map<String, List<Double>> firstToken = new LinkedHashMap<>(), version = new LinkedHashMap<>();
            for (Bench.Client c : clients.values()) bench.firstToken(https, c);
            for (int i = 0; i < runs; i++) {
                System.err.println("bench-start: round " + (i + 1) + " of " + runs);
                for (Bench.Client c : clients.values()) firstToken.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(bench.firstToken(https, c).fromSpawn());
                for (Way w : ways) version.computeIfAbsent(w.name, k -> new ArrayList<>()).add(wall(w.command("--version"), w.env));
                version.computeIfAbsent(PYTHON_PASS, k -> new ArrayList<>()).add(wall(List.of("python3", "-c", "pass"), Map.of()));
            }
            BenchProfile profile = profile(bench, https, installed17);
            String section = section(firstToken, version, profile, newFeature);
            String report = Files.exists(out) ? Files.readString(out) : "";
            int at = report.indexOf(SECTION);
            int end = at < 0 ? -1 : report.indexOf("\n## ", at + 1);
            report = at < 0 ? report.stripTrailing() + "\n\n" + section : report.substring(0, at) + section + (end < 0 ? "" : report.substring(end + 1));
            Files.writeString(out, report);
            System.out.print(section);
            return 0;
        } finally {
            https.mock().stop();
        }
    }

    /** A way of starting coze-chat: its command and the environment it runs in. */
    record Way(String name, List<String> base, Map<String, String> env) {
        List<String> command(String... args) {
            List<String> cmd = new ArrayList<>(List.of("env"));
            env.forEach((k, v) -> cmd.add(k + "=" + v));
            cmd.addAll(base);
            cmd.addAll(List.of(args));
            return cmd;
        }

        /** Runs a chat once, so that the line is recorded, and waits for its class data. */
        void ready(Bench bench, Bench.Proto https) throws Exception {
            bench.firstToken(https, new Bench.Client(name, (p, a) -> command("--bot", a[0], "-q", a[1]), true));
            Path launches = Path.of(env.get("JBANG_DIR"), "launcher", "launch-1");
            for (long until = System.nanoTime() + Duration.ofMinutes(3).toNanos(); System.nanoTime() < until; ) {
                try (var records = Files.list(launches)) {
                    if (records.anyMatch(FastLaunch::hasClassData)) return;
                } catch (IOException notYet) {
                    // no record folder yet
                }
                TimeUnit.MILLISECONDS.sleep(500);
            }
            throw new IllegalStateException(name + ": no class data after 3 minutes");
        }
    }

    /** A JBANG_DIR of the way's own (the JBang jar copied in), the trust store's options for its JVM, and a JDK when given. */
    static Map<String, String> env(Bench bench, String name, String trust, Path jdk) throws IOException {
        Path dir = Files.createDirectories(bench.home.resolve("jbang-" + name).resolve("launcher"));
        Path cache = Path.of(System.getenv().getOrDefault("JBANG_DIR", System.getProperty("user.home") + "/.jbang"), "launcher");
        try (var jars = Files.list(cache)) {
            for (Path jar : jars.filter(p -> p.getFileName().toString().matches("jbang-cli-.*-all\\.jar")).toList()) Files.copy(jar, dir.resolve(jar.getFileName()));
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JBANG_DIR", dir.getParent().toString());
        env.put("JBANG_REPO", System.getenv().getOrDefault("JBANG_REPO", Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
        env.put("JBANG_JAVA_OPTIONS", trust);
        env.put("JAVA_HOME", jdk != null ? jdk.toString() : System.getProperty("java.home"));
        return env;
    }

    /** coze-chat installed by coze-install into a folder of the way's own. */
    static Way installed(Bench bench, String name, String trust, Path jdk) throws Exception {
        Map<String, String> env = env(bench, name.replaceAll("\\W", ""), trust, jdk);
        Path bin = bench.home.resolve("bin-" + name.replaceAll("\\W", ""));
        List<String> install = new Way(name, List.of(Bench.ROOT.resolve("jbang").toString(), "coze-install"), env).command("--no-warm", "--dir", bin.toString(), "coze-chat");
        Process p = new ProcessBuilder(install).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) throw new IllegalStateException("coze-install failed for " + name);
        return new Way(name, List.of(bin.resolve("coze-chat").toString()), env);
    }

    static double wall(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        p.getOutputStream().close();
        p.waitFor();
        return Bench.ms(System.nanoTime() - start);
    }

    /** The installed command's recorded line, run by hand with the class-load log on: what loads when, and what came from its class data. */
    static BenchProfile profile(Bench bench, Bench.Proto https, Way way) throws Exception {
        Path launches = Path.of(way.env.get("JBANG_DIR"), "launcher", "launch-1");
        Path record;
        try (var records = Files.list(launches)) {
            record = records.filter(FastLaunch::hasClassData).findFirst().orElseThrow();
        }
        List<String> line = Files.readAllLines(record.resolve("java"), StandardCharsets.UTF_8);
        Path log = bench.home.resolve("class-load.log");
        String classData = Files.exists(record.resolve("app.aot")) ? "-XX:AOTCache=" + record.resolve("app.aot") : "-XX:SharedArchiveFile=" + record.resolve("app.jsa");
        List<String> cmd = new Way(way.name, List.of(line.get(0), "@" + record.resolve("jvm"), classData, "-Xlog:class+load=info:file=" + log + ":uptime",
                FastLaunch.class.getName(), line.get(2)), way.env).command("--bot", "first-token", "-q", "hi");
        long spawn = System.nanoTime();
        Process proc = bench.start(https, cmd, false);
        long seen = Bench.awaitText(proc.getInputStream(), "Hello");
        https.mock().gate.release();
        proc.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        proc.waitFor(60, TimeUnit.SECONDS);
        return BenchProfile.read(log, Bench.ms(seen - spawn));
    }

    String section(Map<String, List<Double>> firstToken, Map<String, List<Double>> version, BenchProfile profile, int newFeature) throws Exception {
        StringBuilder r = new StringBuilder(SECTION + "\n\n");
        r.append("Written by `./jbang bench/BenchStart.java` on ").append(LocalDate.now()).append(". Machine: ").append(Bench.machine())
                .append(". coze-chat over HTTPS to an in-process coze-mock (its trust store given in `JBANG_JAVA_OPTIONS`, which the recorded line keeps),")
                .append(" each way with a JBANG_DIR of its own, run in turn; medians (min–max) of ").append(runs)
                .append(" runs. \"Through JBang\" is `./jbang --quiet coze-chat`: a JBang option first, so no recorded line is used, as every run was before.\n\n");
        r.append("| way | spawn to first token, ms | × Python | `--version`, spawn to exit, ms | × `python3 -c pass` |\n|---|---|---|---|---|\n");
        double py = Bench.medianOf(unbox(firstToken.get(PYTHON))), pass = Bench.medianOf(unbox(version.get(PYTHON_PASS)));
        for (String way : firstToken.keySet()) {
            r.append("| ").append(way).append(" | ").append(range(firstToken.get(way))).append(String.format(Locale.ROOT, " | %.2f | ", median(firstToken.get(way)) / py));
            r.append(version.containsKey(way) ? range(version.get(way)) + String.format(Locale.ROOT, " | %.2f |%n", median(version.get(way)) / pass) : " | |\n");
        }
        r.append("| ").append(PYTHON_PASS).append(" | | | ").append(range(version.get(PYTHON_PASS))).append(" | 1.00 |\n");
        String installedNew = String.format(INSTALLED_NEW, newFeature);
        String floor17 = String.format(FLOOR, 17), floorNew = String.format(FLOOR, newFeature);
        r.append("\n### Targets (issue #29)\n\nBeside each, the JVM's floor on the same JDK: a one-class program doing only that request (or"
                + " printing one line) with the same JVM options and class data. A target below its floor is out of reach of any Java command.\n\n"
                + "| target | measured | the JVM's floor | met |\n|---|---|---|---|\n");
        target(r, "installed `coze-chat`, JDK 17, first token ≤ 1.5× Python", firstToken, INSTALLED_17, floor17, py, 1.5);
        target(r, "installed `coze-chat`, JDK " + newFeature + ", first token ≤ 1.0× Python", firstToken, installedNew, floorNew, py, 1.0);
        target(r, "`./jbang coze-chat` from a clone, second run on, first token ≤ 2.0× Python", firstToken, CLONE, floor17, py, 2.0);
        for (String way : List.of(INSTALLED_17, installedNew, CLONE))
            target(r, way + ", `--version` ≤ 1.5× `python3 -c pass`", version, way, way.equals(installedNew) ? floorNew : floor17, pass, 1.5);
        r.append("\n### Where the installed command's start-up goes\n\nOne chat over HTTPS from the recorded line with its class data and `-Xlog:class+load`"
                + " (JVM uptime when the first class of each step loads).\n\n");
        r.append(BenchProfile.table(Map.of(INSTALLED_17, profile)));
        double through = median(firstToken.get(THROUGH_JBANG)), installed = median(firstToken.get(INSTALLED_17));
        r.append(String.format(Locale.ROOT, "%nIn this run the installed command's first token came %.0f ms after spawn against %.0f ms through JBang"
                + " (%.0f%% of it): JBang's own JVM is gone. What is left is coze-chat's JVM, as the profile shows:"
                + " %.0f ms to picocli, %.0f ms more until the login, the trust store and the TLS handshake by %.0f ms, and %.0f ms from there to"
                + " the first event, the handshake and the request running in a JVM that has compiled nothing yet. Python's whole run takes %.0f ms.%n",
                installed, through, 100 * installed / through, profile.steps().getOrDefault("picocli", Double.NaN),
                profile.steps().getOrDefault("the login (Credentials)", Double.NaN) - profile.steps().getOrDefault("picocli", Double.NaN),
                profile.steps().getOrDefault("the TLS handshake", Double.NaN),
                profile.steps().getOrDefault("the first event (SSE parser)", Double.NaN) - profile.steps().getOrDefault("the TLS handshake", Double.NaN), py));
        double floorToken = median(firstToken.get(floor17)), floorVersion = median(version.get(floor17));
        r.append(String.format(Locale.ROOT, "%nThe JVM's floor on JDK 17 took %.0f ms to the first token and %.0f ms to print one line: that much any Java"
                + " command pays here, for the JVM, the JDK's trust store (about 140 CA certificates parsed), and a TLS handshake in code that is not"
                + " compiled yet, where Python calls OpenSSL. coze-chat's own share is the rest, %.0f ms to the first token and %.0f ms for"
                + " `--version`: picocli and its options, the fingerprint check, the login. Its class data holds picocli's Java 5 classes (a static"
                + " archive; JBang's dynamic one and JDK 25's AOT cache skip them) and the whole TLS handshake, which the rehearsal makes over"
                + " HTTPS with a key of its own.%n",
                floorToken, floorVersion, installed - floorToken, median(version.get(INSTALLED_17)) - floorVersion));
        return r.toString();
    }

    static void target(StringBuilder r, String what, Map<String, List<Double>> figures, String way, String floor, double base, double limit) {
        double value = median(figures.get(way)) / base;
        r.append(String.format(Locale.ROOT, "| %s | %.2f× | %.2f× | %s |%n", what, value, median(figures.get(floor)) / base, value <= limit ? "yes" : "**no**"));
    }

    static double[] unbox(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static double median(List<Double> v) {
        return Bench.medianOf(unbox(v));
    }

    static String range(List<Double> v) {
        double[] s = unbox(v);
        java.util.Arrays.sort(s);
        return String.format(Locale.ROOT, "%.0f (%.0f–%.0f)", median(v), s[0], s[s.length - 1]);
    }
}
