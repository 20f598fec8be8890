import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import lib.auth.PrivateFiles;
import lib.auth.TokenStore;
import lib.core.Json;
import mock.MockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Service apps (OAuth JWT): coze-login --jwt, renewal at expiry, the environment-only mode for CI, and coze-mock's checks. */
class ServiceAppTest {
    static final String CLIENT = "1180.app.coze", KID = "kid_SENTINEL_1";
    static final KeyPair APP = keyPair(), STRANGER = keyPair();

    MockServer mock;
    Path home, dir, key;
    TokenStore store;

    static KeyPair keyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    /** A key file as Coze hands it out (PKCS#8), readable only by its owner. */
    Path keyFile(String name, KeyPair pair) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        if (PrivateFiles.posix(f)) Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    MockServer start(Duration clockOffset) throws Exception {
        MockServer.Config c = new MockServer.Config();
        c.pats.add(TestSupport.PAT);
        c.serviceApps.add(new MockServer.ServiceApp(CLIENT, KID, APP.getPublic()));
        c.clockOffset = clockOffset;
        return MockServer.start(c);
    }

    @BeforeEach
    void setUp() throws Exception {
        mock = start(Duration.ZERO);
        home = TestSupport.tempHome();
        store = new TokenStore(home, w -> {});
        dir = Files.createTempDirectory("coze-app");
        key = keyFile("app.pem", APP);
    }

    @AfterEach
    void tearDown() {
        mock.stop();
    }

    TestSupport.Script login(Path keyFile, String kid, String... more) {
        List<String> args = new ArrayList<>(List.of("--jwt", "--client-id", CLIENT, "--key-id", kid, "--private-key", keyFile.toString()));
        args.addAll(List.of(more));
        return TestSupport.script(CozeLogin.class, home, args.toArray(String[]::new)).api(mock);
    }

    /** The key's text, line by line, and whatever JWT and tokens the mock saw: none may reach any output. */
    Set<String> secrets() {
        Set<String> s = new HashSet<>();
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(APP.getPrivate().getEncoded());
        for (String line : body.split("\n")) if (line.length() >= 40) s.add(line);
        if (mock.lastAssertion != null) {
            s.add(mock.lastAssertion);
            s.add(mock.lastAssertion.substring(mock.lastAssertion.lastIndexOf('.') + 1));
        }
        return s;
    }

    static void noSecrets(Set<String> secrets, TestSupport.Result... results) {
        for (TestSupport.Result r : results)
            for (String secret : secrets)
                assertFalse(r.out.contains(secret) || r.err.contains(secret), "a secret in the output of " + r);
    }

    @Test
    void aServiceAppLogsInThenChatsAndNoKeyOrJwtIsShownEvenWithDebug() throws Exception {
        TestSupport.Result in = login(key, KID, "--session-name", "ci-runner", "--debug").run();
        assertEquals(0, in.exit, in.toString());
        assertTrue(in.err.contains("as the service app " + CLIENT + " (session ci-runner)"), in.err);
        assertEquals(1, mock.count("jwt_grant"));
        String assertion = mock.lastAssertion;
        JsonObject header = Json.object(new String(Base64.getUrlDecoder().decode(assertion.split("\\.")[0]), StandardCharsets.UTF_8));
        JsonObject claims = Json.object(new String(Base64.getUrlDecoder().decode(assertion.split("\\.")[1]), StandardCharsets.UTF_8));
        assertEquals("RS256", Json.str(header, "alg"));
        assertEquals(KID, Json.str(header, "kid"));
        assertEquals("ci-runner", Json.str(claims, "session_name"));
        assertEquals(URI.create(mock.baseUrl()).getAuthority(), Json.str(claims, "aud"));

        TokenStore.Login stored = store.load();
        assertEquals("jwt", stored.kind());
        assertNull(stored.refreshToken(), "a service app has no refresh token");
        assertEquals(key.toAbsolutePath().toString(), stored.app().keyFile());
        String file = Files.readString(store.file());
        Set<String> secrets = secrets();
        for (String secret : secrets) assertFalse(file.contains(secret), "the key or JWT in token.json");

        TestSupport.Result chat = TestSupport.script(CozeChat.class, home, "--debug", "--bot", "echo", "hello").api(mock).run();
        assertEquals(0, chat.exit, chat.toString());
        assertEquals("hello\n", chat.out);
        TestSupport.Result status = TestSupport.script(CozeLogin.class, home, "--debug", "status").run();
        assertEquals(0, status.exit, status.toString());
        assertTrue(status.out.contains("login:         service app") && status.out.contains("session name:  ci-runner")
                && status.out.contains("valid until"), status.out);
        assertFalse(status.out.contains(stored.accessToken()));
        TestSupport.Result json = TestSupport.script(CozeLogin.class, home, "status", "--json").run();
        assertEquals("service app", Json.str(Json.object(json.out.strip()), "login"));
        noSecrets(secrets, in, chat, status, json);
    }

