import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** coze-refresh and the shared token lifecycle, with rotating refresh tokens and several processes. */
class RefreshTest {
    MockServer mock;
    Path home;
    TokenStore store;

    @BeforeEach
    void start() throws IOException {
        mock = TestSupport.mock();
        home = TestSupport.tempHome();
        store = new TokenStore(home, w -> {});
    }

    @AfterEach
    void stop() {
        mock.stop();
    }

    JsonObject loginExpiringIn(Duration ttl) {
        JsonObject t = mock.issueTokens("c.app.coze", ttl);
        store.save(new TokenStore.Login("pkce", mock.baseUrl(), "c.app.coze", Json.str(t, "access_token"),
                Json.str(t, "refresh_token"), Json.num(t, "expires_in", 0), "u-1"));
        return t;
    }

    TestSupport.Script refresh(String... args) {
        return TestSupport.script(CozeRefresh.class, home, args);
    }

    @Test
    void eightProcessesRaceAndExactlyOneRefreshReachesCoze() throws Exception {
        loginExpiringIn(Duration.ofSeconds(-10));
        List<TestSupport.Running> runs = new ArrayList<>();
        for (int i = 0; i < 8; i++) runs.add(refresh("--print", "-q").start());
        Set<String> tokens = new HashSet<>();
        for (TestSupport.Running run : runs) {
            TestSupport.Result r = run.finish();
            assertEquals(0, r.exit, r.toString());
            tokens.add(r.out.strip());
        }
        assertEquals(1, mock.count("token.refresh_token"), "one refresh for eight processes");
        assertEquals(0, mock.count("reuse_detected"), "no refresh token was sent twice");
        assertEquals(1, tokens.size(), "everyone got the same fresh token");
        assertEquals(store.load().accessToken, tokens.iterator().next());
    }

    @Test
    void printGivesAValidTokenAndRefreshesOnlyWhenNeeded() throws Exception {
        JsonObject t = loginExpiringIn(Duration.ofHours(1));
        TestSupport.Result r = refresh("--print").run();
        assertEquals(0, r.exit, r.toString());
        assertEquals(Json.str(t, "access_token") + "\n", r.out, "only the token on stdout");
        assertEquals(0, mock.count("token.refresh_token"));
        TestSupport.Result ifNeeded = refresh("--min-valid", "2h").run();
        assertEquals(0, ifNeeded.exit);
        assertEquals(1, mock.count("token.refresh_token"));
        assertTrue(ifNeeded.err.contains("Refreshed"), ifNeeded.err);
        assertFalse(ifNeeded.err.contains(store.load().accessToken));
    }

    @Test
    void forcedRefreshRotatesAndJsonHasNoSecrets() throws Exception {
        JsonObject t = loginExpiringIn(Duration.ofHours(1));
        TestSupport.Result r = refresh("--json").run();
        assertEquals(0, r.exit, r.toString());
        JsonObject status = Json.object(r.out.strip());
        assertTrue(status.get("refreshed").getAsBoolean());
        TokenStore.Login now = store.load();
        assertNotEquals(Json.str(t, "refresh_token"), now.refreshToken, "the rotated refresh token was saved");
        assertFalse(r.out.contains(now.accessToken) || r.out.contains(now.refreshToken));
    }

    @Test
    void rejectedRefreshEndsTheLoginWithoutLooping() throws Exception {
        JsonObject t = loginExpiringIn(Duration.ofSeconds(-10));
        String body = "{\"grant_type\":\"refresh_token\",\"client_id\":\"c.app.coze\",\"refresh_token\":\"" + Json.str(t, "refresh_token") + "\"}";
        java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(mock.baseUrl() + CozeOAuth.TOKEN_PATH))
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        TestSupport.Result r = refresh().run();
        assertEquals(4, r.exit, r.toString());
        assertTrue(r.err.contains("run coze-login"), r.err);
        assertEquals(2, mock.count("token.refresh_token"), "one attempt by coze-refresh, no retry");
    }

    @Test
    void notLoggedInAndEnvironmentToken() throws Exception {
        TestSupport.Result none = refresh().run();
        assertEquals(4, none.exit);
        assertTrue(none.err.contains("coze-login"), none.err);
        TestSupport.Result env = refresh("--print").env("COZE_API_TOKEN", "pat_env").run();
        assertEquals("pat_env\n", env.out);
        TestSupport.Result envRefresh = refresh().env("COZE_API_TOKEN", "pat_env").run();
        assertEquals(0, envRefresh.exit);
        assertTrue(envRefresh.err.contains("nothing to refresh"), envRefresh.err);
    }

    @Test
    void unwritableFolderDuringRefreshIsAHardErrorAndKeepsTheOldFile() throws Exception {
        loginExpiringIn(Duration.ofSeconds(-10));
        byte[] before = Files.readAllBytes(store.file());
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("r-x------"));
        try {
            org.junit.jupiter.api.Assumptions.assumeFalse(canWriteAnyway(home), "this user (root) ignores folder permissions");
            TestSupport.Result r = refresh().run();
            assertNotEquals(0, r.exit, r.toString());
            assertTrue(r.err.contains("cannot"), r.err);
        } finally {
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        }
        assertArrayEquals(before, Files.readAllBytes(store.file()));
    }

    private static boolean canWriteAnyway(Path dir) {
        try {
            Files.delete(Files.createTempFile(dir, "probe", ".tmp"));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void corruptFileGivesAClearMessage() throws Exception {
        Files.createDirectories(home);
        Files.writeString(store.file(), "{\"kind\":");
        TestSupport.Result r = refresh().run();
        assertEquals(4, r.exit, r.toString());
        assertTrue(r.err.contains("unreadable") && r.err.contains("moved to"), r.err);
    }
}
