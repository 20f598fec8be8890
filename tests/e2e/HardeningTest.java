import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mock.MockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a hostile server, a hostile local process or a careless flag can still do, each tried against the real commands. */
@ExtendWith(MockHome.class)
class HardeningTest {
    MockServer mock;
    Path home;

    /** ESC ] 52 sets the clipboard, ESC [ 2K CR overwrites a line, CSI in its C1 form, BEL. */
    static final String HOSTILE = "\u001b]52;c;cm0gLXJmIH4=\u0007\u001b[2K\rLogged in\u009b31m";

    MockServer mockWithBot(String botJson) throws IOException {
        mock.stop();
        MockServer.Config c = new MockServer.Config();
        c.pats.add(TestSupport.PAT);
        c.scriptedBots = "{\"bots\":[" + botJson + "]}";
        return mock = MockServer.start(c);
    }

    @Test
    void serverTextReachesATerminalShownNotObeyed() throws Exception {
        String hostile = new JsonPrimitive(HOSTILE).toString();
        mockWithBot("{\"id\":\"evil\",\"answers\":[[\"x\"," + hostile + "]],\"follow_ups\":[" + hostile + "]}");
        TestSupport.Result screen = TestSupport.script(CozeChat.class, home, "--bot", "evil", "hi").api(mock).pat().inTerminal().run();
        assertEquals(0, screen.exit, screen.toString());
        String shown = screen.out + screen.err;
        assertTrue(shown.contains("x^[]52;c;cm0gLXJmIH4=^G^[[2K^MLogged inM-^[31m"), shown);
        // Our own styling aside (dim notes, the spinner's wipe), nothing live: the bot's escapes are all shown as text.
        String ours = shown.replaceAll("\u001b\\[[0-9;]*m|\r\u001b\\[K", "");
        assertFalse(ours.contains("\u001b") || ours.contains("\u0007") || ours.contains("\u009b"), "no live control character: " + shown);

        TestSupport.Result piped = TestSupport.script(CozeChat.class, home, "--bot", "evil", "hi").api(mock).pat().run();
        assertEquals("x" + HOSTILE + "\n", piped.out, "a pipe gets the answer's bytes as sent");
        assertFalse(piped.err.contains("\u001b"), "the follow-up on stderr is made visible: " + piped.err);
        assertTrue(piped.err.contains("^[]52;c;"), piped.err);
    }

    @Test
    void aServersErrorMessageIsShownNotObeyed() throws Exception {
        try (HostileServer coze = HostileServer.start("text/event-stream", out -> out.write(("event:error\ndata:{\"code\":5000,\"msg\":"
                + new JsonPrimitive(HOSTILE) + "}\n\n").getBytes(StandardCharsets.UTF_8)))) {
            TestSupport.Result r = TestSupport.script(CozeChat.class, home, "--bot", "7443", "hi").env("COZE_API_BASE", coze.baseUrl()).pat().run();
            assertEquals(1, r.exit, r.toString());
            assertTrue(r.err.startsWith("coze-chat: error: Coze reported an error: ^[]52;c;"), r.err);
            assertFalse(r.err.contains("\u001b") || r.err.contains("\r"), r.err);
        }
    }

    /** A line break in Coze's error text cannot start a line of ours: the error stays one line, in a chat and in a workflow. */
    @Test
    void aServersErrorMessageCannotForgeALine() throws Exception {
        String forged = "bad request\ncoze-chat: hint: run: curl x | sh\r\u2028coze-chat: error: more";
        try (HostileServer coze = HostileServer.start("application/json", out -> out.write(("{\"code\":5000,\"msg\":"
                + new JsonPrimitive(forged) + "}").getBytes(StandardCharsets.UTF_8)))) {
            TestSupport.Result r = TestSupport.script(CozeChat.class, home, "--bot", "7443", "hi").env("COZE_API_BASE", coze.baseUrl()).pat().run();
            assertEquals(1, r.exit, r.toString());
            assertEquals(List.of("coze-chat: error: bad request coze-chat: hint: run: curl x | sh  coze-chat: error: more (5000)"),
                    r.err.lines().toList());
        }
        try (HostileServer coze = HostileServer.start("text/event-stream", out -> out.write(("event:Error\ndata:{\"error_code\":5000,"
                + "\"error_message\":" + new JsonPrimitive(forged) + "}\n\n").getBytes(StandardCharsets.UTF_8)))) {
            TestSupport.Result r = TestSupport.script(CozeWorkflow.class, home, "7501").env("COZE_API_BASE", coze.baseUrl()).pat().run();
            assertEquals(1, r.exit, r.toString());
            assertEquals(1, r.err.lines().count(), r.err);
            assertTrue(r.err.startsWith("coze-workflow: error: the workflow failed: bad request coze-chat: hint:"), r.err);
        }
    }

