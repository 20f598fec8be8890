import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lib.core.Json;
import mock.MockServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * coze-serve end to end: the real command in front of coze-mock, used by the official OpenAI Node SDK
 * (pinned in tests/openai/package-lock.json) and, for what the SDK hides, by plain HTTP.
 */
@ExtendWith(MockHome.class)
class ServeTest {
    static final Path SDK = TestSupport.ROOT.resolve("tests/openai");
    static final String KEY = "sk-serve-test-SENTINEL-7d2e";

    MockServer mock;
    Path home;

    @Test
    void theOfficialOpenAiSdkChatsWithTheBotsThroughCozeServe() throws Exception {
        Assumptions.assumeTrue(TestSupport.onPath("node") && TestSupport.onPath("npm") || System.getenv("CI") != null,
                "Node.js is not installed (CI installs it)");
        if (!Files.isDirectory(SDK.resolve("node_modules/openai")))
            assertEquals(0, TestSupport.runIn(SDK, List.of("npm", "ci", "--no-audit", "--no-fund"), 300).exit, "npm ci");
        Path keyFile = Files.writeString(Files.createTempFile("coze-serve", ".key"), KEY + "\n");
        TestSupport.Running serve = serve("--port", "0", "--api-key-file", keyFile.toString());
        try {
            String base = baseUrl(serve);
            JsonObject seen = sdk(base, "models", "whole", "sent", "image", "stream", "streamNoUsage", "badKey", "unknownModel", "badRequest", "concurrent");

            List<String> ids = seen.getAsJsonObject("models").getAsJsonArray("ids").asList().stream().map(e -> e.getAsString()).toList();
            assertTrue(ids.containsAll(List.of("echo", "reasoner", "multi")), ids.toString());
            assertEquals("echo", Json.str(seen.getAsJsonObject("models"), "byName"), "a bot's name finds its model");

            JsonObject whole = seen.getAsJsonObject("whole");
            assertEquals("chat.completion", Json.str(whole, "object"));
            assertEquals("hello there", Json.str(whole, "content"), "the last user message, its text parts joined, is the question");
            assertEquals("assistant", Json.str(whole, "role"));
            assertEquals("stop", Json.str(whole, "finish"));
            assertEquals(11, whole.getAsJsonObject("usage").get("prompt_tokens").getAsInt(), "Coze's input_count");
            assertTrue(whole.getAsJsonObject("usage").get("total_tokens").getAsInt() > 11, whole.toString());

            JsonObject image = seen.getAsJsonObject("image");
            assertEquals("what is this? [image image.png]", Json.str(image, "uploaded"), "a data URL is uploaded, then sent as its file_id");
            assertEquals("and this? [image https://example.com/cat.jpg]", Json.str(image, "linked"), "a link goes as file_url");
            assertEquals("read it [file notes.txt]", Json.str(image, "file"), "a file part keeps its name");
            assertEquals(2, mock.count("files.upload"), "two uploads, no more");

            JsonObject stream = seen.getAsJsonObject("stream");
            assertEquals("The answer is 42.", Json.str(stream, "content"));
            assertEquals("Let me think about it.", Json.str(stream, "reasoning"), "reasoning deltas as reasoning_content");
            assertEquals("[\"assistant\"]", stream.get("roles").toString(), "the role comes once, first");
            assertEquals("stop", Json.str(stream, "finish"));
            assertEquals(3, stream.getAsJsonObject("usage").get("completion_tokens").getAsInt(), "include_usage: a last chunk with usage");
            assertTrue(seen.getAsJsonObject("streamNoUsage").get("usage").isJsonNull(), "no usage unless asked for");
            assertEquals("no usage please", Json.str(seen.getAsJsonObject("streamNoUsage"), "content"));

            assertEquals("AuthenticationError", Json.str(seen.getAsJsonObject("badKey"), "name"));
            assertEquals(401, seen.getAsJsonObject("badKey").get("status").getAsInt());
            assertEquals("NotFoundError", Json.str(seen.getAsJsonObject("unknownModel"), "name"));
            assertEquals("model_not_found", Json.str(seen.getAsJsonObject("unknownModel"), "code"));
            assertEquals(400, seen.getAsJsonObject("badRequest").get("status").getAsInt());
            assertEquals(50, seen.getAsJsonObject("concurrent").get("complete").getAsInt(), "50 streams at once, each whole");
            JsonObject sent = seen.getAsJsonObject("sent");
            assertEquals("openai-user", Json.str(sent, "user_id"), "`user` is Coze's user_id");
            assertEquals(List.of("user:question:first", "assistant:answer:first answer", "user:question:second"),
                    sent.getAsJsonArray("additional_messages").asList().stream().map(e -> e.getAsJsonObject())
                            .map(m -> Json.str(m, "role") + ":" + Json.str(m, "type") + ":" + Json.str(m, "content")).toList(),
                    "the earlier turns, then the question; the system message left out");

            mock.setFaults("gate");
            JsonObject abort = sdk(base, "abort").getAsJsonObject("abort");
            assertEquals("abc", Json.str(abort, "first"), "the first delta arrived, then the client aborted");
            assertTrue(awaitCount("canceled", 1), "coze-serve cancelled the chat on Coze: " + serve.err());
            mock.gate.release();
            assertFalse(serve.err().contains(KEY), "the key is never printed");
            assertTrue(serve.process.isAlive(), "the server goes on after a client left: " + serve.err());
        } finally {
            mock.gate.release(100);
            stop(serve);
        }
    }

