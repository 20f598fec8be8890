package lib.auth;

import com.google.gson.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import lib.core.CozeException;
import lib.http.CozeHttp;

/**
 * A service app's token (OAuth JWT): an RS256 assertion signed with the app's private key by the
 * JDK's own Signature, sent as the bearer of one token request, as Coze's SDKs send it. There is no
 * refresh token: renewing (as a stored login's Renewal) is signing a new grant with the key file.
 */
public final class JwtGrant implements Renewal {
    public static final long DEFAULT_DURATION = 900, MAX_DURATION = 86_399;
    /** How long the assertion itself may be used, as coze-py signs it. */
    static final long ASSERTION_TTL = 3600;
    /** Account and enterprise ids go into the token path, so they are held to what Coze's ids are. */
    public static final Pattern ID = Pattern.compile("[0-9A-Za-z_-]{1,64}");

    private final Consumer<String> warn;
    private final Consumer<String> debug;

    JwtGrant(Consumer<String> warn, Consumer<String> debug) {
        this.warn = warn;
        this.debug = debug;
    }

    @Override
    public TokenStore.Login renew(TokenStore.Login current, Reservation space) {
        PrivateKey key;
        try {
            key = ServiceAppKey.read(Path.of(current.app().keyFile()), warn);
        } catch (CozeException e) {
            // The login needs its key file again: a login problem (4), whatever the file's.
            throw new CozeException(CozeException.AUTH, e.getMessage(), "restore the key file, or run coze-login --jwt again", e);
        }
        CozeOAuth.Token t = mint(current.apiBase(), current.clientId(), current.app(), key, debug);
        return current.withTokens(t.accessToken(), null, t.expiresAt());
    }

    @Override
    public CozeException unsaved(CozeException why) {
        return new CozeException(CozeException.AUTH, "got a new service app token, but " + why.getMessage(),
                "fix the folder's permissions; the next command asks Coze again", why);
    }

    /** The key in `file` (PKCS#8 PEM), warning through `warn` when others may read it. */
    public static PrivateKey readKey(Path file, Consumer<String> warn) {
        return ServiceAppKey.read(file, warn);
    }

    /** A new token for the app, or exit 4 with what to check when Coze refuses the grant. */
    public static CozeOAuth.Token mint(String apiBase, String clientId, TokenStore.ServiceApp app, PrivateKey key, Consumer<String> debug) {
        String assertion = assertion(clientId, app.keyId(), audience(apiBase), app.sessionName(), key, Instant.now());
        try {
            return new CozeOAuth(new CozeHttp(apiBase, debug)).jwtGrant(path(app), assertion, app.durationSeconds());
        } catch (CozeOAuth.OAuthError e) {
            throw new CozeException(CozeException.AUTH, "Coze refused the service app's token request: " + e.getMessage().replaceFirst("^Coze refused: ", ""),
                    "check the key id (--key-id: the public key's id on the app), that the private key is its pair, and this computer's clock", e);
        }
    }

    /** The token endpoint: the app's own, or an account's or an enterprise's. */
    static String path(TokenStore.ServiceApp app) {
        if (app.accountId() != null) return "/api/permission/oauth2/account/" + app.accountId() + "/token";
        if (app.enterpriseId() != null) return "/api/permission/oauth2/enterprise_id/" + app.enterpriseId() + "/token";
        return CozeOAuth.TOKEN_PATH;
    }

    /** The API host the assertion is for, as the SDKs name it (`api.coze.cn`; a port when there is one). */
    static String audience(String apiBase) {
        return URI.create(apiBase).getRawAuthority();
    }

    /** header.payload.signature, each base64url without padding. */
    static String assertion(String clientId, String keyId, String audience, String sessionName, PrivateKey key, Instant now) {
        JsonObject header = new JsonObject();
        header.addProperty("alg", "RS256");
        header.addProperty("typ", "JWT");
        header.addProperty("kid", keyId);
        JsonObject claims = new JsonObject();
        claims.addProperty("iss", clientId);
        claims.addProperty("aud", audience);
        claims.addProperty("iat", now.getEpochSecond());
        claims.addProperty("exp", now.getEpochSecond() + ASSERTION_TTL);
        claims.addProperty("jti", Pkce.randomToken());
        if (sessionName != null) claims.addProperty("session_name", sessionName);
        String signed = base64(header.toString().getBytes(StandardCharsets.UTF_8)) + "." + base64(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key);
            rs256.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + base64(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new CozeException(CozeException.USAGE, "cannot sign with the service app's key (" + e.getClass().getSimpleName() + ")",
                    "use the RSA private key Coze gave for the app");
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
