import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import lib.auth.CozeOAuth;
import lib.auth.Pkce;
import lib.core.Json;
import lib.core.Urls;
import lib.http.SseParser;
import mock.MockFaults;
import mock.MockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** coze-mock's endpoints over real HTTP: what a client of the Coze cloud would see. */
@ExtendWith(MockHome.class)
class MockTest {
    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    MockServer mock;

    HttpResponse<String> call(String method, String path, String body, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(mock.baseUrl() + path)).timeout(Duration.ofSeconds(20));
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        if (body != null) b.header("Content-Type", method.equals("FORM") ? "application/x-www-form-urlencoded" : "application/json");
        b.method(method.equals("FORM") ? "POST" : method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonObject json(HttpResponse<String> r) {
        return Json.object(r.body());
    }

    /** Authorizes through the consent form like a browser; returns the redirect's query. */
    Map<String, String> consent(String challenge, String method, String decision) throws Exception {
        String q = "response_type=code&client_id=c.app.coze&redirect_uri=" + Urls.encode("http://127.0.0.1:9/cb")
                + "&state=s%2F1&code_challenge=" + challenge + "&code_challenge_method=" + method;
        HttpResponse<String> page = call("GET", "/api/permission/oauth2/authorize?" + q, null, null);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Authorize") && page.body().contains("<form"), page.body());
        HttpResponse<String> r = call("FORM", "/api/permission/oauth2/authorize", q + "&decision=" + decision, null);
        assertEquals(302, r.statusCode());
        String location = r.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith("http://127.0.0.1:9/cb?"), location);
        return Urls.query(URI.create(location).getRawQuery());
    }

    String tokenRequest(String... kv) {
        JsonObject o = new JsonObject();
        for (int i = 0; i < kv.length; i += 2) o.addProperty(kv[i], kv[i + 1]);
        return o.toString();
    }

