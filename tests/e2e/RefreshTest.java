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
import lib.auth.CozeOAuth;
import lib.auth.PrivateFiles;
import lib.auth.TokenStore;
import lib.core.Json;
import mock.MockServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** coze-refresh and the shared token lifecycle, with rotating refresh tokens and several processes. */
@ExtendWith(MockHome.class)
class RefreshTest {
    MockServer mock;
    Path home;
    TokenStore store;

    @BeforeEach
    void start() {
        store = new TokenStore(home, w -> {});
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

    /** What eight processes that start together on an expired login end up with. */
    record Race(List<TestSupport.Result> results, Set<String> tokens, long refreshes, long reuses) {
        void check(String stored) {
            for (TestSupport.Result r : results) assertEquals(0, r.exit, r.toString());
            assertEquals(1, refreshes, "one refresh for eight processes");
            assertEquals(0, reuses, "no refresh token was sent twice");
            assertEquals(Set.of(stored), tokens, "everyone got the same fresh token, the stored one");
        }
    }

    /** A slow token endpoint widens the window in which unlocked processes would collide. */
    Race race(Path classesFirst) throws Exception {
        loginExpiringIn(Duration.ofSeconds(-10));
        mock.setFaults("token-delay=500");
        List<TestSupport.Running> runs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            TestSupport.Script s = refresh("--print", "-q");
            if (classesFirst != null) s.classesFirst(classesFirst);
            runs.add(s.start());
        }
        List<TestSupport.Result> results = new ArrayList<>();
        Set<String> tokens = new HashSet<>();
        for (TestSupport.Running run : runs) {
            TestSupport.Result r = run.finish();
            results.add(r);
            if (r.exit == 0) tokens.add(r.out.strip());
        }
        return new Race(results, tokens, mock.count("token.refresh_token"), mock.count("reuse_detected"));
    }

    @Test
    void eightProcessesRaceAndExactlyOneRefreshReachesCoze() throws Exception {
        race(null).check(store.load().accessToken());
    }

    @Test
    void theRaceCheckFailsWhenTheLockIsDisabled() throws Exception {
        String lock = "return PrivateFiles.lock(home.resolve(\"token.json.lock\"), LOCK_TIMEOUT);";
        Path noLock = TestSupport.mutant("auth/TokenStore.java", lock, "if (home != null) return () -> { }; " + lock);
        Race race = race(noLock);
        TokenStore.Login stored = store.load();
        assertThrows(AssertionError.class, () -> race.check(stored == null ? null : stored.accessToken()));
        System.out.println("       without the lock: " + race.refreshes() + " refreshes, " + race.reuses() + " reuse detected, "
                + race.results().stream().filter(r -> r.exit != 0).count() + " of 8 processes logged out");
    }

    /**
     * Tokens that live shorter than the minute coze-chat asks for: each process finds the stored
     * token stale, yet under the lock a sibling's newer, unexpired token is used, not refreshed again.
     */
    @Test
    void sixChatsOnAnExpiredLoginWithShortLivedTokensMakeOneRefresh() throws Exception {
        mock.stop();
        MockServer.Config c = new MockServer.Config();
        c.tokenTtl = Duration.ofSeconds(8);
        mock = MockServer.start(c);
        loginExpiringIn(Duration.ofSeconds(-10));
        mock.setFaults("token-delay=300");
        List<TestSupport.Running> runs = new ArrayList<>();
        for (int i = 0; i < 6; i++) runs.add(TestSupport.script(CozeChat.class, home, "--bot", "echo", "hi " + i).api(mock).start());
        for (int i = 0; i < 6; i++) {
            TestSupport.Result r = runs.get(i).finish();
            assertEquals(0, r.exit, r.toString());
            assertEquals("hi " + i + "\n", r.out);
        }
        assertEquals(1, mock.count("token.refresh_token"), "one refresh for six processes");
        assertEquals(6, mock.count("chat"));
    }

    /** A full disk (a file-size limit of 0 stands in for one) fails before Coze is asked, so the refresh token is not spent. */
    @Test
    void aFullDiskStopsTheRefreshBeforeItSpendsTheRefreshToken() throws Exception {
        loginExpiringIn(Duration.ofSeconds(-10));
        TestSupport.Result full = refresh().under("bash", "-c", "ulimit -f 0; exec \"$@\"", "bash").run();
        assertEquals(1, full.exit, full.toString());
        assertTrue(full.err.contains("nothing was changed"), full.err);
        assertEquals(0, mock.count("token.refresh_token"), "Coze was not asked");
        TestSupport.Result later = refresh().run();
        assertEquals(0, later.exit, "the login survived the full disk: " + later);
        assertEquals(1, mock.count("token.refresh_token"));
    }

    @Test
    void printGivesAValidTokenAndRefreshesOnlyWhenNeeded() throws Exception {
        JsonObject t = loginExpiringIn(Duration.ofHours(1));
        TestSupport.Result r = refresh("--print").run();
        assertEquals(0, r.exit, r.toString());
        assertEquals(Json.str(t, "access_token") + "\n", r.out, "only the token on stdout");
        assertEquals("", r.err, "silent, as $(…) wants it");
        assertEquals(0, mock.count("token.refresh_token"));
        TestSupport.Result both = refresh("--print", "--json").run();
        assertEquals(2, both.exit, both.toString());
        assertEquals("", both.out, "never two things on stdout");
        TestSupport.Result ifNeeded = refresh("--min-valid", "2h").run();
        assertEquals(0, ifNeeded.exit);
        assertEquals(1, mock.count("token.refresh_token"));
        assertTrue(ifNeeded.err.contains("Refreshed"), ifNeeded.err);
        assertFalse(ifNeeded.err.contains(store.load().accessToken()));
    }

