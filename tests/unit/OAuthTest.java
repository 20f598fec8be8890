import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lib.auth.CozeOAuth;
import lib.auth.DeviceFlow;
import lib.auth.Pkce;
import lib.auth.Redirect;
import lib.auth.TokenStore;
import lib.core.CozeConfig;
import lib.core.CozeException;
import lib.core.Os;
import org.junit.jupiter.api.Test;

/** PKCE and the OAuth URLs and answers, as RFC 7636 and Coze define them. */
class OAuthTest {
    @Test
    void pkceMatchesRfc7636AppendixB() {
        assertEquals("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", Pkce.s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
        assertEquals("73oehA2tBul5grZPhXUGQwNAjxh69zNES8bu2bVD0EM", Pkce.s256("code_verifier"));
    }

    @Test
    void verifiersAreLongUniqueAndUrlSafe() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            Pkce p = Pkce.create();
            assertTrue(p.verifier().matches("[A-Za-z0-9._~-]{43,128}"), p.verifier());
            assertTrue(seen.add(p.verifier()));
        }
        assertNotEquals(Pkce.randomToken(), Pkce.randomToken());
    }

    @Test
    void authorizeUrlUsesWwwHostAndS256() {
        String url = CozeOAuth.authorizeUrl("https://api.coze.cn", "1.app.coze", "http://127.0.0.1:8080/callback", "st", "ch");
        assertTrue(url.startsWith("https://www.coze.cn/api/permission/oauth2/authorize?response_type=code"), url);
        assertTrue(url.contains("code_challenge_method=S256") && url.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Fcallback"));
        assertEquals("http://127.0.0.1:9", CozeConfig.wwwBase("http://127.0.0.1:9"));
    }

    @Test
    void expiresInIsAbsoluteUnlessTiny() {
        assertEquals(1_900_000_000L, CozeOAuth.absolute(1_900_000_000L));
        long now = java.time.Instant.now().getEpochSecond();
        assertTrue(Math.abs(CozeOAuth.absolute(900) - (now + 900)) < 5);
    }

    /** One reading of Coze's redirect for the callback and the pasted address: state, then error, then code. */
    @Test
    void theRedirectIsReadStateFirst() {
        assertEquals(Redirect.Kind.WRONG_STATE, Redirect.read("st", Map.of("state", "other", "code", "c")).kind());
        assertEquals(Redirect.Kind.WRONG_STATE, Redirect.read("st", Map.of("error", "access_denied")).kind(),
                "an error for another login is not acted on");
        assertEquals("access_denied", Redirect.read("st", Map.of("state", "st", "error", "access_denied", "code", "c")).error());
        assertEquals(Redirect.Kind.NO_CODE, Redirect.read("st", Map.of("state", "st", "code", "")).kind());
        assertEquals(new Redirect(Redirect.Kind.CODE, "c", null), Redirect.read("st", Map.of("state", "st", "code", "c")));
    }

    /** A clock that only moves when the flow sleeps. */
    static final class FakeClock implements DeviceFlow.Clock {
        Instant now = Instant.ofEpochSecond(1_800_000_000L);
        final List<Duration> sleeps = new ArrayList<>();

        @Override
        public Instant now() {
            return now;
        }

        @Override
        public void sleep(Duration d) {
            sleeps.add(d);
            now = now.plus(d);
        }
    }

    static CozeOAuth.OAuthError oauthError(String code) {
        return new CozeOAuth.OAuthError(code, null, null);
    }

    @Test
    void theDeviceFlowPollsSlowsDownAndGetsTheToken() {
        FakeClock clock = new FakeClock();
        Deque<Object> answers = new ArrayDeque<>(List.of(oauthError("authorization_pending"), oauthError("slow_down"),
                oauthError("authorization_pending"), new CozeOAuth.Token("at", "rt", 0)));
        CozeOAuth.DeviceCode code = new CozeOAuth.DeviceCode("dc", "UC", "https://www.coze.cn/device", 1_800_000_600L);
        CozeOAuth.Token t = DeviceFlow.await(code, () -> {
            Object next = answers.pop();
            if (next instanceof CozeOAuth.OAuthError e) throw e;
            return (CozeOAuth.Token) next;
        }, Duration.ofSeconds(5), Duration.ofMinutes(5), clock);
        assertEquals("at", t.accessToken());
        assertEquals(List.of(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(10)), clock.sleeps,
                "slow_down adds five seconds");
    }

    @Test
    void theDeviceFlowEndsOnDenialExpiryAndTimeout() {
        CozeOAuth.DeviceCode code = new CozeOAuth.DeviceCode("dc", "UC", "https://www.coze.cn/device", 1_800_000_020L);
        CozeException denied = assertThrows(CozeException.class, () -> DeviceFlow.await(code, () -> {
            throw oauthError("access_denied");
        }, Duration.ofSeconds(5), Duration.ofMinutes(5), new FakeClock()));
        assertTrue(denied.getMessage().contains("denied"), denied.getMessage());
        FakeClock clock = new FakeClock();
        CozeException expired = assertThrows(CozeException.class, () -> DeviceFlow.await(code, () -> {
            throw oauthError("authorization_pending");
        }, Duration.ofSeconds(5), Duration.ofMinutes(5), clock));
        assertEquals(CozeException.AUTH, expired.exitCode);
        assertTrue(clock.sleeps.size() <= 5, "stops at the code's expiry (20 s), not the 5 min timeout: " + clock.sleeps);
    }

    /** A value that holds a secret may end up in an assertion message, a debug line or a log: its toString leaves it out. */
    @Test
    void valuesNeverPrintTheirSecrets() {
        String secret = "SENTINEL_SECRET_7f3a";
        List<Object> values = List.of(
                new TokenStore.Login("pkce", "https://api.coze.cn", "c.app.coze", secret + "-at", secret + "-rt", 1L, "u"),
                new CozeOAuth.Token(secret + "-at", secret + "-rt", 1L),
                new CozeOAuth.DeviceCode(secret + "-dc", "ABCD", "https://www.coze.cn/device", 1L),
                new Pkce(secret, Pkce.s256(secret)),
                Redirect.read("st", Map.of("state", "st", "code", secret)),
                new Os("Linux", Map.of("COZE_API_TOKEN", secret)));
        for (Object v : values) assertFalse(v.toString().contains(secret), v.getClass() + " printed a secret: " + v);
        assertTrue(values.get(0).toString().contains("c.app.coze"), "what is not secret is still shown");
    }
}
