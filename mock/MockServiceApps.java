package mock;

import static mock.MockHttp.body;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import lib.core.Json;

/**
 * Coze's service apps (OAuth JWT): the token endpoint takes an RS256 assertion as its bearer, checks
 * it against the public key registered under its `kid` (signature, `iss`, `aud`, the `iat`/`exp`
 * window, a `jti` used once) and answers with an access token and no refresh token; the account and
 * enterprise paths answer the same way. MockServer.Config.serviceApps registers the apps.
 */
final class MockServiceApps {
    static final String GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    static final long DEFAULT_DURATION = 900, MAX_DURATION = 86_399;
    /** How far an assertion's iat may be ahead of the server's clock, as JWT servers allow for drift. */
    static final long LEEWAY = 60;

    private final MockState state;
    private final MockHttp http;
    private final MockTokens tokens;
    private final Set<String> usedJti = ConcurrentHashMap.newKeySet();

    MockServiceApps(MockState state, MockHttp http, MockTokens tokens) {
        this.state = state;
        this.http = http;
        this.tokens = tokens;
    }

    /** `POST /api/permission/oauth2/account/{id}/token`. */
    void accountToken(HttpExchange ex) throws IOException {
        pathGrant(ex, "account");
    }

    /** `POST /api/permission/oauth2/enterprise_id/{id}/token`. */
    void enterpriseToken(HttpExchange ex) throws IOException {
        pathGrant(ex, "enterprise");
    }

    private void pathGrant(HttpExchange ex, String scope) throws IOException {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            http.oauthError(ex, "invalid_request", "the token endpoint takes a JSON body");
            return;
        }
        JsonObject req = Json.object(body(ex));
        state.bump("token." + Json.str(req, "grant_type"));
        if (!GRANT.equals(Json.str(req, "grant_type"))) http.oauthError(ex, "unsupported_grant_type", "unsupported grant_type");
        else grant(ex, req, scope);
    }

    /** The JWT grant; `scope` (app, account, enterprise) is counted for the tests. */
    void grant(HttpExchange ex, JsonObject req, String scope) throws IOException {
        String h = ex.getRequestHeaders().getFirst("Authorization");
        String assertion = h != null && h.startsWith("Bearer ") ? h.substring(7).trim() : null;
        if (assertion == null || assertion.isEmpty()) {
            http.oauthError(ex, "invalid_request", "verify jwt empty error");
            return;
        }
        state.lastAssertion = assertion;
        long duration = Json.num(req, "duration_seconds", DEFAULT_DURATION);
        if (duration < 1 || duration > MAX_DURATION) {
            http.oauthError(ex, "invalid_request", "duration_seconds must be between 1 and " + MAX_DURATION);
            return;
        }
        String problem = problem(assertion);
        if (problem != null) {
            state.bump("jwt_refused");
            http.oauthError(ex, "invalid_client", problem);
            return;
        }
        state.bump("jwt_grant");
        state.bump("jwt_grant." + scope);
        http.json(ex, 200, tokens.issueAccessOnly(new MockTokens.Family(null), Duration.ofSeconds(duration)));
    }

    /** Why the assertion is refused, or null when it is good (its jti is then spent). */
    private String problem(String assertion) {
        String[] parts = assertion.split("\\.", -1);
        if (parts.length != 3) return "the JWT is not header.payload.signature";
        JsonObject header, claims;
        byte[] signature;
        try {
            Base64.Decoder b64 = Base64.getUrlDecoder();
            header = Json.object(new String(b64.decode(parts[0]), StandardCharsets.UTF_8));
            claims = Json.object(new String(b64.decode(parts[1]), StandardCharsets.UTF_8));
            signature = b64.decode(parts[2]);
        } catch (IllegalArgumentException | JsonParseException | IllegalStateException e) {
            return "the JWT is not base64url JSON";
        }
        if (!"RS256".equals(Json.str(header, "alg")) || !"JWT".equals(Json.str(header, "typ"))) return "the JWT header must be alg RS256, typ JWT";
        MockServer.ServiceApp app = state.config.serviceApps.stream().filter(a -> a.keyId().equals(Json.str(header, "kid"))).findFirst().orElse(null);
        if (app == null) return "no public key with this kid is registered";
        if (!verified(app.publicKey(), parts[0] + "." + parts[1], signature)) return "the JWT signature does not match the public key";
        if (!app.clientId().equals(Json.str(claims, "iss"))) return "iss is not the app's client id";
        if (!URI.create(state.baseUrl()).getRawAuthority().equals(Json.str(claims, "aud"))) return "aud is not this API's host";
        long now = Instant.now().plus(state.config.clockOffset).getEpochSecond();
        long iat = Json.num(claims, "iat", -1), exp = Json.num(claims, "exp", -1);
        if (iat < 0 || exp <= iat) return "iat and exp are missing or out of order";
        if (iat > now + LEEWAY) return "the JWT is issued in the future (iat); check the clock";
        if (exp <= now) return "the JWT has expired (exp); check the clock";
        String jti = Json.str(claims, "jti");
        if (jti == null || jti.isEmpty()) return "jti is missing";
        if (!usedJti.add(jti)) {
            state.bump("jti_reused");
            return "this jti was already used";
        }
        return null;
    }

    private static boolean verified(PublicKey key, String signed, byte[] signature) {
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(key);
            rs256.update(signed.getBytes(StandardCharsets.US_ASCII));
            return rs256.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** An RSA public key in PEM (`BEGIN PUBLIC KEY`), as Coze's console shows it. */
    static PublicKey publicKey(String pem) {
        String body = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "");
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getMimeDecoder().decode(body)));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IllegalArgumentException("not an RSA public key in PEM (BEGIN PUBLIC KEY)");
        }
    }
}