    /** What the SDK hides: the Host check, Coze's rate limit and failures, unknown paths; and Ctrl-C. */
    @Test
    void statusesAreOpenAisAndCtrlCStopsTheServer() throws Exception {
        TestSupport.Running serve = serve("--port", "0");
        String base = baseUrl(serve);
        HttpClient client = HttpClient.newHttpClient();
        String port = URI.create(base).getPort() + "";

        assertTrue(rawGet(base, "evil.example:" + port).startsWith("HTTP/1.1 400 "), "a Host other than loopback's (DNS rebinding) is refused");
        assertTrue(rawGet(base, "127.0.0.1:" + port).startsWith("HTTP/1.1 200 "), "the loopback Host is answered");
        HttpResponse<String> local = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/models")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, local.statusCode(), local.body());

        mock.setFaults("http429=100", "retry-after=3600");
        HttpResponse<String> limited = post(client, base, "{\"model\":\"echo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(429, limited.statusCode(), limited.body());
        assertEquals("rate_limit_error", Json.str(Json.object(limited.body()).getAsJsonObject("error"), "type"));
        mock.setFaults("json-error=4000");
        HttpResponse<String> failed = post(client, base, "{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(502, failed.statusCode(), failed.body());
        mock.setFaults();
        HttpResponse<String> notJson = post(client, base, "{\"model\":");
        assertEquals(400, notJson.statusCode(), notJson.body());
        HttpResponse<String> ok = post(client, base, "{\"model\":\"Multi\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(200, ok.statusCode(), "the server goes on after failed requests: " + ok.body());
        assertEquals("First answer.Second answer.", Json.str(Json.object(ok.body()).getAsJsonArray("choices").get(0).getAsJsonObject()
                .getAsJsonObject("message"), "content"));
        HttpResponse<String> unknown = client.send(HttpRequest.newBuilder(URI.create(base + "/embeddings")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, unknown.statusCode());

        new ProcessBuilder("kill", "-INT", String.valueOf(serve.process.pid())).start().waitFor();
        TestSupport.Result r = serve.finish();
        assertEquals(130, r.exit, r.toString());
        assertTrue(r.err.contains("coze-serve: stopping"), r.err);
    }

    /** A stored login Coze ends while the server runs: 503 and "coze-login", and the server goes on for when it is back. */
    @Test
    void anEndedLoginIs503WithWhatToRun() throws Exception {
        new lib.auth.TokenStore(home, w -> { }).save(new lib.auth.TokenStore.Login("pkce", mock.baseUrl(), "c.app.coze", "at-expired",
                "rt-revoked", 1, "u-1"));
        TestSupport.Running serve = TestSupport.script(CozeServe.class, home, "--port", "0").start();
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl(serve) + "/models")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, r.statusCode(), r.body());
            String message = Json.str(Json.object(r.body()).getAsJsonObject("error"), "message");
            assertTrue(message.contains("has ended") && message.contains("coze-login"), message);
            assertTrue(serve.process.isAlive(), serve.err());
        } finally {
            stop(serve);
        }
    }

    @Test
    void listeningOffLoopbackNeedsAKey() throws Exception {
        TestSupport.Result r = TestSupport.script(CozeServe.class, home, "--bind", "0.0.0.0", "--port", "0").api(mock).pat().run();
        assertEquals(2, r.exit, r.toString());
        assertTrue(r.err.contains("needs an API key") && r.err.contains("--api-key-file"), r.err);
    }

    private TestSupport.Running serve(String... args) throws IOException {
        return TestSupport.script(CozeServe.class, home, args).api(mock).pat().start();
    }

    private static String baseUrl(TestSupport.Running serve) throws InterruptedException {
        Pattern url = Pattern.compile("serving your bots at (http://\\S+/v1)");
        long end = System.nanoTime() + TestSupport.LIMIT.toNanos();
        while (System.nanoTime() < end && serve.process.isAlive()) {
            Matcher m = url.matcher(serve.err());
            if (m.find()) return m.group(1);
            Thread.sleep(20);
        }
        throw new AssertionError("coze-serve did not say where it serves: " + serve.err());
    }

    /** The status line of a GET /v1/models sent with this Host header (HttpClient does not let a caller set it). */
    private static String rawGet(String base, String host) throws IOException {
        URI uri = URI.create(base);
        try (java.net.Socket s = new java.net.Socket(uri.getHost(), uri.getPort())) {
            s.getOutputStream().write(("GET /v1/models HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static HttpResponse<String> post(HttpClient client, String base, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + "/chat/completions")).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonObject sdk(String base, String... scenarios) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", "check.mjs", base, KEY));
        command.addAll(List.of(scenarios));
        TestSupport.Result r = TestSupport.runIn(SDK, command, 120);
        assertEquals(0, r.exit, r.toString());
        return Json.object(r.out.strip());
    }

    private boolean awaitCount(String what, int n) throws InterruptedException {
        long end = System.nanoTime() + TestSupport.LIMIT.toNanos();
        while (mock.count(what) < n && System.nanoTime() < end) Thread.sleep(20);
        return mock.count(what) == n;
    }

    private static void stop(TestSupport.Running serve) throws InterruptedException {
        serve.process.destroy();
        serve.process.waitFor(10, TimeUnit.SECONDS);
    }
}