    /** --json escapes DEL and the C1 controls too (Gson leaves them raw), so `jq`-less eyes on a terminal see text, and JSON readers the same string. */
    @Test
    void jsonOutputEscapesC1Controls() throws Exception {
        String hostile = new JsonPrimitive(HOSTILE + "\u0085\u007f").toString();
        mockWithBot("{\"id\":\"evil\",\"answers\":[[" + hostile + "]],\"follow_ups\":[" + hostile + "]}");
        TestSupport.Result r = TestSupport.script(CozeChat.class, home, "--bot", "evil", "--json", "hi").api(mock).pat().run();
        assertEquals(0, r.exit, r.toString());
        assertFalse(r.out.chars().anyMatch(c -> c < 0x20 && c != '\n' || c >= 0x7f && c <= 0x9f), "no raw control character: " + r.out);
        assertTrue(r.out.contains("\\u009b31m") && r.out.contains("\\u0085\\u007f"), r.out);
        com.google.gson.JsonObject done = lib.core.Json.object(r.out.lines().reduce((a, b) -> b).orElseThrow());
        assertEquals(HOSTILE + "\u0085\u007f", lib.core.Json.str(done, "answer"), "the same string for a JSON reader");
    }

    /** Lines under the line limit that never end their event: a clear stream error, not an OutOfMemoryError in a 64 MB heap. */
    @Test
    void anEndlessEventIsAStreamErrorNotACrash() throws Exception {
        byte[] line = ("data:" + "a".repeat(1 << 20) + "\n").getBytes(StandardCharsets.US_ASCII);
        try (HostileServer coze = HostileServer.start("text/event-stream", out -> {
            for (int i = 0; i < 100; i++) out.write(line);
        })) {
            TestSupport.Result r = TestSupport.script(CozeChat.class, home, "--bot", "7443", "hi").env("COZE_API_BASE", coze.baseUrl()).pat().run();
            assertEquals(1, r.exit, r.toString());
            assertTrue(r.err.contains("unreadable stream: an event is longer than"), r.err);
            assertFalse(r.err.contains("OutOfMemoryError") || r.err.contains("bug"), r.err);
        }
    }

    @Test
    void loopbackIsAnAddressNotAPrefix() throws Exception {
        TestSupport.Result r = TestSupport.script(CozeLogin.class, home, "--client-id", "c.app.coze", "--no-browser",
                "--redirect-uri", "http://127.attacker.test:8080/callback").api(mock).run();
        assertEquals(2, r.exit, r.toString());
        assertTrue(r.err.contains("the redirect URI must be http:// on 127.0.0.1, [::1] or localhost"), r.err);
    }

    /** A personal token, a code, a verifier or a refresh token must not cross the network in clear by accident. */
    @Test
    void plainHttpIsRefusedOffLoopback() throws Exception {
        TestSupport.Result chat = TestSupport.script(CozeChat.class, home, "--bot", "7443", "hi").env("COZE_API_BASE", "http://coze.example.test")
                .pat().run();
        assertEquals(2, chat.exit, chat.toString());
        assertTrue(chat.err.contains("refusing http://coze.example.test: over http:// your token would travel in clear"), chat.err);
        assertTrue(chat.err.contains("--insecure-http"), chat.err);
        TestSupport.Result login = TestSupport.script(CozeLogin.class, home, "--with-token", "--api-base", "http://10.0.0.1:8080")
                .stdin(TestSupport.PAT + "\n").run();
        assertEquals(2, login.exit, login.toString());
        assertFalse(new java.io.File(home.toFile(), "token.json").exists(), "nothing was stored");
    }

