import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import lib.auth.TokenStore;
import lib.core.Json;
import lib.core.Urls;
import mock.MockServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * coze-login end to end against coze-mock, with a scripted browser that follows the consent form.
 *
 * What a Coze Studio offers, a personal token with status and logout, also runs against coze-mock as
 * a Studio (the cases that take a Dialect). The browser, device and refresh cases stay on the cloud:
 * Studio has no OAuth (StudioTest checks the line and exit 2 a Studio login gets for them).
 */
@ExtendWith(MockHome.class)
class LoginTest {
    MockServer mock;
    Path home, page;
    String browser;
    int port;

    @BeforeEach
    void start() throws IOException {
        Path dir = Files.createTempDirectory("coze-browser");
        page = dir.resolve("page.html");
        Path script = dir.resolve("browser.sh");
        Files.writeString(script, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -cp '"
                + System.getProperty("java.class.path") + "' 'LoginTest$FakeBrowser' \"$1\" >>'" + dir.resolve("browser.log") + "' 2>&1\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        browser = script.toString();
        port = TestSupport.freePort();
    }

    TestSupport.Script login(String mode, String... args) {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("--client-id", "c.app.coze",
                "--redirect-uri", "http://127.0.0.1:" + port + "/callback"));
        if (!java.util.List.of(args).contains("--timeout")) all.addAll(java.util.List.of("--timeout", "30s"));
        all.addAll(java.util.List.of(args));
        return TestSupport.script(CozeLogin.class, home, all.toArray(new String[0])).api(mock).env("BROWSER", browser)
                .env("FAKE_BROWSER_MODE", mode).env("FAKE_BROWSER_PAGE", page.toString());
    }

    @Test
    void browserLoginStoresTheLoginAndPrintsNoSecret() throws Exception {
        TestSupport.Result r = login("approve", "--debug").run();
        assertEquals(0, r.exit, r.toString());
        assertEquals("", r.out);
        assertTrue(r.err.contains("/api/permission/oauth2/authorize?response_type=code"), "the URL is printed: " + r.err);
        assertTrue(r.err.contains("Logged in to"), r.err);
        TokenStore.Login login = new TokenStore(home, w -> {}).load();
        assertEquals("c.app.coze", login.clientId());
        assertNotNull(login.refreshToken());
        assertFalse(r.err.contains(login.accessToken()) || r.err.contains(login.refreshToken()), "no token in the output");
        // The browser writes the page after coze-login has its answer, so coze-login may be done first.
        String code = Urls.query(URI.create(TestSupport.awaitFile(Path.of(page + ".location"))).getRawQuery()).get("code");
        assertFalse(r.err.contains(code), "no authorization code in the output");
        String html = TestSupport.awaitFile(page);
        assertTrue(html.contains("Login complete, you can close this tab"), html);
        assertFalse(html.contains("code_") || html.contains("http"), "the page shows no code and links nowhere: " + html);
        TestSupport.Result again = login("fail").run();
        assertEquals(0, again.exit);
        assertTrue(again.err.contains("Already logged in"), again.err);
        TestSupport.Result status = TestSupport.script(CozeLogin.class, home, "status").run();
        assertEquals(0, status.exit, status.toString());
        assertTrue(status.out.contains("…" + login.accessToken().substring(login.accessToken().length() - 4)), status.out);
        assertFalse(status.out.contains(login.accessToken()));
    }

    @Test
    void denyEndsWithExit4AndNoTokenRequest() throws Exception {
        TestSupport.Result r = login("deny").run();
        assertEquals(4, r.exit, r.toString());
        assertTrue(r.err.contains("denied"), r.err);
        assertEquals(0, mock.count("token.authorization_code"));
        assertNull(new TokenStore(home, w -> {}).load());
    }