    /** Six processes find the stored token stale together: one grant renews it and all six use it. */
    @Test
    void sixProcessesAtExpiryMakeOneGrant() throws Exception {
        assertEquals(0, login(key, KID).run().exit);
        TokenStore.Login l = store.load();
        store.save(TokenStore.Login.serviceApp(l.apiBase(), l.clientId(), l.app(), l.accessToken(), Instant.now().getEpochSecond() - 10, l.userId()));
        mock.setFaults("token-delay=500");
        List<TestSupport.Running> runs = new ArrayList<>();
        for (int i = 0; i < 6; i++) runs.add(TestSupport.script(CozeRefresh.class, home, "--print", "-q").start());
        Set<String> tokens = new HashSet<>();
        for (TestSupport.Running run : runs) {
            TestSupport.Result r = run.finish();
            assertEquals(0, r.exit, r.toString());
            tokens.add(r.out.strip());
        }
        assertEquals(2, mock.count("jwt_grant"), "the login's grant and one renewal for six processes");
        TokenStore.Login renewed = store.load();
        assertEquals(Set.of(renewed.accessToken()), tokens, "all six print the one new token");
        assertNotEquals(l.accessToken(), renewed.accessToken());
        assertEquals(key.toAbsolutePath().toString(), renewed.app().keyFile(), "the login is kept as it was");
        TestSupport.Result chat = TestSupport.script(CozeChat.class, home, "--bot", "echo", "after").api(mock).run();
        assertEquals("after\n", chat.out, chat.toString());
    }

    @Test
    void theEnvironmentAloneMintsInMemoryAndCozeHomeStaysEmpty() throws Exception {
        String pemText = Files.readString(key);
        Files.createDirectories(home);
        TestSupport.Result print = TestSupport.script(CozeRefresh.class, home, "--print", "--debug").api(mock)
                .env("COZE_JWT_OAUTH_CLIENT_ID", CLIENT).env("COZE_JWT_OAUTH_PUBLIC_KEY_ID", KID).env("COZE_JWT_OAUTH_PRIVATE_KEY", pemText).run();
        assertEquals(0, print.exit, print.toString());
        assertTrue(print.out.strip().startsWith("czs_"), print.out);
        TestSupport.Result run = TestSupport.script(CozeWorkflow.class, home, "--debug", "echo", "--param", "input=ci").api(mock)
                .env("COZE_JWT_OAUTH_CLIENT_ID", CLIENT).env("COZE_JWT_OAUTH_PUBLIC_KEY_ID", KID).env("COZE_JWT_OAUTH_PRIVATE_KEY_FILE", key.toString()).run();
        assertEquals(0, run.exit, run.toString());
        assertEquals("ci\n", run.out);
        TestSupport.Result status = TestSupport.script(CozeLogin.class, home, "status").api(mock)
                .env("COZE_JWT_OAUTH_CLIENT_ID", CLIENT).env("COZE_JWT_OAUTH_PUBLIC_KEY_ID", KID).env("COZE_JWT_OAUTH_PRIVATE_KEY_FILE", key.toString()).run();
        assertEquals(0, status.exit, status.toString());
        assertTrue(status.out.contains("COZE_JWT_OAUTH_CLIENT_ID (environment)") && status.out.contains("service app"), status.out);
        TestSupport.Result chat = TestSupport.script(CozeChat.class, home, "--bot", "echo", "from CI").api(mock)
                .env("COZE_JWT_OAUTH_CLIENT_ID", CLIENT).env("COZE_JWT_OAUTH_PUBLIC_KEY_ID", KID).env("COZE_JWT_OAUTH_PRIVATE_KEY_FILE", key.toString()).run();
        assertEquals("from CI\n", chat.out, chat.toString());
        assertFalse(chat.err.contains("-c"), "no -c to suggest: nothing of the conversation is kept " + chat.err);
        assertEquals(4, mock.count("jwt_grant"));
        try (Stream<Path> files = Files.list(home)) {
            assertEquals(List.of(), files.toList(), "nothing written under COZE_HOME");
        }
        noSecrets(secrets(), print, run, status, chat);
        TestSupport.Result half = TestSupport.script(CozeRefresh.class, home, "--print").api(mock).env("COZE_JWT_OAUTH_CLIENT_ID", CLIENT).run();
        assertEquals(2, half.exit, half.toString());
        assertTrue(half.err.contains("COZE_JWT_OAUTH_PUBLIC_KEY_ID"), half.err);
    }