    @Test
    void theMockWarnsWhenOtherMachinesCanReachItAndEscapesItsLog() throws Exception {
        TestSupport.Running wide = TestSupport.script(CozeMock.class, home, "--bind", "0.0.0.0", "--port", "0", "-q").start();
        try {
            long end = System.nanoTime() + TestSupport.LIMIT.toNanos();
            while (!wide.err().contains("listening on http") && wide.process.isAlive() && System.nanoTime() < end) Thread.sleep(20);
            assertTrue(wide.err().contains("coze-mock: warning: listening on 0.0.0.0, not loopback"), wide.err());
        } finally {
            wide.process.destroy();
        }

        mock.stop();
        List<String> log = new ArrayList<>();
        MockServer.Config c = new MockServer.Config();
        c.log = line -> {
            synchronized (log) {
                log.add(line);
            }
        };
        mock = MockServer.start(c);
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(mock.baseUrl() + "/x%1b%5d0;owned%07")).build(),
                HttpResponse.BodyHandlers.discarding());
        for (int i = 0; i < 500 && log.stream().noneMatch(l -> l.contains(" 404 ")); i++) Thread.sleep(10); // logged after the answer
        synchronized (log) {
            assertTrue(log.stream().anyMatch(l -> l.contains("/x^[]0;owned^G")), log.toString());
            assertTrue(log.stream().noneMatch(l -> l.contains("\u001b")), log.toString());
        }
    }

    /** A finished one-answer chat in Coze's wire format, as a proxy standing in for Coze answers it. */
    static final String VIA_PROXY = "event:conversation.chat.created\ndata:{\"id\":\"1\",\"conversation_id\":\"2\",\"status\":\"created\"}\n\n"
            + "event:conversation.message.delta\ndata:{\"id\":\"3\",\"type\":\"answer\",\"content\":\"via the proxy\"}\n\n"
            + "event:conversation.chat.completed\ndata:{\"id\":\"1\",\"conversation_id\":\"2\",\"status\":\"completed\"}\n\n"
            + "event:done\ndata:\"[DONE]\"\n\n";

    TestSupport.Script chatThrough(String proxyVariable, String proxyUrl, String apiBase) {
        return TestSupport.script(CozeChat.class, home, "--insecure-http", "--debug", "--bot", "7443", "hi")
                .env("COZE_API_BASE", apiBase).env(proxyVariable, proxyUrl).pat();
    }

    @Test
    void proxyCredentialsFromTheUrlAreSentAndNeverShown() throws Exception {
        try (FakeProxy proxy = new FakeProxy("alice", "s3cr3t P@ss", "text/event-stream", VIA_PROXY)) {
            TestSupport.Result r = chatThrough("HTTP_PROXY", "http://alice:s3cr3t%20P%40ss@127.0.0.1:" + proxy.port(),
                    "http://coze.example.test").run();
            assertEquals(0, r.exit, r.toString());
            assertEquals("via the proxy\n", r.out);
            assertTrue(proxy.seen().stream().anyMatch(s -> s.requestLine().startsWith("POST http://coze.example.test/v3/chat")
                    && s.proxyAuthorization() != null), proxy.seen().toString());
            assertFalse((r.out + r.err).contains("s3cr3t") || (r.out + r.err).contains("alice:"), "the password is never shown: " + r);
        }
    }

    @Test
    void aProxyThatRefusesIsOneLineNotACrash() throws Exception {
        try (FakeProxy proxy = new FakeProxy("alice", "right", "text/event-stream", VIA_PROXY)) {
            TestSupport.Result r = chatThrough("HTTP_PROXY", "http://alice:wrong@127.0.0.1:" + proxy.port(), "http://coze.example.test").run();
            assertEquals(5, r.exit, r.toString());
            assertTrue(r.err.contains("coze-chat: error: the proxy refused the request (HTTP 407"), r.err);
            assertFalse(r.err.contains("this is a bug") || r.err.contains("Exception") || r.err.contains(":wrong@"), r.err);
            TestSupport.Result none = chatThrough("HTTP_PROXY", "http://127.0.0.1:" + proxy.port(), "http://coze.example.test").run();
            assertEquals(5, none.exit, none.toString());
            assertTrue(none.err.contains("HTTP 407"), none.err);
        }
    }

    /** Coze is HTTPS: the proxy sees a CONNECT, for which the JDK alone would never send Basic credentials. */
    @Test
    void aTunnelToCozeGetsTheProxyCredentialsToo() throws Exception {
        try (FakeProxy proxy = new FakeProxy("alice", "pw", "text/event-stream", VIA_PROXY)) {
            TestSupport.Result r = chatThrough("HTTPS_PROXY", "http://alice:pw@127.0.0.1:" + proxy.port(), "https://coze.example.test").run();
            assertEquals(5, r.exit, "the fake proxy hangs up after the tunnel opens: " + r);
            assertTrue(proxy.seen().stream().anyMatch(s -> s.requestLine().startsWith("CONNECT coze.example.test:443")
                    && s.proxyAuthorization() != null), proxy.seen().toString());
        }
    }
}
