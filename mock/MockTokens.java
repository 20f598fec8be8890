package mock;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tokens coze-mock has issued (access and refresh tokens by login, personal access tokens) and
 * the bearer check in front of every API. MockOAuth issues them.
 */
final class MockTokens {
    /** One login: every token rotated from it is revoked together. */
    static final class Family {
        final String clientId;
        volatile boolean revoked;

        Family(String clientId) {
            this.clientId = clientId;
        }
    }

    static final class Issued {
        final Family family;
        final Instant expires;
        volatile boolean used;

        Issued(Family family, Instant expires) {
            this.family = family;
            this.expires = expires;
        }
    }

    private final MockState state;
    private final MockHttp http;
    private final Map<String, Issued> accessTokens = new ConcurrentHashMap<>();
    private final Map<String, Issued> refreshTokens = new ConcurrentHashMap<>();
    final Set<String> pats = ConcurrentHashMap.newKeySet();

    MockTokens(MockState state, MockHttp http) {
        this.state = state;
        this.http = http;
        pats.addAll(state.config.pats);
    }

    /** A token endpoint's answer for a new access and refresh token of `family`. */
    JsonObject issue(Family family, Duration accessTtl) {
        String access = "czs_mock_" + randomToken();
        String refresh = "rt_mock_" + randomToken();
        Instant expires = Instant.now().plus(accessTtl);
        accessTokens.put(access, new Issued(family, expires));
        refreshTokens.put(refresh, new Issued(family, Instant.now().plus(Duration.ofDays(30))));
        JsonObject o = new JsonObject();
        o.addProperty("access_token", access);
        o.addProperty("expires_in", expires.getEpochSecond());
        o.addProperty("refresh_token", refresh);
        o.addProperty("token_type", "Bearer");
        return o;
    }

    /** A service app's answer: an access token alone, since a service app signs a new grant instead of refreshing. */
    JsonObject issueAccessOnly(Family family, Duration accessTtl) {
        String access = "czs_mock_" + randomToken();
        Instant expires = Instant.now().plus(accessTtl);
        accessTokens.put(access, new Issued(family, expires));
        JsonObject o = new JsonObject();
        o.addProperty("access_token", access);
        o.addProperty("expires_in", expires.getEpochSecond());
        o.addProperty("token_type", "Bearer");
        return o;
    }

    /** The refresh token's record, or null when it was never issued. */
    Issued refreshToken(String token) {
        return refreshTokens.get(token);
    }

    /** True when the request's bearer token may call `path`; otherwise answers with Coze's error. */
    boolean authorized(HttpExchange ex, String path) throws IOException {
        String h = ex.getRequestHeaders().getFirst("Authorization");
        String token = h != null && h.startsWith("Bearer ") ? h.substring(7).trim() : null;
        if (state.config.studio) return token != null && pats.contains(token) || studioRefusal(ex);
        int status = path.equals("/v3/chat") ? 200 : 401;
        if (token == null || token.isEmpty()) {
            http.envelopeError(ex, status, 4101, "The token you entered is incorrect. Please double check and try again.");
            return false;
        }
        if (pats.contains(token)) return true;
        Issued issued = accessTokens.get(token);
        if (issued == null) {
            http.envelopeError(ex, status, 4101, "The token you entered is incorrect. Please double check and try again.");
            return false;
        }
        if (issued.family.revoked || issued.expires.isBefore(Instant.now())) {
            state.bump("expired_token_used");
            http.envelopeError(ex, status, 4100, "authentication is invalid");
            return false;
        }
        return true;
    }

    /** Studio takes its personal access tokens only, and says so with HTTP 200. */
    private boolean studioRefusal(HttpExchange ex) throws IOException {
        MockStudio.error(ex, state, MockStudio.TOKEN_INVALID, "authentication failed: the API key is invalid");
        return false;
    }

    /** The server's own PKCE and secrets, independent of the client's code it checks. */
    static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
}