    @Test
    void wrongStateAndStrayRequestsDoNotAbortTheLogin() throws Exception {
        TestSupport.Result r = login("wrong-state-first").run();
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.err.contains("ignored a callback"), r.err);
        Files.delete(home.resolve("token.json"));
        assertEquals(0, login("favicon-first").run().exit);
    }

    @Test
    void timeoutFreesThePort() throws Exception {
        TestSupport.Result r = login("ignore", "--timeout", "1s").run();
        assertEquals(4, r.exit, r.toString());
        assertTrue(r.err.contains("no answer from the browser"), r.err);
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertTrue(s.isBound(), "the callback port was released");
        }
    }

    @Test
    void busyPortIsAClearError() throws Exception {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            TestSupport.Result r = login("approve").run();
            assertEquals(2, r.exit, "a local conflict, not a Coze error: " + r);
            assertTrue(r.err.contains("port " + port) && r.err.contains("--redirect-uri"), r.err);
            assertFalse(r.err.contains("this is a bug"), r.err);
        }
    }

    @Test
    void pastedRedirectCompletesTheLogin() throws Exception {
        TestSupport.Running run = login("none", "--no-browser", "--paste").interactive().start();
        long end = System.currentTimeMillis() + 30_000;
        while (!run.err().contains("Address:") && System.currentTimeMillis() < end) Thread.sleep(20);
        String url = run.err().lines().filter(l -> l.contains("authorize?")).findFirst().orElseThrow().strip();
        String location = FakeBrowser.consent(url, "authorize");
        run.process.getOutputStream().write((location + "\n").getBytes());
        run.process.getOutputStream().close();
        TestSupport.Result r = run.finish();
        assertEquals(0, r.exit, r.toString());
        assertNotNull(new TokenStore(home, w -> {}).load());
        Files.delete(home.resolve("token.json"));
        TestSupport.Result other = login("none", "--no-browser", "--paste").stdin(location + "\n").run();
        assertEquals(4, other.exit, "an address from another attempt is refused: " + other);
        assertTrue(other.err.contains("does not belong to this login"), other.err);
    }

    @Test
    void anEndlessLineOnStdinIsRefusedInOneLine() throws Exception {
        String endless = "head -c 300000000 /dev/zero | tr '\\0' x | \"$@\"";
        TestSupport.Result token = TestSupport.script(CozeLogin.class, home, "--with-token").api(mock).under("bash", "-c", endless, "sh").run();
        assertEquals(2, token.exit, token.toString());
        assertEquals("coze-login: error: the token on stdin is longer than 16384 bytes; give only the one line it asks for", token.err.strip(), token.err);
        TestSupport.Result paste = login("none", "--no-browser", "--paste").under("bash", "-c", endless, "sh").run();
        assertEquals(2, paste.exit, paste.toString());
        assertTrue(paste.err.contains("coze-login: error: the pasted address is longer than 65536 bytes"), paste.err);
        assertFalse(token.err.contains("Exception") || paste.err.contains("Exception"), token.err + paste.err);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void withTokenStatusAndLogout(Dialect d) throws Exception {
        mock = d.swap(mock);
        TestSupport.Result r = TestSupport.script(CozeLogin.class, home, "--with-token").api(mock).stdin(TestSupport.PAT + "\n").run();
        assertEquals(0, r.exit, r.toString());
        assertFalse(r.err.contains(TestSupport.PAT));
        TestSupport.Result status = TestSupport.script(CozeLogin.class, home, "status", "--json").run();
        assertEquals(0, status.exit, status.toString());
        JsonObject said = Json.object(status.out.strip());
        assertEquals("pat", Json.str(said, "kind"));
        assertEquals(d == Dialect.CLOUD ? "cloud" : "studio", Json.str(said, "site_kind"), "the site's kind, found out at login");
        assertEquals(d == Dialect.CLOUD, said.has("user"), "Studio cannot say who a token belongs to: " + status.out);
        assertFalse(status.out.contains(TestSupport.PAT));
        assertEquals("hi\n", TestSupport.script(CozeChat.class, home, "--bot", mock.botId("echo"), "hi").api(mock).run().out);
        TestSupport.Result out = TestSupport.script(CozeLogin.class, home, "logout").run();
        assertEquals(0, out.exit);
        assertTrue(out.err.contains("Removed"), out.err);
        assertEquals(4, TestSupport.script(CozeLogin.class, home, "status").run().exit);
    }

    /**
     * After Coze rejects a refresh: the login is remembered as ended, status says so (exit 4), the
     * next command says "log in again" without asking Coze, and a plain coze-login goes back to the
     * same site with the same client.
     */
    @Test
    void anEndedLoginIsReportedAtOnceAndLoggingInAgainGoesToTheSameSite() throws Exception {
        TokenStore store = new TokenStore(home, w -> {});
        store.save(new TokenStore.Login("pkce", mock.baseUrl(), "c.app.coze", "at-expired", "rt-revoked", 1, "u-1"));
        TestSupport.Result chat = TestSupport.script(CozeChat.class, home, "--bot", "7443", "hi").run();
        assertEquals(4, chat.exit, chat.toString());
        assertTrue(chat.err.contains("the login has ended") && chat.err.contains("coze-login"), chat.err);
        assertNull(store.load().refreshToken(), "the dead tokens are gone");
        assertFalse(Files.readString(store.file()).contains("rt-revoked"));

        long tokenRequests = mock.count("token.refresh_token");
        TestSupport.Result status = TestSupport.script(CozeLogin.class, home, "status").run();
        assertEquals(4, status.exit, status.toString());
        assertTrue(status.out.contains("login has ended") && status.out.contains("Run coze-login to log in again"), status.out);
        TestSupport.Result again = TestSupport.script(CozeChat.class, home, "--bot", "7443", "hi").run();
        assertEquals(4, again.exit);
        assertTrue(again.err.contains("has ended") && again.err.contains("log in again with coze-login"), again.err);
        assertEquals(tokenRequests, mock.count("token.refresh_token"), "told at once, without asking Coze again");

        TestSupport.Result relogin = TestSupport.script(CozeLogin.class, home, "--no-browser", "--timeout", "1s",
                "--redirect-uri", "http://127.0.0.1:" + port + "/callback").run();
        assertTrue(relogin.err.contains(mock.baseUrl() + "/api/permission/oauth2/authorize?"), "the stored site, not coze.cn: " + relogin.err);
        assertTrue(relogin.err.contains("client_id=c.app.coze&"), "and the stored client: " + relogin.err);
    }

    /** An OAuth error that does not say the refresh token is dead (not invalid_grant) keeps the login for the next try. */
    @Test
    void anotherRefreshErrorDoesNotEndTheLogin() throws Exception {
        try (HostileServer coze = HostileServer.start("application/json",
                out -> out.write("{\"error_code\":\"internal_error\",\"error_message\":\"try later\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))) {
            TokenStore store = new TokenStore(home, w -> {});
            store.save(new TokenStore.Login("pkce", coze.baseUrl(), "c.app.coze", "at-expired", "rt-alive", 1, "u-1"));
            TestSupport.Result r = TestSupport.script(CozeRefresh.class, home).run();
            assertEquals(4, r.exit, r.toString());
            assertTrue(r.err.contains("internal_error") && !r.err.contains("has ended"), r.err);
            assertNull(store.load().ended(), "still a login");
            assertEquals("rt-alive", store.load().refreshToken());
        }
    }

    @Test
    void aClientIdPastedWithASpaceStillWorks() throws Exception {
        TestSupport.Result r = TestSupport.script(CozeLogin.class, home, "--client-id", " c.app.coze \n", "--no-browser", "--timeout", "1s",
                "--redirect-uri", "http://127.0.0.1:" + port + "/callback").api(mock).run();
        assertTrue(r.err.contains("client_id=c.app.coze&"), r.err);
    }

    /** Pasted at a terminal, a personal token is read without echo: it never shows on the screen. */
    @Test
    void aTokenTypedAtATerminalIsNotShown() throws Exception {
        TestSupport.Running login = TestSupport.script(CozeLogin.class, home, "--with-token").api(mock).inTerminal().start();
        assertTrue(login.awaitOut("(it is not shown)"), login.out());
        login.type(TestSupport.PAT + "\r");
        TestSupport.Result r = login.finish();
        assertEquals(0, r.exit, r.toString());
        assertFalse(r.out.contains(TestSupport.PAT), "not echoed: " + r.out);
        assertEquals(TestSupport.PAT, new TokenStore(home, w -> {}).load().accessToken());
    }

    @Test
    void loginReplacesACorruptFileAndAGivenTokenReplacesTheLogin() throws Exception {
        Files.createDirectories(home);
        Files.writeString(home.resolve("token.json"), "{\"kind\":");
        mock.acceptToken("pat_first");
        mock.acceptToken("pat_second");
        TestSupport.Result r = TestSupport.script(CozeLogin.class, home, "--with-token").api(mock).stdin("pat_first\n").run();
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.err.contains("moved to") && r.err.contains("logging in afresh"), r.err);
        TestSupport.Result again = TestSupport.script(CozeLogin.class, home, "--with-token").api(mock).stdin("pat_second\n").run();
        assertEquals(0, again.exit, again.toString());
        assertEquals("pat_second", new TokenStore(home, w -> {}).load().accessToken());
    }

    @Test
    void filesArePrivateEvenUnderUmask000() throws Exception {
        TestSupport.Script s = TestSupport.script(CozeLogin.class, home, "--with-token").api(mock).stdin(TestSupport.PAT + "\n");
        String cmd = "umask 000; exec " + String.join(" ", s.command.stream().map(a -> "'" + a + "'").toList());
        s.command.clear();
        s.command.addAll(java.util.List.of("sh", "-c", cmd));
        assertEquals(0, s.run().exit);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("token.json"))));
    }

    /** `--workspace` takes the browser to the workspace's consent page; the workspace is stored, shown, and kept by a re-login. */
    @Test
    void aBrowserLoginScopedToAWorkspaceKeepsItsWorkspace() throws Exception {
        TestSupport.Result r = login("approve", "--workspace", "7400123").run();
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.err.contains("/api/permission/oauth2/workspace_id/7400123/authorize?response_type=code"), r.err);
        assertTrue(r.err.contains("workspace 7400123"), r.err);
        assertEquals(1, mock.count("authorize.workspace.7400123"));
        assertEquals("7400123", new TokenStore(home, w -> {}).load().workspace());
        TestSupport.Result status = TestSupport.script(CozeLogin.class, home, "status").run();
        assertTrue(status.out.contains("workspace:     7400123") && status.out.contains("login:         browser"), status.out);
        TestSupport.Result again = login("approve", "--force").run();
        assertEquals(0, again.exit, again.toString());
        assertEquals(2, mock.count("authorize.workspace.7400123"), "the re-login went to the same workspace");
        assertEquals("7400123", new TokenStore(home, w -> {}).load().workspace());
        TestSupport.Result other = login("approve", "--workspace", "7400999").run();
        assertEquals(0, other.exit, "another workspace is a new login, not 'already logged in': " + other);
        assertEquals(1, mock.count("authorize.workspace.7400999"));
    }

    @Test
    void aDeviceLoginScopedToAWorkspaceAsksTheWorkspacesDeviceCode() throws Exception {
        mock.stop();
        MockServer.Config c = new MockServer.Config();
        c.autoApprove = true;
        mock = MockServer.start(c);
        TestSupport.Result r = TestSupport.script(CozeLogin.class, home, "--device", "--client-id", "d.app.coze", "--workspace", "7400123",
                "--poll-interval", "200ms").api(mock).run();
        assertEquals(0, r.exit, r.toString());
        assertEquals(1, mock.count("device_code.workspace.7400123"));
        TokenStore.Login login = new TokenStore(home, w -> {}).load();
        assertEquals("device", login.kind());
        assertEquals("7400123", login.workspace());
    }

    @Test
    void deviceFlowPollsUntilApproved() throws Exception {
        mock.setFaults("device-fast-ok");
        TestSupport.Running run = TestSupport.script(CozeLogin.class, home, "--device", "--client-id", "d.app.coze", "--poll-interval", "200ms")
                .api(mock).start();
        long end = System.currentTimeMillis() + 30_000;
        while (!run.err().contains("enter the code:") && System.currentTimeMillis() < end) Thread.sleep(20);
        String code = run.err().replaceAll("(?s).*enter the code:\\s+(\\S+).*", "$1");
        Thread.sleep(500);
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(mock.baseUrl() + "/device"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("user_code=" + code + "&decision=authorize")).build(), HttpResponse.BodyHandlers.ofString());
        TestSupport.Result r = run.finish();
        assertEquals(0, r.exit, r.toString());
        assertTrue(mock.count("oauth_error.authorization_pending") >= 1, "it polled while pending");
        assertEquals("device", new TokenStore(home, w -> {}).load().kind());
    }

    /** The "browser": loads the consent page, presses a button, follows the redirect to coze-login. */
    static final class FakeBrowser {
        static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

        public static void main(String[] args) throws Exception {
            String mode = System.getenv("FAKE_BROWSER_MODE");
            if (mode.equals("ignore") || mode.equals("fail")) return;
            String location = consent(args[0], mode.equals("deny") ? "deny" : "authorize");
            URI cb = URI.create(location);
            String origin = cb.getScheme() + "://" + cb.getAuthority();
            if (mode.equals("wrong-state-first"))
                check(get(origin + cb.getRawPath() + "?code=forged&state=WRONG"), 400);
            if (mode.equals("favicon-first")) check(get(origin + "/favicon.ico"), 404);
            Files.writeString(Path.of(System.getenv("FAKE_BROWSER_PAGE") + ".location"), location);
            HttpResponse<String> r = get(location);
            Path written = Files.writeString(Path.of(System.getenv("FAKE_BROWSER_PAGE") + ".part"), r.body());
            Files.move(written, Path.of(System.getenv("FAKE_BROWSER_PAGE")), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }

        static String consent(String authorizeUrl, String decision) throws Exception {
            check(get(authorizeUrl), 200);
            String query = URI.create(authorizeUrl).getRawQuery();
            URI u = URI.create(authorizeUrl);
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(u.getScheme() + "://" + u.getAuthority() + u.getRawPath()))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(query + "&decision=" + decision)).build(), HttpResponse.BodyHandlers.ofString());
            check(r, 302);
            return r.headers().firstValue("Location").orElseThrow();
        }

        static HttpResponse<String> get(String url) throws Exception {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        }

        static void check(HttpResponse<String> r, int status) {
            if (r.statusCode() != status) throw new IllegalStateException(r.uri() + " answered " + r.statusCode() + ", not " + status);
        }
    }
}
