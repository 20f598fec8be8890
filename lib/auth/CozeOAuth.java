package lib.auth;

import com.google.gson.JsonObject;
import java.time.Instant;
import lib.core.CozeConfig;
import lib.core.CozeException;
import lib.core.Json;
import lib.core.Urls;
import lib.http.CozeHttp;

/**
 * Coze's OAuth token endpoint for public clients: JSON bodies, no Authorization header, flat replies
 * whose `expires_in` is an absolute Unix time, errors as `error_code`
 * (https://www.coze.cn/open/docs/developer_guides/oauth_pkce).
 */
public final class CozeOAuth {
    public static final String TOKEN_PATH = "/api/permission/oauth2/token";
    static final String DEVICE_PATH = "/api/permission/oauth2/device/code";
    static final String AUTHORIZE_PATH = "/api/permission/oauth2/authorize";
    public static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
    public static final String JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    /** The toString of these values leaves the secrets out: a value may end up in a message or a log. */
    public record Token(String accessToken, String refreshToken, long expiresAt) {
        @Override
        public String toString() {
            return "Token[expiresAt=" + expiresAt + "]";
        }
    }

    public record DeviceCode(String deviceCode, String userCode, String verificationUri, long expiresAt) {
        @Override
        public String toString() {
            return "DeviceCode[userCode=" + userCode + ", verificationUri=" + verificationUri + ", expiresAt=" + expiresAt + "]";
        }

        public String verificationUrl() {
            return verificationUri + (verificationUri.contains("?") ? "&" : "?") + "user_code=" + userCode;
        }
    }

    /** The token endpoint said no; errorCode is Coze's `error_code` (e.g. invalid_grant, authorization_pending). */
    public static final class OAuthError extends CozeException {
        final String errorCode;

        public OAuthError(String errorCode, String message, String logId) {
            super(AUTH, "Coze refused: " + errorCode + (message == null || message.isBlank() ? "" : " (" + message + ")")
                    + (logId == null ? "" : " (logid " + logId + ")"), "run coze-login");
            this.errorCode = errorCode;
        }
    }

    private final CozeHttp http;

    public CozeOAuth(CozeHttp http) {
        this.http = http;
    }

    public static String authorizeUrl(String apiBase, String clientId, String redirectUri, String state, String challenge) {
        return authorizeUrl(apiBase, clientId, redirectUri, state, challenge, null);
    }

    /** The same for a login scoped to one workspace (null: the user's whole account). */
    public static String authorizeUrl(String apiBase, String clientId, String redirectUri, String state, String challenge, String workspace) {
        return CozeConfig.wwwBase(apiBase) + scoped(workspace, AUTHORIZE_PATH) + "?response_type=code"
                + "&client_id=" + Urls.encode(clientId) + "&redirect_uri=" + Urls.encode(redirectUri)
                + "&state=" + Urls.encode(state) + "&code_challenge=" + Urls.encode(challenge)
                + "&code_challenge_method=S256";
    }

    public Token exchangeCode(String clientId, String code, String redirectUri, String verifier) {
        JsonObject body = new JsonObject();
        body.addProperty("grant_type", "authorization_code");
        body.addProperty("client_id", clientId);
        body.addProperty("code", code);
        body.addProperty("redirect_uri", redirectUri);
        body.addProperty("code_verifier", verifier);
        return token(body);
    }

    Token refresh(String clientId, String refreshToken) {
        JsonObject body = new JsonObject();
        body.addProperty("grant_type", "refresh_token");
        body.addProperty("client_id", clientId);
        body.addProperty("refresh_token", refreshToken);
        return token(body);
    }

    public DeviceCode deviceCode(String clientId, String workspace) {
        JsonObject body = new JsonObject();
        body.addProperty("client_id", clientId);
        JsonObject o = flat(http.send("POST", scoped(workspace, DEVICE_PATH), body));
        String device = Json.str(o, "device_code"), user = Json.str(o, "user_code"), uri = Json.str(o, "verification_uri");
        if (device == null || user == null || uri == null)
            throw new CozeException(CozeException.FAILED, "Coze's device-code answer lacks device_code, user_code or verification_uri");
        return new DeviceCode(device, user, uri, absolute(Json.num(o, "expires_in", 600)));
    }

    public Token pollDevice(String clientId, String deviceCode) {
        JsonObject body = new JsonObject();
        body.addProperty("grant_type", DEVICE_GRANT);
        body.addProperty("client_id", clientId);
        body.addProperty("device_code", deviceCode);
        return token(body);
    }

    /** A service app's token: the signed assertion as the bearer, no client id in the body (it is the assertion's iss). */
    Token jwtGrant(String path, String assertion, long durationSeconds) {
        JsonObject body = new JsonObject();
        body.addProperty("grant_type", JWT_GRANT);
        body.addProperty("duration_seconds", durationSeconds);
        return token(path, body, assertion);
    }

    private Token token(JsonObject body) {
        return token(TOKEN_PATH, body, null);
    }

    private Token token(String path, JsonObject body, String bearer) {
        JsonObject o = flat(http.send("POST", path, body, bearer));
        String access = Json.str(o, "access_token");
        if (access == null || access.isEmpty())
            throw new CozeException(CozeException.FAILED, "Coze's token answer has no access_token");
        return new Token(access, Json.str(o, "refresh_token"), absolute(Json.num(o, "expires_in", 0)));
    }

    /** `/api/permission/oauth2/x` for a workspace: `/api/permission/oauth2/workspace_id/{id}/x` (the id is checked by coze-login). */
    private static String scoped(String workspace, String path) {
        return workspace == null ? path : path.replace("/oauth2/", "/oauth2/workspace_id/" + workspace + "/");
    }

    /** Errors are detected from the body whatever the status (Coze uses 200, 400 and 401 alike). */
    private static JsonObject flat(CozeHttp.Reply r) {
        if (r.json() == null) throw CozeHttp.httpError(r.status(), r.logId());
        String errorCode = Json.str(r.json(), "error_code");
        if (errorCode == null || errorCode.isEmpty()) errorCode = Json.str(r.json(), "error");
        if (errorCode != null && !errorCode.isEmpty()) {
            String msg = Json.str(r.json(), "error_message");
            if (msg == null) msg = Json.str(r.json(), "error_description");
            throw new OAuthError(errorCode, msg, r.logId());
        }
        if (Json.num(r.json(), "code", 0) != 0) CozeHttp.checkEnvelope(r);
        if (r.status() >= 400) throw CozeHttp.httpError(r.status(), r.logId());
        return r.json();
    }

    /** Coze sends an absolute Unix time; a value below 1e9 can only be a duration, so treat it as one. */
    public static long absolute(long expiresIn) {
        if (expiresIn <= 0) return 0;
        return expiresIn < 1_000_000_000L ? Instant.now().getEpochSecond() + expiresIn : expiresIn;
    }
}
