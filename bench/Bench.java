///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
// Sources are UTF-8 whatever the locale (javac would read them as ASCII where LANG is unset);
// Ctrl-C handling uses sun.misc.Signal, which javac would warn about.
//COMPILE_OPTIONS -encoding UTF-8 -XDignore.symbol.file
//DESCRIPTION Benchmarks coze-chat against curl -sN and Python requests on coze-mock; writes docs/PERFORMANCE.md.
//DEPS info.picocli:picocli:4.7.7
//DEPS com.google.code.gson:gson:2.13.1
//SOURCES ../lib/core/Folder.java ../mock/Folder.java
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
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One command, same machine, same run: each client talks to an in-process coze-mock, and every
 * figure is a median over repeated runs, with its ratio against curl measured alongside.
 * Not a test: nothing here passes or fails.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure coze-chat against curl -sN and Python requests.")
public class Bench implements java.util.concurrent.Callable<Integer> {
    static final String PAT = "pat_bench";
    static final Path ROOT = Path.of("").toAbsolutePath();

    @Option(names = "-n", description = "Runs per client for the latency figures (default: ${DEFAULT-VALUE}).")
    int runs = 9;

    @Option(names = "--stream-runs", description = "Runs per client for the long stream (default: ${DEFAULT-VALUE}).")
    int streamRuns = 5;

    @Option(names = "--deltas", description = "Deltas in the long stream (default: ${DEFAULT-VALUE}).")
    long deltas = 1_000_000;

