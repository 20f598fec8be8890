import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import lib.auth.TokenStore;
import lib.chat.ConversationMemory;
import mock.MockServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reliability suite behind docs/RELIABILITY.md: network faults, secrets, hostile callback input
 * and load, each against coze-mock and the real scripts. Lines starting with "figure:" feed the doc.
 */
@ExtendWith(MockHome.class)
class ReliabilityTest {
    MockServer mock;
    Path home;

    static void figure(String line) {
        System.out.println("       figure: " + line);
    }

    TestSupport.Script chat(String... args) {
        return TestSupport.script(CozeChat.class, home, args).api(mock).pat();
    }

    /** A network fault, what the user sees, and how many chat requests reached the server. */
    record Fault(String name, List<String> faults, List<String> extraArgs, int exit, String stdout, String stderr, int requests) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Fault fault(String name, String faults, String extraArgs, int exit, String stdout, String stderr, int requests) {
        return new Fault(name, faults.isEmpty() ? List.of() : List.of(faults.split(" ")), extraArgs.isEmpty() ? List.of() : List.of(extraArgs.split(" ")),
                exit, stdout, stderr, requests);
    }

    static Stream<Fault> faults() {
        return Stream.of(
                fault("reset before headers", "reset", "", 5, "", "connection", 1),
                fault("drop between events", "drop=3 drip=200", "", 5, "abc\n", "connection lost", 1),
                fault("drop in the middle of an event", "drop-mid=3 drip=200", "", 5, "abc\n", "connection lost", 1),
                fault("clean end before the chat completed", "cut=4", "", 1, "abcdef\n", "stream ended early", 1),
                fault("stall after headers (idle watchdog)", "stall", "--idle-timeout 1s", 5, "abc\n", "no data from Coze for 1 s", 1),
                fault("keep-alives do not reset the stall clock", "stall ping=200", "--idle-timeout 1s --stall-timeout 2s", 5, "abc\n",
                        "no answer from Coze for 2 s", 1),
                fault("slow drip", "drip=300", "", 0, "abcdefghi\n", "", 1),
                fault("one byte per write", "one-byte", "", 0, "abcdefghi\n", "", 1),
                fault("429 with Retry-After, then success", "http429=1 retry-after=1", "", 0, "abcdefghi\n", "retrying in 1 s", 2),
                fault("429 that never ends", "http429=100 retry-after=1", "", 3, "", "Requests are too frequent", 3),
                fault("503 once", "http503=1", "", 0, "abcdefghi\n", "", 2),
                fault("502 that never ends (bounded backoff)", "http502=100", "", 1, "", "HTTP 502", 3),
                fault("error event after the stream started (not retried)", "error-event=5000", "", 1, "abc\n", "Coze reported an error", 1),
                fault("rate-limit error event", "error-event=4013", "", 3, "abc\n", "Coze reported an error", 1),
                fault("chat.failed", "chat-failed", "", 1, "abc\n", "the chat failed: event interval error (5000", 1),
                fault("JSON error body with HTTP 200 (bad token)", "json-error=4100", "", 4, "", "COZE_API_TOKEN", 1),
                fault("JSON error body with HTTP 200 (rate limit)", "json-error=4013", "", 3, "", "4013", 1),
                fault("wrong content type", "wrong-type", "", 1, "", "instead of an event stream", 1),
                fault("requires_action (local plugin, no --tool)", "requires-action", "", 6, "abc\n",
                        "the bot called the local plugin local_plugin", 1),
                fault("no done after chat.completed", "no-done", "", 0, "abcdefghi\n", "", 1),
                fault("socket kept open after done", "keep-open", "--idle-timeout 50s", 0, "abcdefghi\n", "", 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void networkFault(Fault f) throws Exception {
        mock.setFaults(f.faults().toArray(new String[0]));
        List<String> args = new ArrayList<>(List.of("--bot", "echo", "abcdefghi"));
        args.addAll(f.extraArgs());
        long start = System.nanoTime();
        TestSupport.Result r = chat(args.toArray(new String[0])).run();
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(f.exit, r.exit, r.toString());
        assertEquals(f.stdout(), r.out, "what was streamed before the fault is on stdout");
        assertTrue(r.err.contains(f.stderr()), "stderr should say '" + f.stderr() + "': " + r.err);
        assertFalse(r.err.contains("\tat "), "no stack trace without --debug: " + r.err);
        // Waiting for the user (6) is no error: it says what it waits for instead.
        assertEquals(f.exit == 0 || f.exit == 6 ? 0 : 1, r.err.lines().filter(l -> l.startsWith("coze-chat: error: ")).count(), r.err);
        assertEquals(f.requests(), mock.count("chat"), "chat requests that reached the server");
        figure(f.name() + ": exit " + r.exit + ", " + mock.count("chat") + " request(s), " + ms + " ms");
    }

    @Test
    void connectionRefused() throws Exception {
        mock.stop();
        TestSupport.Result r = chat("--bot", "echo", "hi").run();
        assertEquals(5, r.exit, r.toString());
        assertTrue(r.err.contains("cannot connect"), r.err);
        assertFalse(r.err.contains("\tat "));
        figure("connection refused: exit 5");
    }

    @Test
    void endlessStreamCutByCtrlC() throws Exception {
        mock.setFaults("stall", "ping=100");
        TestSupport.Running run = chat("--bot", "echo", "abcdef", "--idle-timeout", "10m", "--stall-timeout", "10m").start();
        assertTrue(run.awaitOut("abc"));
        new ProcessBuilder("kill", "-INT", String.valueOf(run.process.pid())).start().waitFor();
        TestSupport.Result r = run.finish();
        assertEquals(130, r.exit, r.toString());
        assertEquals("abc\n", r.out);
        assertEquals(1, mock.count("canceled"), "the chat was cancelled on the server");
        figure("endless stream, Ctrl-C: exit 130, chat cancelled on the server");
    }

    /** Collects every command line on the machine while flows run (/proc/PID/cmdline). */
    static final class CommandLines implements AutoCloseable {
        final Set<String> seen = Collections.synchronizedSet(new HashSet<>());
        private final Thread watcher;
        private volatile boolean running = true;
        int scans;

        CommandLines() {
            watcher = new Thread(() -> {
                while (running) {
                    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                        procs.filter(p -> p.getFileName().toString().matches("\\d+")).forEach(p -> {
                            try {
                                seen.add(new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' '));
                            } catch (IOException gone) {
                                // the process ended
                            }
                        });
                        scans++;
                        Thread.sleep(5);
                    } catch (IOException | InterruptedException e) {
                        return;
                    }
                }
            });
            watcher.setDaemon(true);
            watcher.start();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            watcher.join();
        }
    }

    @Test
    void noSecretLeaksFromAnyFlowEvenWithDebug() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs /proc");
        List<TestSupport.Result> results = new ArrayList<>();
        Path urlFile = Files.createTempDirectory("coze-secrets").resolve("url");
        Set<String> secrets = new HashSet<>();
        secrets.add(TestSupport.PAT);
        int flows;
        try (CommandLines cmdlines = new CommandLines()) {
            TestSupport.Running login = loginWaitingForBrowser(TestSupport.freePort(), urlFile, "30s", "--debug");
            String location = LoginTest.FakeBrowser.consent(Files.readString(urlFile), "authorize");
            LoginTest.FakeBrowser.get(location);
            results.add(login.finish());
            assertEquals(0, results.get(0).exit, results.get(0).toString());
            secrets.add(mock.lastCode);
            secrets.add(mock.lastCodeVerifier);
            TokenStore store = new TokenStore(home, w -> {});
            secrets.add(store.load().accessToken());
            secrets.add(store.load().refreshToken());
            results.add(TestSupport.script(CozeRefresh.class, home, "--debug", "--json").run());
            secrets.add(store.load().accessToken());
            secrets.add(store.load().refreshToken());
            results.add(TestSupport.script(CozeChat.class, home, "--debug", "--bot", "echo", "hi").api(mock).run());
            results.add(TestSupport.script(CozeChat.class, home, "--debug", "--json", "-c", "again").api(mock).run());
            results.add(TestSupport.script(CozeChat.class, home, "--debug", "--no-stream", "--bot", "echo", "polled").api(mock).run());
            results.add(TestSupport.script(CozeLogin.class, home, "--debug", "status", "--json").run());
            results.add(TestSupport.script(CozeChat.class, home, "--debug", "--bot", "echo", "with a PAT").api(mock).pat().run());
            results.add(TestSupport.script(CozeRefresh.class, home, "--debug", "--if-needed").run());
            results.add(TestSupport.script(CozeLogin.class, home, "--debug", "--force", "--with-token").api(mock).stdin(TestSupport.PAT + "\n").run());
            results.add(TestSupport.script(CozeLogin.class, home, "--debug", "logout").run());
            flows = results.size();
            for (TestSupport.Result r : results) assertEquals(0, r.exit, r.toString());
            Thread.sleep(50);
            cmdlines.close();
            for (String secret : secrets) {
                assertNotNull(secret);
                for (TestSupport.Result r : results) assertFalse((r.out + r.err).contains(secret), "a secret in the output of\n" + r);
                for (String line : cmdlines.seen) assertFalse(line.contains(secret), "a secret on a command line: " + line);
            }
            try (Stream<Path> files = Files.walk(home)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    if (f.getFileName().toString().equals("token.json")) continue;
                    String text = Files.readString(f, StandardCharsets.ISO_8859_1);
                    for (String secret : secrets) assertFalse(text.contains(secret), "a secret in " + f);
                }
            }
            figure("secrets: " + secrets.size() + " sentinels (PAT, code, verifier, access and refresh tokens) through " + flows
                    + " runs with --debug; none in stdout, stderr, COZE_HOME files or " + cmdlines.seen.size() + " command lines ("
                    + cmdlines.scans + " scans of /proc)");
        }
    }

    /** Starts coze-login with a $BROWSER that only records the authorize URL, and waits until it has. */
    TestSupport.Running loginWaitingForBrowser(int port, Path urlFile, String timeout, String... more) throws Exception {
        Path browser = TestSupport.urlRecordingBrowser(urlFile);
        List<String> args = new ArrayList<>(List.of("--client-id", "c.app.coze", "--redirect-uri", "http://127.0.0.1:" + port + "/callback",
                "--timeout", timeout));
        args.addAll(List.of(more));
        TestSupport.Running login = TestSupport.script(CozeLogin.class, home, args.toArray(new String[0])).api(mock)
                .env("BROWSER", browser.toString()).start();
        TestSupport.handedOverUrl(urlFile, login);
        return login;
    }

    /** Thousands of half-sent local connections: coze-login stays within its heap and the browser's redirect still gets through. */
    @Test
    void aFloodOfHalfSentConnectionsDoesNotLoseTheRealRedirect() throws Exception {
        int port = TestSupport.freePort();
        Path urlFile = Files.createTempDirectory("coze-flood").resolve("url");
        TestSupport.Running login = loginWaitingForBrowser(port, urlFile, "90s");
        List<Socket> idle = slowloris(port, 3000);
        try {
            long start = System.nanoTime();
            String location = LoginTest.FakeBrowser.consent(Files.readString(urlFile), "authorize");
            var page = LoginTest.FakeBrowser.get(location);
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertEquals(200, page.statusCode(), page.body());
            TestSupport.Result r = login.finish();
            assertEquals(0, r.exit, r.toString());
            assertFalse(r.err.contains("OutOfMemoryError"), r.err);
            figure("callback flood: 3000 half-sent connections held open, then the real redirect: logged in after " + waited + " ms");
        } finally {
            for (Socket s : idle) s.close();
        }
    }

    /** DNS rebinding: a page of another site whose name resolves to 127.0.0.1 gets nothing, even with the right state and code. */
    @Test
    void aCallbackForAnotherHostIsRefused() throws Exception {
        int port = TestSupport.freePort();
        Path urlFile = Files.createTempDirectory("coze-rebind").resolve("url");
        TestSupport.Running login = loginWaitingForBrowser(port, urlFile, "30s");
        URI callback = URI.create(LoginTest.FakeBrowser.consent(Files.readString(urlFile), "authorize"));
        String reply;
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write(("GET " + callback.getRawPath() + "?" + callback.getRawQuery() + " HTTP/1.1\r\nHost: rebound.example:"
                    + port + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(reply.startsWith("HTTP/1.1 400"), reply);
        assertTrue(login.process.isAlive(), "still waiting for the real browser: " + login.err());
        assertEquals(200, LoginTest.FakeBrowser.get(callback.toString()).statusCode());
        TestSupport.Result r = login.finish();
        assertEquals(0, r.exit, r.toString());
    }

    /** Idle connections that sent half a request line and never finish it. */
    static List<Socket> slowloris(int port, int n) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
            s.getOutputStream().write("GET /callback?code=x".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            sockets.add(s);
        }
        return sockets;
    }

    /** Many connections at once, each with a 64 KiB query string; returns how many got any answer. */
    static int flood(int port, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<Boolean>> answers = new ArrayList<>();
            String query = "state=" + "A".repeat(64 * 1024) + "&code=" + "B".repeat(1024);
            for (int i = 0; i < n; i++) answers.add(pool.submit(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    s.setSoTimeout(10_000);
                    OutputStream out = s.getOutputStream();
                    out.write(("GET /callback?" + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    return s.getInputStream().read() >= 0;
                } catch (IOException e) {
                    return false;
                }
            }));
            int answered = 0;
            for (Future<Boolean> a : answers) if (a.get(60, TimeUnit.SECONDS)) answered++;
            return answered;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void hostileCallbackInputDoesNotStopTheLogin() throws Exception {
        int port = TestSupport.freePort();
        Path urlFile = Files.createTempDirectory("coze-hostile").resolve("url");
        TestSupport.Running login = loginWaitingForBrowser(port, urlFile, "60s");
        List<Socket> idle = slowloris(port, 50);
        try {
            int answered = flood(port, 200);
            assertTrue(login.process.isAlive(), "coze-login survived: " + login.err());
            String location = LoginTest.FakeBrowser.consent(Files.readString(urlFile), "authorize");
            var page = LoginTest.FakeBrowser.get(location);
            assertEquals(200, page.statusCode(), page.body());
            TestSupport.Result r = login.finish();
            assertEquals(0, r.exit, r.toString());
            assertNotNull(new TokenStore(home, w -> {}).load(), "the login was stored");
            assertEquals(1, mock.count("token.authorization_code"), "one code exchange, nothing from the hostile requests");
            figure("hostile callback: 50 idle half-requests held open, 200 parallel 65 KiB queries (" + answered
                    + " answered, none accepted), then the real callback: logged in");
        } finally {
            for (Socket s : idle) s.close();
        }
    }

    @Test
    void hostileCallbackInputWithoutARealCallbackTimesOutCleanly() throws Exception {
        int port = TestSupport.freePort();
        Path urlFile = Files.createTempDirectory("coze-hostile").resolve("url");
        TestSupport.Running login = loginWaitingForBrowser(port, urlFile, "3s");
        List<Socket> idle = slowloris(port, 20);
        try {
            flood(port, 50);
            TestSupport.Result r = login.finish();
            assertEquals(4, r.exit, r.toString());
            assertTrue(r.err.contains("timed out") || r.err.contains("no answer"), r.err);
            assertNull(new TokenStore(home, w -> {}).load(), "nothing was stored");
            try (java.net.ServerSocket again = new java.net.ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertEquals(port, again.getLocalPort(), "the port is free again");
            }
            figure("hostile callback, no real callback: exit 4 after the timeout, port freed, nothing stored");
        } finally {
            for (Socket s : idle) s.close();
        }
    }

    @Test
    void fiftyConcurrentChatsAllAnswerCorrectly() throws Exception {
        boolean gnuTime = Files.isExecutable(Path.of("/usr/bin/time"));
        Path rssDir = Files.createTempDirectory("coze-rss");
        List<TestSupport.Running> runs = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            TestSupport.Script s = chat("--bot", "echo", "load test message number " + i);
            if (gnuTime) s.under("/usr/bin/time", "-f", "%M", "-o", rssDir.resolve("rss-" + i).toString());
            runs.add(s.start());
        }
        List<Long> rssKb = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            TestSupport.Result r = runs.get(i).finish();
            assertEquals(0, r.exit, r.toString());
            assertEquals("load test message number " + i + "\n", r.out, "process " + i + " got its own answer");
            if (gnuTime) rssKb.add(Long.parseLong(Files.readString(rssDir.resolve("rss-" + i)).strip().replaceAll("(?s).*\\n", "")));
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(50, mock.count("chat"));
        assertNotNull(new ConversationMemory(home).defaultBot(), "chat.json survived 50 concurrent writers");
        Collections.sort(rssKb);
        figure("load: 50 concurrent coze-chat processes, all correct, " + ms + " ms in all"
                + (rssKb.isEmpty() ? " (GNU time not installed: no RSS)" : ", peak RSS per process median "
                + rssKb.get(rssKb.size() / 2) / 1024 + " MiB, max " + rssKb.get(rssKb.size() - 1) / 1024 + " MiB"));
    }

    /** A whole answer bigger than the old 1 MiB cap is read (parsed as it arrives, in the commands' 64 MB heap); past the cap, one line. */
    @Test
    void bigSuccessfulAnswersAreReadWhole() throws Exception {
        for (int size : new int[] {1_100_000, 16_000_000}) {
            byte[] head = "{\"code\":0,\"msg\":\"\",\"data\":\"{\\\"output\\\":\\\"".getBytes(StandardCharsets.US_ASCII);
            byte[] chunk = "a".repeat(100_000).getBytes(StandardCharsets.US_ASCII);
            try (HostileServer coze = HostileServer.start("application/json", out -> {
                out.write(head);
                for (int i = 0; i < size / chunk.length; i++) out.write(chunk);
                out.write("\\\"}\"}".getBytes(StandardCharsets.US_ASCII));
            })) {
                long t0 = System.nanoTime();
                TestSupport.Result r = TestSupport.script(CozeWorkflow.class, home, "7501", "--no-stream").env("COZE_API_BASE", coze.baseUrl()).pat().run();
                assertEquals(0, r.exit, r.err);
                assertEquals(size + "{\"output\":\"\"}\n".length(), r.out.length(), "the whole output");
                assertTrue(r.out.startsWith("{\"output\":\"aaa") && r.out.endsWith("aaa\"}\n"), r.err);
                figure("coze-workflow --no-stream, a " + size / 1_000_000.0 + " MB output: whole, in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            }
        }
        // Blanks cost the parser no memory, so this reaches the cap itself rather than the heap.
        try (HostileServer coze = HostileServer.start("application/json", out -> {
            out.write("{\"code\":0,\"data\":\"x\"".getBytes(StandardCharsets.US_ASCII));
            byte[] blanks = " ".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 20; i++) out.write(blanks);
            out.write('}');
        })) {
            TestSupport.Result r = TestSupport.script(CozeWorkflow.class, home, "7501", "--no-stream").env("COZE_API_BASE", coze.baseUrl()).pat().run();
            assertEquals(1, r.exit, r.toString());
            assertEquals(List.of("coze-workflow: error: Coze's answer is larger than 16 MiB, more than this command reads"), r.err.lines().toList());
        }
    }

    /** --no-stream honours --idle-timeout: a chat that stays in_progress is given up on, not polled for ever. */
    @Test
    void aPolledChatThatMakesNoProgressTimesOut() throws Exception {
        try (HostileServer coze = HostileServer.start("application/json", out -> out.write(
                "{\"code\":0,\"data\":{\"id\":\"c1\",\"conversation_id\":\"v1\",\"status\":\"in_progress\"}}".getBytes(StandardCharsets.UTF_8)))) {
            long t0 = System.nanoTime();
            TestSupport.Result r = TestSupport.script(CozeChat.class, home, "--bot", "7443", "--no-stream", "--idle-timeout", "2s", "hi")
                    .env("COZE_API_BASE", coze.baseUrl()).pat().run();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(5, r.exit, r.toString());
            assertEquals(List.of("coze-chat: error: the chat stayed in_progress on Coze for 2 s; try again, or raise --idle-timeout"), r.err.lines().toList());
            figure("--no-stream, a chat stuck in_progress with --idle-timeout 2s: exit 5 after " + ms + " ms");
        }
    }
}