    /** A refused grant is exit 4 with what to check, and nothing is stored. */
    @Test
    void aWrongKeyAWrongKeyIdAndAClockOffAreRefusedWithAHint() throws Exception {
        TestSupport.Result wrongKey = login(keyFile("stranger.pem", STRANGER), KID).run();
        TestSupport.Result wrongKid = login(key, "kid_unknown").run();
        mock.stop();
        mock = start(Duration.ofHours(2));
        TestSupport.Result clock = login(key, KID).run();
        for (TestSupport.Result r : List.of(wrongKey, wrongKid, clock)) {
            assertEquals(4, r.exit, r.toString());
            assertTrue(r.err.contains("check the key id") && r.err.contains("clock"), r.err);
            assertFalse(r.err.contains("\tat "), r.err);
        }
        assertTrue(wrongKey.err.contains("signature"), wrongKey.err);
        assertTrue(wrongKid.err.contains("kid"), wrongKid.err);
        assertTrue(clock.err.contains("expired"), clock.err);
        assertFalse(Files.exists(store.file()), "nothing stored");
    }

    @Test
    void aPkcs1KeyIsRefusedWithHowToConvertIt() throws Exception {
        Path rsa = dir.resolve("rsa.pem");
        Files.writeString(rsa, pem("RSA PRIVATE KEY", APP.getPrivate().getEncoded()));
        TestSupport.Result r = login(rsa, KID).run();
        assertEquals(2, r.exit, r.toString());
        assertTrue(r.err.contains("PKCS#1") && r.err.contains("openssl pkcs8 -topk8 -nocrypt -in key.pem -out app.pem"), r.err);
        assertEquals(0, mock.count("jwt_grant") + mock.count("jwt_refused"), "Coze was not asked");
    }

    @Test
    void aKeyFileOthersCanReadIsWarnedAbout() throws Exception {
        assumeTrue(PrivateFiles.posix(key), "POSIX modes");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        TestSupport.Result r = login(key, KID).run();
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.err.contains("can be read by others") && r.err.contains("chmod 600"), r.err);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        TestSupport.Result quiet = login(key, KID).run();
        assertFalse(quiet.err.contains("read by others"), quiet.err);
    }

    /** The mock by itself: a jti used twice, an assertion that expired, and the account and enterprise paths. */
    @Test
    void theMockRefusesAReusedJtiAndAnExpiredAssertion() throws Exception {
        long now = Instant.now().getEpochSecond();
        String aud = URI.create(mock.baseUrl()).getAuthority();
        String once = assertion(KID, CLIENT, aud, now, now + 600, "jti-1");
        assertEquals(200, grant("/api/permission/oauth2/token", once).statusCode());
        HttpResponse<String> again = grant("/api/permission/oauth2/token", once);
        assertEquals("invalid_client", Json.str(Json.object(again.body()), "error_code"), again.body());
        assertTrue(again.body().contains("jti"), again.body());
        HttpResponse<String> old = grant("/api/permission/oauth2/token", assertion(KID, CLIENT, aud, now - 7200, now - 3600, "jti-2"));
        assertTrue(Json.str(Json.object(old.body()), "error_message").contains("expired"), old.body());
        HttpResponse<String> otherAud = grant("/api/permission/oauth2/token", assertion(KID, CLIENT, "api.coze.cn", now, now + 600, "jti-3"));
        assertTrue(otherAud.body().contains("aud"), otherAud.body());
        HttpResponse<String> account = grant("/api/permission/oauth2/account/42/token", assertion(KID, CLIENT, aud, now, now + 600, "jti-4"));
        JsonObject issued = Json.object(account.body());
        assertNotNull(Json.str(issued, "access_token"), account.body());
        assertFalse(issued.has("refresh_token"), "no refresh token for a service app");
        assertEquals(200, grant("/api/permission/oauth2/enterprise_id/e-7/token", assertion(KID, CLIENT, aud, now, now + 600, "jti-5")).statusCode());
        assertEquals(1, mock.count("jwt_grant.account"));
        assertEquals(1, mock.count("jwt_grant.enterprise"));
    }

    HttpResponse<String> grant(String path, String assertion) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(mock.baseUrl() + path)).header("Authorization", "Bearer " + assertion)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"urn:ietf:params:oauth:grant-type:jwt-bearer\",\"duration_seconds\":900}"))
                .build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    }

    /** The test's own signer, so that the mock is checked against the grant's definition, not the client's code. */
    static String assertion(String kid, String iss, String aud, long iat, long exp, String jti) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}";
        String claims = "{\"iss\":\"" + iss + "\",\"aud\":\"" + aud + "\",\"iat\":" + iat + ",\"exp\":" + exp + ",\"jti\":\"" + jti + "\"}";
        String signed = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(APP.getPrivate());
        s.update(signed.getBytes(StandardCharsets.US_ASCII));
        return signed + "." + b64.encodeToString(s.sign());
    }
}