    /** Over HTTPS, as Coze is: coze-mock serves a key store's certificate, and coze-chat, trusting it, streams as over HTTP. */
    @Test
    void theMockServesHttpsAndCozeChatStreamsOverIt() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("coze-mock-tls");
        String keytool = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        java.nio.file.Path keys = dir.resolve("mock.p12"), cert = dir.resolve("mock.pem"), trust = dir.resolve("trust.p12");
        for (java.util.List<String> step : java.util.List.of(
                java.util.List.of(keytool, "-genkeypair", "-alias", "m", "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1",
                        "-keystore", keys.toString(), "-storetype", "PKCS12", "-storepass", "secret1"),
                java.util.List.of(keytool, "-exportcert", "-alias", "m", "-keystore", keys.toString(), "-storepass", "secret1", "-file", cert.toString()),
                java.util.List.of(keytool, "-importcert", "-noprompt", "-alias", "m", "-file", cert.toString(), "-keystore", trust.toString(),
                        "-storetype", "PKCS12", "-storepass", "secret2")))
            assertEquals(0, new ProcessBuilder(step).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(), step.toString());
        MockServer.Config config = new MockServer.Config();
        config.pats.add(TestSupport.PAT);
        config.tlsKeyStore = keys;
        config.tlsPassword = "secret1".toCharArray();
        MockServer https = MockServer.start(config);
        try {
            assertTrue(https.baseUrl().startsWith("https://127.0.0.1:"), https.baseUrl());
            TestSupport.Result r = TestSupport.script(CozeChat.class, dir, "--bot", "echo", "over TLS").env("COZE_API_BASE", https.baseUrl()).pat()
                    .jvm("-Djavax.net.ssl.trustStore=" + trust, "-Djavax.net.ssl.trustStorePassword=secret2").run();
            assertEquals(0, r.exit, r.toString());
            assertEquals("over TLS\n", r.out);
            TestSupport.Result untrusted = TestSupport.script(CozeChat.class, dir, "--bot", "echo", "hi").env("COZE_API_BASE", https.baseUrl()).pat().run();
            assertEquals(5, untrusted.exit, "a certificate nobody vouches for is refused: " + untrusted);
        } finally {
            https.stop();
        }
    }

    /** coze-mock as a command people use: its mistakes are one-line usage errors, and --help explains every fault. */
    @Test
    void theMocksCommandLineSaysWhatIsWrongInOneLine() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("coze-mock-cli");
        java.nio.file.Path notJson = java.nio.file.Files.writeString(dir.resolve("bots.json"), "{\"bots\": 3}");
        for (String[] args : new String[][] {{"--fault", "bogus"}, {"--fault", "drip=fast"}, {"--bots", dir.resolve("missing.json").toString()},
                {"--bots", notJson.toString()}, {"exec", "--fault", "nope", "--", "true"}}) {
            TestSupport.Result r = TestSupport.script(CozeMock.class, dir, args).run();
            assertEquals(2, r.exit, String.join(" ", args) + ": " + r);
            assertEquals(1, r.err.lines().count(), r.err);
            assertTrue(r.err.startsWith("coze-mock: error: ") && !r.err.contains("this is a bug"), r.err);
        }
        TestSupport.Result help = TestSupport.script(CozeMock.class, dir, "--help").run();
        for (var fault : MockFaults.KNOWN.entrySet())
            assertTrue(help.out.contains(fault.getKey()) && help.out.contains(fault.getValue()), "--help explains " + fault.getKey() + ":\n" + help.out);
        TestSupport.Result exec = TestSupport.script(CozeMock.class, dir, "exec", "--", "sh", "-c", "echo $COZE_NO_CONTINUE_HINTS").run();
        assertEquals("true\n", exec.out, "exec tells the commands their home is thrown away: " + exec);
    }

    /** exec is like env or time: Ctrl-C at the terminal reaches the command (the REPL clears its line) and the server stays up for it. */
    @Test
    void execLeavesCtrlCToTheCommandAndServesItUntilItEnds() throws Exception {
        Path dir = Files.createTempDirectory("coze-mock-exec");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        TestSupport.Running repl = TestSupport.script(CozeMock.class, dir, "exec", "--", java, "-cp", System.getProperty("java.class.path"),
                "CozeChat", "--bot", "echo").env("NO_COLOR", "1").inTerminal().start();
        assertTrue(repl.awaitOut("you> "), repl.out());
        repl.type("\u0003");
        assertTrue(repl.awaitOut("(Ctrl-D or /exit to leave)"), repl.screen());
        repl.type("still here\r");
        assertTrue(repl.awaitOut("still here\nconversation "), "the server still answers: " + repl.screen());
        repl.type("/exit\r");
        TestSupport.Result r = repl.finish();
        assertEquals(0, r.exit, r.toString());
        assertFalse(r.out.contains("Exception"), r.out);
        TestSupport.Result missing = TestSupport.script(CozeMock.class, dir, "exec", "--", "no-such-command-here").run();
        assertEquals(127, missing.exit, "as env says a command it cannot run: " + missing);
    }

    @Test
    void pkceRoundTripWithVerifierCheckAndSingleUseCode() throws Exception {
        Pkce pkce = Pkce.create();
        Map<String, String> q = consent(pkce.challenge(), "S256", "authorize");
        assertEquals("s/1", q.get("state"));
        String code = q.get("code");
        HttpResponse<String> wrong = call("POST", "/api/permission/oauth2/token", tokenRequest("grant_type", "authorization_code",
                "client_id", "c.app.coze", "code", code, "redirect_uri", "http://127.0.0.1:9/cb", "code_verifier", "nope"), null);
        assertEquals("invalid_grant", Json.str(json(wrong), "error_code"));
        Map<String, String> q2 = consent(pkce.challenge(), "S256", "authorize");
        HttpResponse<String> ok = call("POST", "/api/permission/oauth2/token", tokenRequest("grant_type", "authorization_code",
                "client_id", "c.app.coze", "code", q2.get("code"), "redirect_uri", "http://127.0.0.1:9/cb", "code_verifier", pkce.verifier()), null);
        assertEquals(200, ok.statusCode(), ok.body());
        JsonObject t = json(ok);
        assertTrue(Json.num(t, "expires_in", 0) > 1_000_000_000L, "expires_in is an absolute Unix time");
        assertEquals("Bearer", Json.str(t, "token_type"));
        assertTrue(ok.headers().firstValue("x-tt-logid").isPresent());
        HttpResponse<String> again = call("POST", "/api/permission/oauth2/token", tokenRequest("grant_type", "authorization_code",
                "client_id", "c.app.coze", "code", q2.get("code"), "redirect_uri", "http://127.0.0.1:9/cb", "code_verifier", pkce.verifier()), null);
        assertEquals("invalid_grant", Json.str(json(again), "error_code"));
        HttpResponse<String> form = call("FORM", "/api/permission/oauth2/token", "grant_type=authorization_code", null);
        assertEquals("invalid_request", Json.str(json(form), "error_code"), "JSON bodies only");
    }

    @Test
    void denyRedirectsWithAccessDenied() throws Exception {
        Map<String, String> q = consent("x", "plain", "deny");
        assertEquals("access_denied", q.get("error"));
        assertEquals("s/1", q.get("state"));
        assertNull(q.get("code"));
    }

    @Test
    void refreshRotatesAndReuseRevokesTheFamily() throws Exception {
        JsonObject first = mock.issueTokens("c.app.coze", Duration.ofMinutes(5));
        String rt1 = Json.str(first, "refresh_token");
        JsonObject second = json(call("POST", "/api/permission/oauth2/token", tokenRequest("grant_type", "refresh_token", "client_id", "c.app.coze", "refresh_token", rt1), null));
        String rt2 = Json.str(second, "refresh_token");
        assertNotEquals(rt1, rt2);
        HttpResponse<String> reuse = call("POST", "/api/permission/oauth2/token", tokenRequest("grant_type", "refresh_token", "client_id", "c.app.coze", "refresh_token", rt1), null);
        assertEquals("invalid_grant", Json.str(json(reuse), "error_code"));
        assertEquals(1, mock.count("reuse_detected"));
        HttpResponse<String> afterRevoke = call("POST", "/api/permission/oauth2/token", tokenRequest("grant_type", "refresh_token", "client_id", "c.app.coze", "refresh_token", rt2), null);
        assertEquals("invalid_grant", Json.str(json(afterRevoke), "error_code"), "the whole family is revoked");
        HttpResponse<String> chat = call("GET", "/v1/conversations", null, Json.str(second, "access_token"));
        assertEquals(4100, Json.num(json(chat), "code", 0), "access tokens of a revoked family stop working");
    }

    @Test
    void deviceFlowStates() throws Exception {
        JsonObject dc = json(call("POST", "/api/permission/oauth2/device/code", tokenRequest("client_id", "d.app.coze"), null));
        String poll = tokenRequest("grant_type", CozeOAuth.DEVICE_GRANT, "client_id", "d.app.coze", "device_code", Json.str(dc, "device_code"));
        assertEquals("authorization_pending", Json.str(json(call("POST", "/api/permission/oauth2/token", poll, null)), "error_code"));
        assertEquals("slow_down", Json.str(json(call("POST", "/api/permission/oauth2/token", poll, null)), "error_code"));
        HttpResponse<String> approve = call("FORM", "/device", "user_code=" + Json.str(dc, "user_code") + "&decision=authorize", null);
        assertEquals(200, approve.statusCode());
        mock.setFaults("device-fast-ok");
        assertNotNull(Json.str(json(call("POST", "/api/permission/oauth2/token", poll, null)), "access_token"));
        assertEquals("invalid_grant", Json.str(json(call("POST", "/api/permission/oauth2/token", poll, null)), "error_code"), "single use");
        JsonObject dc2 = json(call("POST", "/api/permission/oauth2/device/code", tokenRequest("client_id", "d.app.coze"), null));
        call("FORM", "/device", "user_code=" + Json.str(dc2, "user_code") + "&decision=deny", null);
        String poll2 = tokenRequest("grant_type", CozeOAuth.DEVICE_GRANT, "client_id", "d.app.coze", "device_code", Json.str(dc2, "device_code"));
        assertEquals("access_denied", Json.str(json(call("POST", "/api/permission/oauth2/token", poll2, null)), "error_code"));
    }

    static final String CHAT = "{\"bot_id\":\"echo\",\"user_id\":\"u\",\"stream\":true,\"additional_messages\":[{\"role\":\"user\",\"type\":\"question\",\"content\":\"hi there\",\"content_type\":\"text\"}]}";

    @Test
    void streamIsInCozeWireFormat() throws Exception {
        HttpResponse<String> r = call("POST", "/v3/chat", CHAT, TestSupport.PAT);
        assertEquals("text/event-stream", r.headers().firstValue("Content-Type").orElse(""));
        String body = r.body();
        assertTrue(body.startsWith("event:conversation.chat.created\ndata:{"), body);
        assertTrue(body.endsWith("\n\nevent:done\ndata:\"[DONE]\"\n\n"), body);
        String[] order = {"conversation.chat.created", "conversation.chat.in_progress", "conversation.message.delta",
                "conversation.message.completed", "conversation.chat.completed", "done"};
        int at = 0;
        for (String e : order) {
            int i = body.indexOf("event:" + e + "\n", at);
            assertTrue(i >= at, e + " in order");
            at = i;
        }
        assertFalse(body.contains("data: "), "Coze sends data: with no space");
        StringBuilder answer = new StringBuilder();
        SseParser p = new SseParser((type, data, id) -> {
            if (type.equals("conversation.message.delta")) answer.append(Json.str(Json.object(data), "content"));
        });
        p.feed(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("hi there", answer.toString());
    }

    @Test
    void errorsComeAsEnvelopesWithHttp200OnChat() throws Exception {
        HttpResponse<String> noToken = call("POST", "/v3/chat", CHAT, null);
        assertEquals(200, noToken.statusCode());
        assertEquals(4101, Json.num(json(noToken), "code", 0));
        assertEquals(noToken.headers().firstValue("x-tt-logid").orElseThrow(), Json.str(Json.obj(json(noToken), "detail"), "logid"));
        HttpResponse<String> noBot = call("POST", "/v3/chat", CHAT.replace("\"echo\"", "\"123\""), TestSupport.PAT);
        assertEquals(4200, Json.num(json(noBot), "code", 0));
        assertEquals(401, call("GET", "/v1/conversations", null, "bad").statusCode(), "other endpoints answer 401");
    }

    @Test
    void conversationsMessagesPollingAndCancel() throws Exception {
        JsonObject conv = Json.obj(json(call("POST", "/v1/conversation/create", "{\"bot_id\":\"echo\"}", TestSupport.PAT)), "data");
        String cid = Json.str(conv, "id");
        JsonObject created = Json.obj(json(call("POST", "/v3/chat?conversation_id=" + cid, CHAT.replace("true", "false"), TestSupport.PAT)), "data");
        assertEquals("in_progress", Json.str(created, "status"));
        String chatId = Json.str(created, "id");
        HttpResponse<String> busy = call("POST", "/v3/chat?conversation_id=" + cid, CHAT, TestSupport.PAT);
        assertEquals(4016, Json.num(json(busy), "code", 0), "one chat at a time per conversation");
        String status = "";
        for (int i = 0; i < 50 && !status.equals("completed"); i++) {
            Thread.sleep(100);
            status = Json.str(Json.obj(json(call("GET", "/v3/chat/retrieve?conversation_id=" + cid + "&chat_id=" + chatId, null, TestSupport.PAT)), "data"), "status");
        }
        assertEquals("completed", status);
        String list = call("GET", "/v3/chat/message/list?conversation_id=" + cid + "&chat_id=" + chatId, null, TestSupport.PAT).body();
        assertTrue(list.contains("\"type\":\"answer\"") && list.contains("hi there"), list);
        JsonObject history = json(call("POST", "/v1/conversation/message/list?conversation_id=" + cid, "{\"order\":\"asc\"}", TestSupport.PAT));
        assertEquals(2, history.getAsJsonArray("data").size(), "question and answer are kept: " + history);
        assertTrue(history.has("has_more") && history.has("first_id"), "the list is not wrapped in data");
        assertEquals(4104, Json.num(json(call("POST", "/v3/chat/cancel", "{\"conversation_id\":\"" + cid + "\",\"chat_id\":\"" + chatId + "\"}", TestSupport.PAT)), "code", 0));
        assertEquals(cid, Json.str(Json.obj(json(call("GET", "/v1/conversation/retrieve?conversation_id=" + cid, null, TestSupport.PAT)), "data"), "id"));
        String listed = call("GET", "/v1/conversations?bot_id=echo", null, TestSupport.PAT).body();
        assertTrue(listed.contains(cid), listed);
    }

    @Test
    void faultsChangeTheWire() throws Exception {
        mock.setFaults("crlf");
        assertTrue(call("POST", "/v3/chat", CHAT, TestSupport.PAT).body().contains("event:done\r\ndata:\"[DONE]\"\r\n\r\n"));
        mock.setFaults("http429=1", "retry-after=2");
        HttpResponse<String> limited = call("POST", "/v3/chat", CHAT, TestSupport.PAT);
        assertEquals(429, limited.statusCode());
        assertEquals("2", limited.headers().firstValue("Retry-After").orElse(""));
        mock.setFaults("cut=3");
        String cut = call("POST", "/v3/chat", CHAT, TestSupport.PAT).body();
        assertFalse(cut.contains("event:done"));
        mock.setFaults("drop=3");
        assertThrows(IOException.class, () -> call("POST", "/v3/chat", CHAT, TestSupport.PAT), "an abrupt drop, not a clean end");
    }
}