    @Option(names = "--out", description = "Where to write the report (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("docs/PERFORMANCE.md");

    MockServer mock;
    Path home;

    public static void main(String... args) {
        CozeCli.main(new Bench(), args);
    }

    /** A client under test: the command that sends `message` to `bot` and writes what it receives to stdout. */
    record Client(String name, Function<String[], List<String>> command) {
        List<String> run(String bot, String message) {
            return command.apply(new String[] {bot, message});
        }
    }

    /** One run's figures in milliseconds (NaN when not measured), plus peak RSS in MiB. */
    record Sample(double fromSpawn, double afterSend, double exitAfterDone, double wall, double rssMiB) {}

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(ROOT.resolve("jbang-catalog.json"))) throw new IllegalStateException("run from the checkout's top folder");
        MockServer.Config config = new MockServer.Config();
        config.pats.add(PAT);
        config.scriptedBots = "{\"bots\":[{\"id\":\"first-token\",\"name\":\"Hello, then a pause\",\"answers\":[[\"Hello\",\" world\"]],\"faults\":[\"gate\"]}]}";
        mock = MockServer.start(config);
        home = Files.createTempDirectory("coze-bench");
        try {
            List<Client> clients = clients();
            Map<String, List<Sample>> latency = new LinkedHashMap<>(), stream = new LinkedHashMap<>();
            for (Client c : clients) {
                System.err.println("bench: " + c.name() + ": first token and exit, " + runs + " runs");
                List<Sample> s = new ArrayList<>();
                firstToken(c);
                for (int i = 0; i < runs; i++) s.add(firstToken(c));
                latency.put(c.name(), s);
            }
            mock.setFaults("deltas=" + deltas);
            long bytes = 0;
            for (Client c : clients) {
                System.err.println("bench: " + c.name() + ": " + deltas + "-delta stream, " + streamRuns + " runs");
                List<Sample> s = new ArrayList<>();
                for (int i = 0; i < streamRuns; i++) {
                    long before = mock.streamedBytes.get();
                    s.add(longStream(c));
                    bytes = mock.streamedBytes.get() - before;
                }
                stream.put(c.name(), s);
            }
            mock.setFaults();
            String report = report(latency, stream, bytes);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report);
            System.out.print(report);
            return 0;
        } finally {
            mock.stop();
        }
    }

    List<Client> clients() throws Exception {
        List<Client> clients = new ArrayList<>();
        Path launcher = ROOT.resolve("jbang");
        clients.add(new Client("`./jbang coze-chat`", a -> List.of(launcher.toString(), "coze-chat", "--bot", a[0], "-q", a[1])));
        List<String> direct = scriptCommand(launcher);
        clients.add(new Client("coze-chat's JVM started directly", a -> {
            List<String> cmd = new ArrayList<>(direct);
            cmd.addAll(List.of("--bot", a[0], "-q", a[1]));
            return cmd;
        }));
        clients.add(new Client("`curl -sN`", a -> List.of("curl", "-sN", mock.baseUrl() + "/v3/chat", "-H", "Authorization: Bearer " + PAT,
                "-H", "Content-Type: application/json", "-d", body(a[0], a[1]))));
        if (new ProcessBuilder("python3", "-c", "import requests").start().waitFor() == 0) {
            String py = "import json,sys,requests\n"
                    + "r=requests.post(sys.argv[1]+'/v3/chat',headers={'Authorization':'Bearer '+sys.argv[2]},data=sys.argv[3],stream=True)\n"
                    + "ev=None\n"
                    + "for line in r.iter_lines(chunk_size=None):\n"
                    + "    if line.startswith(b'event:'): ev=line[6:]\n"
                    + "    elif line.startswith(b'data:') and ev==b'conversation.message.delta':\n"
                    + "        d=json.loads(line[5:])\n"
                    + "        if d.get('type')=='answer': sys.stdout.write(d['content']); sys.stdout.flush()\n"
                    + "    elif ev==b'done': break\n";
            clients.add(new Client("Python `requests`", a -> List.of("python3", "-c", py, mock.baseUrl(), PAT, body(a[0], a[1]))));
        } else {
            System.err.println("bench: python3 with requests is not installed; skipping that client");
        }
        return clients;
    }

    /**
     * The command line JBang execs for coze-chat (its `--verbose` "run:" line), once the cache is warm
     * and JBang's class-data archive of the script was made by a real chat, as a user's first run makes it.
     */
    List<String> scriptCommand(Path launcher) throws Exception {
        for (int i = 0; i < 2; i++) start(List.of(launcher.toString(), "coze-chat", "--bot", "echo", "-q", "warm up"), true).waitFor();
        Process p = new ProcessBuilder(launcher.toString(), "--verbose", "coze-chat", "--version").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String log = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        String run = log.lines().filter(l -> l.contains("] run: ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("jbang --verbose did not show the command line:\n" + log));
        List<String> cmd = new ArrayList<>(List.of(run.substring(run.indexOf("] run: ") + 7).trim().split(" ")));
        cmd.remove(cmd.size() - 1);
        return cmd;
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

    Process start(List<String> command, boolean discardOut) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        if (discardOut) pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().keySet().removeIf(k -> k.startsWith("COZE_"));
        pb.environment().put("COZE_API_BASE", mock.baseUrl());
        pb.environment().put("COZE_API_TOKEN", PAT);
        pb.environment().put("COZE_HOME", home.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }

    /** Spawn, wait for "Hello" on stdout while the mock holds the rest, release it, and time the exit after `done`. */
    Sample firstToken(Client c) throws Exception {
        long spawn = System.nanoTime();
        Process p = start(c.run("first-token", "hi"), false);
        long seen = awaitText(p.getInputStream(), "Hello");
        long sent = mock.firstDeltaSentAt;
        mock.gate.release();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        long exited = System.nanoTime();
        if (seen < 0 || p.exitValue() != 0) throw new IllegalStateException(c.name() + " failed (exit " + p.exitValue() + ")");
        return new Sample(ms(seen - spawn), ms(seen - sent), ms(exited - mock.doneSentAt), Double.NaN, Double.NaN);
    }

    /** The long stream to /dev/null, under GNU time for the peak RSS when it is installed. */
    Sample longStream(Client c) throws Exception {
        Path rss = Files.createTempFile(home, "rss", ".txt");
        List<String> cmd = new ArrayList<>();
        boolean timed = Files.isExecutable(Path.of("/usr/bin/time"));
        if (timed) cmd.addAll(List.of("/usr/bin/time", "-f", "%M", "-o", rss.toString()));
        cmd.addAll(c.run("echo", "go"));
        long spawn = System.nanoTime();
        Process p = start(cmd, true);
        if (!p.waitFor(600, TimeUnit.SECONDS)) p.destroyForcibly();
        long exited = System.nanoTime();
        if (p.exitValue() != 0) throw new IllegalStateException(c.name() + " failed on the long stream (exit " + p.exitValue() + ")");
        double mib = timed ? Double.parseDouble(Files.readString(rss).strip().replaceAll("(?s).*\\n", "")) / 1024 : Double.NaN;
        return new Sample(Double.NaN, Double.NaN, Double.NaN, ms(exited - spawn), mib);
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
        double[] v = s.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static String range(List<Sample> s, java.util.function.ToDoubleFunction<Sample> f, String fmt) {
        double[] v = s.stream().mapToDouble(f).sorted().toArray();
        return String.format(Locale.ROOT, fmt + " (" + fmt + "–" + fmt + ")", median(s, f), v[0], v[v.length - 1]);
    }

    String report(Map<String, List<Sample>> latency, Map<String, List<Sample>> stream, long bytes) throws Exception {
        String curl = "`curl -sN`";
        StringBuilder r = new StringBuilder("# Performance\n\n");
        r.append("Written by `./jbang bench/Bench.java` on ").append(LocalDate.now()).append(". Machine: ").append(machine())
                .append(". Every client talks to the same in-process coze-mock over loopback HTTP/1.1, in the same run; figures are medians (min–max) of ")
                .append(runs).append(" runs, and the ratio is against curl's median in this run. Absolute numbers move with the machine's load; ratios less so.\n\n");
        r.append("## First token and exit\n\nThe mock sends `Hello`, then holds the stream until the client has shown it, then sends the rest and `done`.\n\n");
        r.append("| client | first token from spawn, ms | × curl | from the server's send to stdout, ms | exit after `done`, ms |\n|---|---|---|---|---|\n");
        double curlSpawn = latency.containsKey(curl) ? median(latency.get(curl), Sample::fromSpawn) : Double.NaN;
        for (var e : latency.entrySet()) {
            List<Sample> s = e.getValue();
            r.append("| ").append(e.getKey()).append(" | ").append(range(s, Sample::fromSpawn, "%.0f"))
                    .append(String.format(Locale.ROOT, " | %.1f | ", median(s, Sample::fromSpawn) / curlSpawn))
                    .append(range(s, Sample::afterSend, "%.1f")).append(" | ").append(range(s, Sample::exitAfterDone, "%.1f")).append(" |\n");
        }
        r.append(String.format(Locale.ROOT, "%n## A %,d-delta stream to /dev/null%n%nThe stream is %.1f MB of SSE; wall time is the whole process, start-up included.%n%n", deltas, bytes / 1e6));
        r.append("| client | wall, s | × curl | events/s | MB/s | peak RSS, MiB |\n|---|---|---|---|---|---|\n");
        double curlWall = stream.containsKey(curl) ? median(stream.get(curl), Sample::wall) : Double.NaN;
        for (var e : stream.entrySet()) {
            List<Sample> s = e.getValue();
            double wall = median(s, Sample::wall);
            r.append("| ").append(e.getKey()).append(" | ").append(range(s, x -> x.wall() / 1000, "%.2f"))
                    .append(String.format(Locale.ROOT, " | %.1f | %,.0f | %.0f | ", wall / curlWall, deltas / (wall / 1000), bytes / 1e6 / (wall / 1000)))
                    .append(range(s, Sample::rssMiB, "%.0f")).append(" |\n");
        }
        String jbang = "`./jbang coze-chat`", direct = "coze-chat's JVM started directly";
        r.append("\n## Targets (issue #9)\n\n| target | measured | met |\n|---|---|---|\n");
        target(r, "from the server's send to stdout within 5 ms of curl", median(latency.get(direct), Sample::afterSend)
                - median(latency.get(curl), Sample::afterSend), "%.1f ms more than curl", 5);
        target(r, "exit after `done` ≤ 30 ms (script's JVM)", median(latency.get(direct), Sample::exitAfterDone), "%.1f ms", 30);
        target(r, "exit after `done` ≤ 30 ms (`./jbang`)", median(latency.get(jbang), Sample::exitAfterDone), "%.1f ms", 30);
        target(r, "script's JVM, spawn to first token ≤ 150 ms", median(latency.get(direct), Sample::fromSpawn), "%.0f ms", 150);
        target(r, "`./jbang coze-chat`, spawn to first token ≤ 500 ms", median(latency.get(jbang), Sample::fromSpawn), "%.0f ms", 500);
        target(r, "long stream: peak RSS ≤ 100 MB (script's JVM)", median(stream.get(direct), Sample::rssMiB) * 1.048576, "%.0f MB", 100);
        target(r, "long stream: wall within 2× of curl (script's JVM)", median(stream.get(direct), Sample::wall) / curlWall, "%.1f×", 2);
        r.append("\n").append(Files.readString(ROOT.resolve("bench/ANALYSIS.md")));
        return r.toString();
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
