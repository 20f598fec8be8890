///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//COMPILE_OPTIONS -encoding UTF-8 -XDignore.symbol.file
//DESCRIPTION Measures what coze-serve adds to a chat against coze-mock (first token, per chunk) and its memory with 100 streams; updates docs/PERFORMANCE.md.
//DEPS info.picocli:picocli:4.7.7
//DEPS com.google.code.gson:gson:2.13.1
//SOURCES ../lib/core/Folder.java ../mock/Folder.java
//JAVA_OPTIONS -Xmx1g

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lib.core.CozeCli;
import mock.MockServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The same chats, in the same run, sent to an in-process coze-mock directly (`/v3/chat`) and through
 * coze-serve (`/v1/chat/completions`, a child process started as a user starts it, `./jbang CozeServe.java`):
 * the difference is what coze-serve costs. Not a test: nothing here passes or fails.
 */
@Command(name = "bench-serve", mixinStandardHelpOptions = true,
        description = "Measure what coze-serve adds to the first token and to each chunk, and its memory with 100 streams.",
        footer = {"", "Short run:  ./jbang bench/BenchServe.java -n 10 --deltas 5000 --out /tmp/perf.md"})
public class BenchServe implements java.util.concurrent.Callable<Integer> {
    static final String PAT = "pat_bench_serve", SECTION = "## coze-serve";
    static final Path ROOT = Path.of("").toAbsolutePath();

    @Option(names = "-n", description = "Chats per way for the first token (default: ${DEFAULT-VALUE}).")
    int runs = 30;

    @Option(names = "--deltas", description = "Deltas in the long answer (default: ${DEFAULT-VALUE}).")
    int deltas = 20_000;

    @Option(names = "--streams", description = "Streams held open at once for the memory figure (default: ${DEFAULT-VALUE}).")
    int streams = 100;

