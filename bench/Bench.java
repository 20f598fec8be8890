///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
// Sources are UTF-8 whatever the locale (javac would read them as ASCII where LANG is unset);
// Ctrl-C handling uses sun.misc.Signal, which javac would warn about.
//COMPILE_OPTIONS -encoding UTF-8 -XDignore.symbol.file
//DESCRIPTION Benchmarks coze-chat against curl -sN and Python requests on coze-mock, over HTTP and HTTPS; writes docs/PERFORMANCE.md.
//DEPS info.picocli:picocli:4.7.7
//DEPS com.google.code.gson:gson:2.13.1
//SOURCES ../lib/core/Folder.java ../mock/Folder.java BenchTls.java BenchProfile.java
//JAVA_OPTIONS -Xmx2g

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import lib.core.CozeCli;
import lib.core.CozeException;
import mock.MockServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One command, same machine, same run: each client talks to an in-process coze-mock over HTTP and
 * over HTTPS, every figure is a median over repeated runs, and every target is a ratio against a
 * client measured alongside. Not a test: nothing here passes or fails.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure coze-chat (JDK 17, and the newest JDK with an AOT cache) against curl -sN and Python requests.",
        footer = {"", "Short run (under 2 minutes):  ./jbang bench/Bench.java -n 3 --deltas 100000 --out /tmp/perf.md"})
public class Bench implements java.util.concurrent.Callable<Integer> {
    static final String PAT = "pat_bench";
    /** The heading of the section bench/BenchStart.java writes. */
    static final String ONE_JVM = "## One JVM per command";
    static final Path ROOT = Path.of("").toAbsolutePath();
    static final String JBANG = "`./jbang coze-chat` through JBang", JVM17 = "coze-chat's JVM, JDK 17", JVM_NEW_PLAIN = "coze-chat's JVM, JDK %s (JBang's CDS archive)",
            JVM_NEW = "coze-chat's JVM, JDK %s + AOT cache", CURL = "`curl -sN`", PYTHON = "Python `requests`";

    @Option(names = "-n", description = "Runs per client and protocol for the latency figures (default: ${DEFAULT-VALUE}).")
    int runs = 9;

    @Option(names = "--stream-runs", description = "Runs per client and protocol for the long stream (default: ${DEFAULT-VALUE}).")
    int streamRuns = 3;

    @Option(names = "--deltas", description = "Deltas in the long stream (default: ${DEFAULT-VALUE}).")
    long deltas = 1_000_000;

    @Option(names = "--newest-jdk", paramLabel = "JAVA_HOME", description = "The newer JDK to compare (default: the newest under /usr/lib/jvm).")
    Path newestJdk;