    @Test
    void forcedRefreshRotatesAndJsonHasNoSecrets() throws Exception {
        JsonObject t = loginExpiringIn(Duration.ofHours(1));
        TestSupport.Result r = refresh("--json").run();
        assertEquals(0, r.exit, r.toString());
        JsonObject status = Json.object(r.out.strip());
        assertTrue(status.get("refreshed").getAsBoolean());
        TokenStore.Login now = store.load();
        assertNotEquals(Json.str(t, "refresh_token"), now.refreshToken(), "the rotated refresh token was saved");
        assertFalse(r.out.contains(now.accessToken()) || r.out.contains(now.refreshToken()));
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
        assertTrue(r.err.contains("log in again with coze-login"), r.err);
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
    void readOnlyFolderStopsTheRefreshBeforeItSpendsTheRefreshToken() throws Exception {
        loginExpiringIn(Duration.ofSeconds(-10));
        store.lock().close();
        byte[] before = Files.readAllBytes(store.file());
        TestSupport.Result r;
        try (ReadOnly ro = new ReadOnly(home)) {
            r = refresh().run();
        }
        assertEquals(1, r.exit, r.toString());
        assertTrue(r.err.contains("cannot save the login") && r.err.contains("nothing was changed"), r.err);
        assertEquals(0, mock.count("token.refresh_token"), "the refresh token was not spent");
        assertArrayEquals(before, Files.readAllBytes(store.file()));
        TestSupport.Result after = refresh().run();
        assertEquals(0, after.exit, "the login still works once the folder is writable: " + after);
    }

    /** Makes a folder read-only even for root (who ignores modes): mode 0500, and the immutable attribute when root. */
    static final class ReadOnly implements AutoCloseable {
        final Path dir;
        final boolean immutable;

        ReadOnly(Path dir) throws IOException, InterruptedException {
            this.dir = dir;
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
            immutable = canWriteAnyway(dir) && new ProcessBuilder("chattr", "+i", dir.toString()).start().waitFor() == 0;
            if (canWriteAnyway(dir)) {
                close();
                org.junit.jupiter.api.Assumptions.abort("cannot make a folder read-only here (root without chattr)");
            }
        }

        @Override
        public void close() throws IOException {
            try {
                if (immutable) new ProcessBuilder("chattr", "-i", dir.toString()).start().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Files.setPosixFilePermissions(dir, PrivateFiles.DIR_MODE);
        }
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
    void aWriterKilledAtRandomPointsLeavesTheWholeOldOrTheWholeNewLogin() throws Exception {
        java.util.Random random = new java.util.Random();
        int previous = 0;
        for (int kill = 0; kill < 12; kill++) {
            TestSupport.Running writer = TestSupport.script(TokenWriter.class, home, home.toString(), String.valueOf(previous + 1)).start();
            long end = System.nanoTime() + TestSupport.LIMIT.toNanos();
            while (nothingNewerThan(previous) && System.nanoTime() < end) Thread.sleep(5);
            Thread.sleep(20 + random.nextInt(200));
            writer.process.destroyForcibly().waitFor();
            TokenStore.Login login = store.load();
            assertNotNull(login, "the file is there after kill " + kill);
            int n = Integer.parseInt(login.userId().substring(2));
            TokenStore.Login whole = TokenWriter.login(n);
            assertEquals(whole.toJson(), login.toJson(), "login " + n + " is whole after kill " + kill);
            assertTrue(n > previous, "the new writer's logins replaced the old ones");
            previous = n;
        }
        try (var files = Files.list(home)) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().startsWith("token.json.corrupt")), "nothing was moved aside");
        }
    }

    private boolean nothingNewerThan(int previous) {
        TokenStore.Login now = store.load();
        return now == null || Integer.parseInt(now.userId().substring(2)) <= previous;
    }

    @Test
    void corruptFileGivesAClearMessage() throws Exception {
        Files.createDirectories(home);
        Files.writeString(store.file(), "{\"kind\":");
        TestSupport.Result r = refresh().run();
        assertEquals(4, r.exit, r.toString());
        assertTrue(r.err.contains("unreadable") && r.err.contains("moved to"), r.err);
    }

    /** As for coze-chat: a first run that only shows the help still archives what a refresh loads. */
    @Test
    void aClassArchiveMadeByAHelpRunServesARefresh() throws Exception {
        Path dir = Files.createTempDirectory("coze-cds"), archive = dir.resolve("CozeRefresh.jsa"), loaded = dir.resolve("loaded.log");
        TestSupport.Result first = refresh("--help").jvm("-XX:ArchiveClassesAtExit=" + archive).run();
        assertEquals(0, first.exit, first.toString());
        assertTrue(first.out.startsWith("Usage: coze-refresh"), first.out);
        assertEquals("", first.err);
        loginExpiringIn(Duration.ofSeconds(-10));
        TestSupport.Result later = refresh("-q").jvm("-XX:SharedArchiveFile=" + archive, "-Xlog:class+load=info:file=" + loaded).run();
        assertEquals(0, later.exit, later.toString());
        assertEquals(1, mock.count("token.refresh_token"));
        Set<String> archived = TestSupport.fromArchive(loaded);
        for (String cls : List.of("jdk.internal.net.http.HttpClientImpl", "jdk.internal.net.http.Http1Response", CozeOAuth.Token.class.getName()))
            assertTrue(archived.contains(cls), cls + " did not come from the archive");
    }
}
