///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//COMPILE_OPTIONS -encoding UTF-8 -XDignore.symbol.file
//DESCRIPTION Measures coze-mcp on coze-mock: spawn to the initialize answer, and a coze_chat call against a coze-chat run, in one run.
//DEPS info.picocli:picocli:4.7.7
//DEPS com.google.code.gson:gson:2.13.1
//SOURCES ../lib/core/Folder.java ../mock/Folder.java
//JAVA_OPTIONS -Xmx1g

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mock.MockServer;

/**
 * coze-mcp as an MCP client starts it (`./jbang coze-mcp`, JBang's cache and CDS archive warm) and
 * coze-chat as a script runs it, both on one in-process coze-mock: the medians of each figure, as
 * Markdown for docs/PERFORMANCE.md. The client here writes JSON-RPC lines itself, so the figures are the server's.
 */
public class BenchMcp {
    static final String PAT = "pat_bench";
    static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
            + "\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}\n";

    public static void main(String... args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        MockServer.Config config = new MockServer.Config();
        config.pats.add(PAT);
        MockServer mock = MockServer.start(config);
        Path home = Files.createTempDirectory("bench-mcp").resolve("coze");
        List<Double> init = new ArrayList<>(), firstCall = new ArrayList<>(), warmCall = new ArrayList<>(), chat = new ArrayList<>();
        try {
            // JBang builds each script once and archives the classes its first run loaded (//CDS): a chat for
            // coze-chat (its rehearsal), a whole session for coze-mcp, as an MCP client's first start is.
            run(List.of("./jbang", "--fresh", "coze-chat", "--version"), mock, home);
            mcp(List.of("./jbang", "--fresh", "coze-mcp"), mock, home, new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (int i = 0; i < runs; i++) {
                mcp(List.of("./jbang", "coze-mcp"), mock, home, init, firstCall, warmCall);
                long t = System.nanoTime();
                run(List.of("./jbang", "coze-chat", "-n", "--bot", "echo", "hello"), mock, home);
                chat.add(ms(t));
            }
        } finally {
            mock.stop();
        }
        System.out.printf(Locale.ROOT, "| spawn (`./jbang coze-mcp`) to the `initialize` answer | %.0f ms |%n", median(init));
        System.out.printf(Locale.ROOT, "| its first `coze_chat` call (\"hello\" to the echo bot), answer to result | %.0f ms |%n", median(firstCall));
        System.out.printf(Locale.ROOT, "| a later `coze_chat` call, same server | %.0f ms |%n", median(warmCall));
        System.out.printf(Locale.ROOT, "| `./jbang coze-chat -n --bot echo hello`, spawn to exit | %.0f ms |%n", median(chat));
        System.out.printf(Locale.ROOT, "%d runs each, medians.%n", runs);
    }

    /** One server: spawn → initialize; then two chat calls, timed from the request to its result. */
    static void mcp(List<String> command, MockServer mock, Path home, List<Double> init, List<Double> firstCall, List<Double> warmCall) throws Exception {
        long t = System.nanoTime();
        Process p = builder(command, mock, home).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        OutputStream in = p.getOutputStream();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        send(in, INIT);
        await(out, "\"id\":1");
        init.add(ms(t));
        send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
        for (int id = 2; id <= 3; id++) {
            long c = System.nanoTime();
            send(in, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"coze_chat\","
                    + "\"arguments\":{\"bot\":\"echo\",\"message\":\"hello\"}}}\n");
            await(out, "\"id\":" + id);
            (id == 2 ? firstCall : warmCall).add(ms(c));
        }
        in.close();
        p.waitFor();
    }

    static void send(OutputStream in, String line) throws IOException {
        in.write(line.getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    static void await(BufferedReader out, String id) throws IOException {
        for (String line; (line = out.readLine()) != null; )
            if (line.contains(id) && (line.contains("\"result\"") || line.contains("\"error\""))) return;
        throw new IOException("coze-mcp ended before answering " + id);
    }

    static void run(List<String> command, MockServer mock, Path home) throws Exception {
        Process p = builder(command, mock, home).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) throw new IllegalStateException(command + " failed");
    }

    static ProcessBuilder builder(List<String> command, MockServer mock, Path home) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("COZE_"));
        pb.environment().put("COZE_HOME", home.toString());
        pb.environment().put("COZE_API_BASE", mock.baseUrl());
        pb.environment().put("COZE_API_TOKEN", PAT);
        return pb;
    }

    static double ms(long since) {
        return (System.nanoTime() - since) / 1e6;
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        return s.get(s.size() / 2);
    }
}