    @Option(names = "--out", description = "Where to write the report (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("docs/PERFORMANCE.md");

    Path home;
    BenchTls tls;
    String newVersion;

    public static void main(String... args) {
        CozeCli.main(new Bench(), args);
    }

    /** A protocol's server, and what a client needs to trust it. */
    record Proto(String name, MockServer mock, boolean tls) {}

    /** A client under test: its command for a bot and a message on a protocol; Java clients are the ones with a JVM to profile. */
    record Client(String name, BiFunction<Proto, String[], List<String>> command, boolean streams) {
        List<String> run(Proto p, String bot, String message) {
            return command.apply(p, new String[] {bot, message});
        }
    }

    /** One run's figures in milliseconds (NaN when not measured), plus peak RSS in MiB. */
    record Sample(double fromSpawn, double afterSend, double exitAfterDone, double wall, double rssMiB) {}

    /** A reader that leaves mid-answer: the exit after stdout closed, and what the mock still sent. */
    record Closed(double exitAfterClose, long bytesAfterClose, int cancels) {}

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(ROOT.resolve("jbang-catalog.json"))) throw new IllegalStateException("run from the checkout's top folder");
        home = Files.createTempDirectory("coze-bench");
        tls = BenchTls.make(Files.createDirectories(home.resolve("tls")), Path.of(System.getProperty("java.home")));
        if (newestJdk == null) newestJdk = newestJdk();
        newVersion = Files.readAllLines(newestJdk.resolve("release")).stream().filter(l -> l.startsWith("JAVA_VERSION="))
                .findFirst().orElseThrow().replaceAll("JAVA_VERSION=\"?([^\"]*)\"?", "$1");
        List<Proto> protos = List.of(new Proto("HTTP", mock(null), false), new Proto("HTTPS", mock(tls), true));
        try {
            List<Client> clients = clients(protos.get(1));
            Map<String, Map<String, List<Sample>>> latency = new LinkedHashMap<>(), stream = new LinkedHashMap<>();
            Map<String, Map<String, List<Closed>>> closed = new LinkedHashMap<>();
            for (Proto p : protos) {
                for (Client c : clients) {
                    System.err.println("bench: " + p.name() + ", " + c.name() + ": first token and exit, " + runs + " runs");
                    List<Sample> s = new ArrayList<>();
                    firstToken(p, c);
                    for (int i = 0; i < runs; i++) s.add(firstToken(p, c));
                    latency.computeIfAbsent(c.name(), k -> new LinkedHashMap<>()).put(p.name(), s);
                }
            }
            for (Proto p : protos) {
                p.mock().setFaults("deltas=" + deltas);
                for (Client c : clients) {
                    if (!c.streams()) continue;
                    System.err.println("bench: " + p.name() + ", " + c.name() + ": " + deltas + "-delta stream, " + streamRuns + " runs");
                    List<Sample> s = new ArrayList<>();
                    for (int i = 0; i < streamRuns; i++) s.add(longStream(p, c));
                    stream.computeIfAbsent(c.name(), k -> new LinkedHashMap<>()).put(p.name(), s);
                }
                p.mock().setFaults();
            }
            for (Proto p : protos) {
                for (Client c : clients) {
                    if (!c.name().startsWith("coze-chat's JVM") || c.name().equals(String.format(JVM_NEW_PLAIN, newVersion))) continue;
                    System.err.println("bench: " + p.name() + ", " + c.name() + ": stdout closed mid-answer, " + runs + " runs");
                    List<Closed> s = new ArrayList<>();
                    for (int i = 0; i < runs; i++) s.add(closedEarly(p, c));
                    closed.computeIfAbsent(c.name(), k -> new LinkedHashMap<>()).put(p.name(), s);
                }
            }
            System.err.println("bench: class-load profiles over HTTPS");
            Map<String, BenchProfile> profiles = new LinkedHashMap<>();
            // An AOT cache loads its classes ahead of use, so its load log would not say when a step ran.
            for (Client c : clients)
                if (c.name().startsWith("coze-chat's JVM") && !c.name().endsWith("AOT cache")) profiles.put(c.name(), profile(protos.get(1), c));
            String report = report(latency, stream, closed, profiles);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report + keptSections());
            System.out.print(report);
            return 0;
        } finally {
            for (Proto p : protos) p.mock().stop();
        }
    }

    /** The sections other benchmarks wrote into the report (coze-serve, one JVM per command), kept as they are: this one does not measure them. */
    String keptSections() throws IOException {
        String old = Files.exists(out) ? Files.readString(out) : "";
        StringBuilder kept = new StringBuilder();
        for (String heading : List.of("\n## coze-serve\n", "\n" + ONE_JVM + "\n")) {
            int at = old.indexOf(heading);
            if (at < 0) continue;
            int end = old.indexOf("\n## ", at + 1);
            kept.append(old, at, end < 0 ? old.length() : end + 1);
        }
        return kept.toString();
    }

    MockServer mock(BenchTls tls) throws IOException {
        MockServer.Config config = new MockServer.Config();
        config.pats.add(PAT);
        config.scriptedBots = "{\"bots\":[{\"id\":\"first-token\",\"name\":\"Hello, then a pause\",\"answers\":[[\"Hello\",\" world\"]],\"faults\":[\"gate\"]}]}";
        if (tls != null) {
            config.tlsKeyStore = tls.keyStore();
            config.tlsPassword = BenchTls.PASSWORD.toCharArray();
        }
        return MockServer.start(config);
    }

    List<Client> clients(Proto https) throws Exception {
        List<Client> clients = new ArrayList<>();
        Path launcher = ROOT.resolve("jbang");
        // A JBang option comes first, so the launcher does not start a recorded line: this is JBang's way (bench/BenchStart.java measures the other).
        clients.add(new Client(JBANG, (p, a) -> {
            List<String> cmd = new ArrayList<>(List.of(launcher.toString(), "--quiet"));
            if (p.tls()) for (String o : tls.trustOptions()) cmd.add("-R" + o);
            cmd.addAll(List.of("coze-chat", "--bot", a[0], "-q", a[1]));
            return cmd;
        }, false));
        List<String> direct = scriptCommand(launcher, Map.of());
        clients.add(new Client(JVM17, (p, a) -> java(direct, p, a), true));
        // JBang's own way on the newer JDK (its //CDS archive), in a cache of its own (an archive is made for one JDK),
        // kept between runs of the benchmark as JBang keeps its cache.
        Path newerCache = Path.of(System.getenv().getOrDefault("JBANG_DIR", System.getProperty("user.home") + "/.jbang"), "cache-bench-jdk" + feature(newestJdk));
        List<String> newer = scriptCommand(launcher, Map.of("JAVA_HOME", newestJdk.toString(), "JBANG_CACHE_DIR", newerCache.toString()));
        clients.add(new Client(String.format(JVM_NEW_PLAIN, newVersion), (p, a) -> java(newer, p, a), false));
        Path aot = home.resolve("coze-chat.aot");
        List<String> train = aotCommand(newer, "-XX:AOTCacheOutput=" + aot);
        System.err.println("bench: training the AOT cache of JDK " + newVersion + " on a chat over HTTPS");
        Process t = start(https, java(train, https, new String[] {"echo", "training run"}), true);
        if (!t.waitFor(120, TimeUnit.SECONDS) || t.exitValue() != 0 || !Files.isRegularFile(aot))
            throw new IllegalStateException("the AOT training run failed");
        List<String> cached = aotCommand(newer, "-XX:AOTCache=" + aot);
        clients.add(new Client(String.format(JVM_NEW, newVersion), (p, a) -> java(cached, p, a), true));
        clients.add(new Client(CURL, (p, a) -> {
            List<String> cmd = new ArrayList<>(List.of("curl", "-sN"));
            if (p.tls()) cmd.addAll(List.of("--cacert", tls.pem().toString()));
            cmd.addAll(List.of(p.mock().baseUrl() + "/v3/chat", "-H", "Authorization: Bearer " + PAT, "-H", "Content-Type: application/json",
                    "-d", body(a[0], a[1])));
            return cmd;
        }, true));
        if (new ProcessBuilder("python3", "-c", "import requests").start().waitFor() == 0) {
            clients.add(python());
        } else {
            System.err.println("bench: python3 with requests is not installed; skipping that client");
        }
        return clients;
    }

    /** Python `requests` streaming a chat, the answer's deltas to stdout as they come. */
    static Client python() {
        String py = "import json,sys,requests\n"
                + "r=requests.post(sys.argv[1]+'/v3/chat',headers={'Authorization':'Bearer '+sys.argv[2]},data=sys.argv[3],stream=True)\n"
                + "ev=None\n"
                + "for line in r.iter_lines(chunk_size=None):\n"
                + "    if line.startswith(b'event:'): ev=line[6:]\n"
                + "    elif line.startswith(b'data:') and ev==b'conversation.message.delta':\n"
                + "        d=json.loads(line[5:])\n"
                + "        if d.get('type')=='answer': sys.stdout.write(d['content']); sys.stdout.flush()\n"
                + "    elif ev==b'done': break\n";
        return new Client(PYTHON, (p, a) -> List.of("python3", "-c", py, p.mock().baseUrl(), PAT, body(a[0], a[1])), true);
    }

    /** A JVM command line with the trust store of the benchmark's certificate (HTTPS only), then the chat's arguments. */
    List<String> java(List<String> base, Proto p, String[] a) {
        List<String> cmd = new ArrayList<>(base);
        if (p.tls()) cmd.addAll(1, tls.trustOptions());
        cmd.addAll(List.of("--bot", a[0], "-q", a[1]));
        return cmd;
    }

    /**
     * The command line JBang execs for coze-chat (its `--verbose` "run:" line), once the cache is warm
     * and JBang's class-data archive of the script was made by its first run (which rehearses a chat).
     */
    List<String> scriptCommand(Path launcher, Map<String, String> env) throws Exception {
        for (int i = 0; i < 2; i++) {
            ProcessBuilder warm = new ProcessBuilder(launcher.toString(), "coze-chat", "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            warm.environment().putAll(env);
            warm.start().waitFor();
        }
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "--verbose", "coze-chat", "--version").redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        Process p = pb.start();
        String log = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        String run = log.lines().filter(l -> l.contains("] run: ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("jbang --verbose did not show the command line:\n" + log));
        List<String> cmd = new ArrayList<>(List.of(run.substring(run.indexOf("] run: ") + 7).trim().split(" ")));
        cmd.remove(cmd.size() - 1);
        return cmd;
    }

    /** The same command line with an AOT cache option instead of JBang's CDS archive, which the JVM would refuse beside it. */
    static List<String> aotCommand(List<String> jbangs, String aotOption) {
        List<String> cmd = new ArrayList<>();
        for (String o : jbangs) {
            if (o.startsWith("-XX:SharedArchiveFile=") || o.startsWith("-XX:ArchiveClassesAtExit")) continue;
            if (o.equals("-classpath")) cmd.add(aotOption);
            cmd.add(o);
        }
        return cmd;
    }

    /** The JDK with the highest version under /usr/lib/jvm (a `release` file says which). */
    static Path newestJdk() throws IOException {
        try (var dirs = Files.list(Path.of("/usr/lib/jvm"))) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("release")) && Files.isExecutable(d.resolve("bin/java")))
                    .max(java.util.Comparator.comparingInt(Bench::feature)).orElseThrow();
        }
    }

    static int feature(Path jdk) {
        try {
            String v = Files.readAllLines(jdk.resolve("release")).stream().filter(l -> l.startsWith("JAVA_VERSION=")).findFirst().orElse("=\"0\"");
            return Integer.parseInt(v.replaceAll("JAVA_VERSION=\"?(\\d+).*", "$1"));
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    static String body(String bot, String message) {
        JsonObject m = new JsonObject();
        m.addProperty("role", "user");
        m.addProperty("content", message);
        m.addProperty("content_type", "text");
        JsonArray msgs = new JsonArray();
        msgs.add(m);
        JsonObject b = new JsonObject();
        b.addProperty("bot_id", bot);
        b.addProperty("user_id", "bench");
        b.addProperty("stream", true);
        b.add("additional_messages", msgs);
        return b.toString();
    }

    Process start(Proto p, List<String> command, boolean discardOut) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        if (discardOut) pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().keySet().removeIf(k -> k.startsWith("COZE_"));
        if (p != null) pb.environment().put("COZE_API_BASE", p.mock().baseUrl());
        pb.environment().put("COZE_API_TOKEN", PAT);
        pb.environment().put("COZE_HOME", home.toString());
        pb.environment().put("REQUESTS_CA_BUNDLE", tls.pem().toString());
        Process proc = pb.start();
        proc.getOutputStream().close();
        return proc;
    }

    /** Spawn, wait for "Hello" on stdout while the mock holds the rest, release it, and time the exit after `done`. */
    Sample firstToken(Proto p, Client c) throws Exception {
        long spawn = System.nanoTime();
        Process proc = start(p, c.run(p, "first-token", "hi"), false);
        long seen = awaitText(proc.getInputStream(), "Hello");
        long sent = p.mock().firstDeltaSentAt;
        p.mock().gate.release();
        proc.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        if (!proc.waitFor(60, TimeUnit.SECONDS)) proc.destroyForcibly();
        long exited = System.nanoTime();
        if (seen < 0 || proc.exitValue() != 0) throw new IllegalStateException(c.name() + " failed over " + p.name() + " (exit " + proc.exitValue() + ")");
        return new Sample(ms(seen - spawn), ms(seen - sent), ms(exited - p.mock().doneSentAt), Double.NaN, Double.NaN);
    }

    /** The long stream to /dev/null, under GNU time for the peak RSS when it is installed. */
    Sample longStream(Proto p, Client c) throws Exception {
        Path rss = Files.createTempFile(home, "rss", ".txt");
        List<String> cmd = new ArrayList<>();
        boolean timed = Files.isExecutable(Path.of("/usr/bin/time"));
        if (timed) cmd.addAll(List.of("/usr/bin/time", "-f", "%M", "-o", rss.toString()));
        cmd.addAll(c.run(p, "echo", "go"));
        long spawn = System.nanoTime();
        Process proc = start(p, cmd, true);
        if (!proc.waitFor(600, TimeUnit.SECONDS)) proc.destroyForcibly();
        long exited = System.nanoTime();
        if (proc.exitValue() != 0) throw new IllegalStateException(c.name() + " failed on the long stream (exit " + proc.exitValue() + ")");
        double mib = timed ? Double.parseDouble(Files.readString(rss).strip().replaceAll("(?s).*\\n", "")) / 1024 : Double.NaN;
        return new Sample(Double.NaN, Double.NaN, Double.NaN, ms(exited - spawn), mib);
    }

    /** `coze-chat | head -c 5`: a slow stream, five bytes read, stdout closed; how long until the process is gone, and what still came. */
    Closed closedEarly(Proto p, Client c) throws Exception {
        p.mock().setFaults("deltas=100000", "drip=1");
        int cancels = p.mock().count("canceled");
        Process proc = start(p, c.run(p, "echo", "go"), false);
        byte[] five = proc.getInputStream().readNBytes(5);
        long closedAt = System.nanoTime(), bytesAtClose = p.mock().streamedBytes.get();
        proc.getInputStream().close();
        if (!proc.waitFor(60, TimeUnit.SECONDS)) proc.destroyForcibly();
        long exited = System.nanoTime();
        Thread.sleep(200); // the mock's last writes land
        p.mock().setFaults();
        if (five.length != 5 || proc.exitValue() != CozeException.STDOUT_CLOSED)
            throw new IllegalStateException(c.name() + " did not stop as a pipe writer (exit " + proc.exitValue() + ")");
        return new Closed(ms(exited - closedAt), p.mock().streamedBytes.get() - bytesAtClose, p.mock().count("canceled") - cancels);
    }

    /** One chat over HTTPS with the class-load log on: what loads when, and what came from an archive. */
    BenchProfile profile(Proto p, Client c) throws Exception {
        Path log = home.resolve("class-load-" + Math.abs(c.name().hashCode()) + ".log");
        List<String> cmd = new ArrayList<>(c.run(p, "first-token", "hi"));
        cmd.add(cmd.indexOf("-classpath"), "-Xlog:class+load=info:file=" + log + ":uptime");
        long spawn = System.nanoTime();
        Process proc = start(p, cmd, false);
        long seen = awaitText(proc.getInputStream(), "Hello");
        p.mock().gate.release();
        proc.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        proc.waitFor(60, TimeUnit.SECONDS);
        return BenchProfile.read(log, ms(seen - spawn));
    }

    static long awaitText(InputStream in, String text) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            seen.write(buf, 0, n);
            if (seen.toString(StandardCharsets.UTF_8).contains(text)) return System.nanoTime();
        }
        return -1;
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    static double median(List<Sample> s, java.util.function.ToDoubleFunction<Sample> f) {
        return medianOf(s.stream().mapToDouble(f).toArray());
    }

    static double medianOf(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static String range(List<Sample> s, java.util.function.ToDoubleFunction<Sample> f, String fmt) {
        double[] v = s.stream().mapToDouble(f).sorted().toArray();
        return String.format(Locale.ROOT, fmt + " (" + fmt + "–" + fmt + ")", median(s, f), v[0], v[v.length - 1]);
    }

    String report(Map<String, Map<String, List<Sample>>> latency, Map<String, Map<String, List<Sample>>> stream,
                  Map<String, Map<String, List<Closed>>> closed, Map<String, BenchProfile> profiles) throws Exception {
        StringBuilder r = new StringBuilder("# Performance\n\n");
        r.append("Written by `./jbang bench/Bench.java` on ").append(LocalDate.now()).append(". Machine: ").append(machine())
                .append(". Every client talks to the same in-process coze-mock over loopback HTTP/1.1, plain and over TLS 1.3 (a P-256 certificate the")
                .append(" benchmark makes with `keytool`; curl gets it with `--cacert`, Python with `REQUESTS_CA_BUNDLE`, the JVMs with a trust store")
                .append(" of the JDK's CA certificates plus that one, given as `javax.net.ssl.trustStore` options by the benchmark only). Figures are")
                .append(" medians (min–max) of ").append(runs).append(" runs, in one run of the benchmark; ratios compare clients measured side by side.\n\n");
        r.append("## First token and exit\n\nThe mock sends `Hello`, then holds the stream until the client has shown it, then sends the rest and `done`.\n\n");
        r.append("| client | HTTP: first token from spawn, ms | HTTPS: first token from spawn, ms | HTTPS × Python | HTTPS: server's send to stdout, ms | HTTPS: exit after `done`, ms |\n|---|---|---|---|---|---|\n");
        double pySpawn = latency.containsKey(PYTHON) ? median(latency.get(PYTHON).get("HTTPS"), Sample::fromSpawn) : Double.NaN;
        for (var e : latency.entrySet()) {
            List<Sample> http = e.getValue().get("HTTP"), https = e.getValue().get("HTTPS");
            r.append("| ").append(e.getKey()).append(" | ").append(range(http, Sample::fromSpawn, "%.0f")).append(" | ")
                    .append(range(https, Sample::fromSpawn, "%.0f"))
                    .append(String.format(Locale.ROOT, " | %.2f | ", median(https, Sample::fromSpawn) / pySpawn))
                    .append(range(https, Sample::afterSend, "%.1f")).append(" | ").append(range(https, Sample::exitAfterDone, "%.1f")).append(" |\n");
        }
        r.append(String.format(Locale.ROOT, "%n## A %,d-delta stream to /dev/null%n%nWall time is the whole process, start-up included.%n%n", deltas));
        r.append("| client | HTTP: wall, s | HTTPS: wall, s | HTTPS × curl | HTTPS: events/s | HTTPS: peak RSS, MiB |\n|---|---|---|---|---|---|\n");
        double curlWall = stream.containsKey(CURL) ? median(stream.get(CURL).get("HTTPS"), Sample::wall) : Double.NaN;
        for (var e : stream.entrySet()) {
            List<Sample> http = e.getValue().get("HTTP"), https = e.getValue().get("HTTPS");
            double wall = median(https, Sample::wall);
            r.append("| ").append(e.getKey()).append(" | ").append(range(http, x -> x.wall() / 1000, "%.2f")).append(" | ")
                    .append(range(https, x -> x.wall() / 1000, "%.2f"))
                    .append(String.format(Locale.ROOT, " | %.2f | %,.0f | ", wall / curlWall, deltas / (wall / 1000)))
                    .append(range(https, Sample::rssMiB, "%.0f")).append(" |\n");
        }
        r.append("\n## Stdout closed mid-answer\n\n`coze-chat … | head -c 5` on a slow stream (one delta a millisecond): the benchmark reads five bytes and closes the pipe.\n\n");
        r.append("| client | protocol | exit after the close, ms | bytes the mock still sent | chats cancelled on the mock |\n|---|---|---|---|---|\n");
        for (var e : closed.entrySet())
            for (var p : e.getValue().entrySet()) {
                List<Closed> s = p.getValue();
                r.append("| ").append(e.getKey()).append(" | ").append(p.getKey()).append(String.format(Locale.ROOT, " | %.1f (%.1f–%.1f) | %.0f | %d of %d |%n",
                        medianOf(s.stream().mapToDouble(Closed::exitAfterClose).toArray()), s.stream().mapToDouble(Closed::exitAfterClose).min().orElse(0),
                        s.stream().mapToDouble(Closed::exitAfterClose).max().orElse(0), medianOf(s.stream().mapToDouble(Closed::bytesAfterClose).toArray()),
                        s.stream().mapToInt(Closed::cancels).sum(), s.size()));
            }
        String jvmNew = String.format(JVM_NEW, newVersion);
        r.append("\n## Targets (issue #20), over HTTPS\n\n| target | measured | met |\n|---|---|---|\n");
        target(r, "coze-chat's JVM on JDK 17, spawn to first token ≤ 1.5× Python", ratio(latency, JVM17, PYTHON), "%.2f×", 1.5);
        target(r, "coze-chat's JVM on JDK " + newVersion + ", spawn to first token ≤ 1.0× Python", ratio(latency, jvmNew, PYTHON), "%.2f×", 1.0);
        target(r, "`./jbang coze-chat`, spawn to first token ≤ 2.5× Python", ratio(latency, JBANG, PYTHON), "%.2f×", 2.5);
        target(r, "from the server's send to stdout within 5 ms of curl (JDK 17)", median(latency.get(JVM17).get("HTTPS"), Sample::afterSend)
                - median(latency.get(CURL).get("HTTPS"), Sample::afterSend), "%.1f ms more", 5);
        target(r, "long stream: wall ≤ 2× curl (JDK 17)", median(stream.get(JVM17).get("HTTPS"), Sample::wall) / curlWall, "%.2f×", 2);
        target(r, "long stream: peak RSS ≤ 100 MB (JDK 17)", median(stream.get(JVM17).get("HTTPS"), Sample::rssMiB) * 1.048576, "%.0f MB", 100);
        List<Closed> c17 = closed.get(JVM17).get("HTTPS");
        target(r, "stdout closed: exit within 100 ms (JDK 17)", medianOf(c17.stream().mapToDouble(Closed::exitAfterClose).toArray()), "%.1f ms", 100);
        target(r, "stdout closed: the mock records a cancel, every run (JDK 17)", c17.size() - c17.stream().mapToInt(Closed::cancels).sum(), "%.0f runs without one", 0);
        r.append("\n## Where the start-up goes\n\nOne chat over HTTPS per JVM with `-Xlog:class+load` (JVM uptime when the first class of each step loads;"
                + " \"archived\" is what came from JBang's CDS archive or the AOT cache rather than from class files).\n\n");
        r.append(BenchProfile.table(profiles));
        r.append("\n").append(Files.readString(ROOT.resolve("bench/ANALYSIS.md")));
        return r.toString();
    }

    static double ratio(Map<String, Map<String, List<Sample>>> latency, String client, String baseline) {
        return median(latency.get(client).get("HTTPS"), Sample::fromSpawn) / median(latency.get(baseline).get("HTTPS"), Sample::fromSpawn);
    }

    static void target(StringBuilder r, String what, double value, String fmt, double limit) {
        r.append("| ").append(what).append(" | ").append(String.format(Locale.ROOT, fmt, value)).append(" | ")
                .append(value <= limit ? "yes" : "**no**").append(" |\n");
    }

    static String machine() throws Exception {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.replaceAll(".*:\\s*", "")).orElse("unknown CPU");
        String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        return Runtime.getRuntime().availableProcessors() + " × " + cpu + ", load " + load + " at the start, Java "
                + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " " + System.getProperty("os.version");
    }
}