    @Option(names = "--out", description = "The report whose coze-serve section is replaced (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("docs/PERFORMANCE.md");

    final HttpClient client = HttpClient.newHttpClient();

    public static void main(String... args) {
        CozeCli.main(new BenchServe(), args);
    }

    @Override
    public Integer call() throws Exception {
        MockServer.Config config = new MockServer.Config();
        config.pats.add(PAT);
        MockServer mock = MockServer.start(config);
        Path home = Files.createTempDirectory("coze-bench-serve");
        ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("jbang").toString(), "CozeServe.java", "--port", "0")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(java.util.Map.of("COZE_API_BASE", mock.baseUrl(), "COZE_API_TOKEN", PAT, "COZE_HOME", home.toString()));
        Process serve = pb.start();
        try {
            String base = baseUrl(serve);
            long pid = javaPid(serve.toHandle());
            for (int i = 0; i < 10; i++) { // both ways warm: the JIT and the connections
                firstToken(mock.baseUrl(), false);
                firstToken(base, true);
            }
            List<Double> direct = new ArrayList<>(), served = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                direct.add(firstToken(mock.baseUrl(), false));
                served.add(firstToken(base, true));
            }
            mock.setFaults("deltas=" + deltas);
            List<Double> directLong = new ArrayList<>(), servedLong = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                directLong.add(longAnswer(mock.baseUrl(), false));
                servedLong.add(longAnswer(base, true));
            }
            mock.setFaults("gate");
            double idle = rssMiB(pid);
            List<CompletableFuture<Void>> held = new ArrayList<>();
            java.util.concurrent.CountDownLatch firsts = new java.util.concurrent.CountDownLatch(streams);
            for (int i = 0; i < streams; i++) held.add(CompletableFuture.runAsync(() -> hold(base, firsts)));
            boolean all = firsts.await(25, TimeUnit.SECONDS);
            double busy = rssMiB(pid);
            mock.gate.release(streams);
            CompletableFuture.allOf(held.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            mock.setFaults();
            String section = section(direct, served, directLong, servedLong, idle, busy, all);
            String report = Files.exists(out) ? Files.readString(out) : "# Performance\n";
            int at = report.indexOf(SECTION);
            int end = at < 0 ? -1 : report.indexOf("\n## ", at + SECTION.length());
            report = at < 0 ? report.stripTrailing() + "\n\n" + section
                    : report.substring(0, at) + section + (end < 0 ? "" : report.substring(end + 1));
            Files.writeString(out, report);
            System.out.print(section);
            return 0;
        } finally {
            serve.descendants().forEach(ProcessHandle::destroy);
            serve.destroy();
            serve.waitFor(10, TimeUnit.SECONDS);
            mock.stop();
        }
    }

    String section(List<Double> direct, List<Double> served, List<Double> directLong, List<Double> servedLong, double idle, double busy,
                   boolean all) throws IOException {
        double perDirect = median(directLong) / deltas * 1000, perServed = median(servedLong) / deltas * 1000;
        StringBuilder r = new StringBuilder(SECTION + "\n\n");
        r.append("Written by `./jbang bench/BenchServe.java` on ").append(LocalDate.now()).append(" (").append(cpus())
                .append("). The same chats to an in-process coze-mock over loopback HTTP, directly (`/v3/chat`, Java's HttpClient) and through")
                .append(" coze-serve (`/v1/chat/completions`, started with `./jbang CozeServe.java`, its default JVM options), alternately, after")
                .append(" 10 chats each way to warm up. Medians (min–max); with a load above the CPUs, read them as upper bounds.\n\n");
        r.append("| | directly | through coze-serve | added by coze-serve |\n|---|---|---|---|\n");
        r.append(String.format(Locale.ROOT, "| first token after the request, ms (%d chats) | %s | %s | %.1f |%n", runs, range(direct), range(served),
                median(served) - median(direct)));
        r.append(String.format(Locale.ROOT, "| a %,d-delta answer, ms (5 chats) | %s | %s | %.0f |%n", deltas, range(directLong), range(servedLong),
                median(servedLong) - median(directLong)));
        r.append(String.format(Locale.ROOT, "| per chunk, µs | %.1f | %.1f | %.1f |%n", perDirect, perServed, perServed - perDirect));
        r.append(String.format(Locale.ROOT, "%nMemory: coze-serve's resident set was %.0f MiB idle after those chats and %.0f MiB with %d streams"
                + " open at once (each past its first chunk, the mock holding the rest)%s; the heap is capped at 128 MB (`MaxRAM=256m`).%n",
                idle, busy, streams, all ? "" : " — **not all streams had started within 25 s**"));
        return r.toString();
    }

    /** Milliseconds from sending the request to the first text of the answer. */
    double firstToken(String base, boolean openAi) throws Exception {
        long start = System.nanoTime();
        try (BufferedReader in = open(base, openAi, "hello there")) {
            for (String line; (line = in.readLine()) != null; )
                if (isText(line, openAi)) return (System.nanoTime() - start) / 1e6;
        }
        throw new IllegalStateException("no answer from " + base);
    }

    /** Milliseconds from the first text to the end of a long answer. */
    double longAnswer(String base, boolean openAi) throws Exception {
        long first = 0;
        int n = 0;
        try (BufferedReader in = open(base, openAi, "long")) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!isText(line, openAi)) continue;
                if (n++ == 0) first = System.nanoTime();
            }
        }
        if (n != deltas) throw new IllegalStateException(n + " pieces of text, not " + deltas);
        return (System.nanoTime() - first) / 1e6;
    }

    void hold(String base, java.util.concurrent.CountDownLatch firsts) {
        try (BufferedReader in = open(base, true, "held")) {
            boolean counted = false;
            for (String line; (line = in.readLine()) != null; )
                if (!counted && isText(line, true)) {
                    counted = true;
                    firsts.countDown();
                }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean isText(String line, boolean openAi) {
        return openAi ? line.startsWith("data: {") && line.contains("\"content\":\"") && !line.contains("\"content\":\"\"")
                : line.equals("event:conversation.message.delta"); // its data line follows at once
    }

    BufferedReader open(String base, boolean openAi, String text) throws Exception {
        String body = openAi
                ? "{\"model\":\"echo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}"
                : "{\"bot_id\":\"echo\",\"user_id\":\"bench\",\"stream\":true,\"additional_messages\":[{\"role\":\"user\",\"type\":\"question\","
                        + "\"content\":\"" + text + "\",\"content_type\":\"text\"}]}";
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + (openAi ? "/chat/completions" : "/v3/chat")))
                .header("Authorization", "Bearer " + PAT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<InputStream> r = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) throw new IllegalStateException(base + ": HTTP " + r.statusCode());
        return new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
    }

    static String baseUrl(Process serve) throws IOException {
        BufferedReader err = new BufferedReader(new InputStreamReader(serve.getErrorStream(), StandardCharsets.UTF_8));
        Pattern url = Pattern.compile("serving your bots at (http://\\S+/v1)");
        for (String line; (line = err.readLine()) != null; ) {
            Matcher m = url.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        err.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException ignored) {
                        // the server ended
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return m.group(1);
            }
        }
        throw new IllegalStateException("coze-serve did not start");
    }

    /** The JVM that runs CozeServe: the launcher itself once it has exec'd Java, else its descendant. */
    static long javaPid(ProcessHandle launcher) throws IOException {
        for (ProcessHandle h : concat(launcher))
            if (Files.readString(Path.of("/proc", String.valueOf(h.pid()), "cmdline")).contains("CozeServe")
                    && h.info().command().orElse("").endsWith("java")) return h.pid();
        throw new IllegalStateException("no coze-serve JVM under " + launcher.pid());
    }

    static List<ProcessHandle> concat(ProcessHandle h) {
        List<ProcessHandle> all = new ArrayList<>(List.of(h));
        h.descendants().forEach(all::add);
        return all;
    }

    static double rssMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")))
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
        return Double.NaN;
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }

    static String range(List<Double> xs) {
        return String.format(Locale.ROOT, "%.1f (%.1f–%.1f)", median(xs), Collections.min(xs), Collections.max(xs));
    }

    static String cpus() throws IOException {
        String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        return Runtime.getRuntime().availableProcessors() + " CPUs, load " + load + " at the end, Java " + System.getProperty("java.version");
    }
}
