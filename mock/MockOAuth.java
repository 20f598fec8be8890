package mock;

import static mock.MockHttp.blank;
import static mock.MockHttp.body;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import lib.core.Html;
import lib.core.Json;
import lib.core.Urls;
import mock.MockTokens.Family;
import mock.MockTokens.Issued;

/**
 * Coze's OAuth for public clients: the consent page, the token endpoint (PKCE verified, single-use
 * codes, rotating refresh tokens whose reuse revokes the family).
 * The tokens it issues, and the bearer check, are MockTokens; the device flow is MockDevices.
 */
final class MockOAuth {
    private static final Duration CODE_TTL = Duration.ofMinutes(5);

    static final class Code {
        final String clientId, redirectUri, challenge, method;
        final Instant expires;
        boolean used;
        String family;

        Code(String clientId, String redirectUri, String challenge, String method) {
            this.clientId = clientId;
            this.redirectUri = redirectUri;
            this.challenge = challenge;
            this.method = method;
            this.expires = Instant.now().plus(CODE_TTL);
        }
    }

    private final MockState state;
    private final MockHttp http;
    private final MockTokens tokens;
    private final MockServiceApps serviceApps;
    private final MockDevices devices;
    private final Map<String, Code> codes = new ConcurrentHashMap<>();

    MockOAuth(MockState state, MockHttp http, MockTokens tokens, MockServiceApps serviceApps, MockDevices devices) {
        this.state = state;
        this.http = http;
        this.tokens = tokens;
        this.serviceApps = serviceApps;
        this.devices = devices;
    }

    void authorizePage(HttpExchange ex) throws IOException {
        countWorkspace(state, ex, "authorize");
        Map<String, String> q = Urls.query(ex.getRequestURI().getRawQuery());
        String problem = authorizeProblem(q);
        if (problem != null) {
            http.html(ex, 400, "<h1>Invalid authorization request</h1><p>" + Html.escape(problem) + "</p>");
            return;
        }
        if (state.config.autoApprove) {
            http.redirect(ex, approve(q));
            return;
        }
        StringBuilder hidden = new StringBuilder();
        for (Map.Entry<String, String> e : q.entrySet())
            hidden.append("<input type=\"hidden\" name=\"").append(Html.escape(e.getKey())).append("\" value=\"").append(Html.escape(e.getValue())).append("\">");
        http.html(ex, 200, "<h1>Authorize application</h1><p>The application <b>" + Html.escape(q.get("client_id"))
                + "</b> asks to use your Coze account (coze-mock).</p><form method=\"post\">" + hidden
                + "<button id=\"authorize\" name=\"decision\" value=\"authorize\">Authorize</button> "
                + "<button id=\"deny\" name=\"decision\" value=\"deny\">Deny</button></form>");
    }

    private static String authorizeProblem(Map<String, String> q) {
        if (!"code".equals(q.get("response_type"))) return "response_type must be code";
        if (blank(q.get("client_id"))) return "client_id is missing";
        String redirect = q.get("redirect_uri");
        if (blank(redirect)) return "redirect_uri is missing";
        try {
            URI u = URI.create(redirect);
            if (u.getScheme() == null || u.getHost() == null) return "redirect_uri is not an absolute URL";
        } catch (IllegalArgumentException e) {
            return "redirect_uri is not a URL";
        }
        if (blank(q.get("code_challenge"))) return "code_challenge is missing";
        String m = q.getOrDefault("code_challenge_method", "plain");
        if (!m.equalsIgnoreCase("S256") && !m.equalsIgnoreCase("plain")) return "code_challenge_method must be S256 or plain";
        return null;
    }

    void authorizeDecision(HttpExchange ex) throws IOException {
        Map<String, String> form = Urls.query(body(ex));
        String problem = authorizeProblem(form);
        if (problem != null) {
            http.html(ex, 400, "<h1>Invalid authorization request</h1><p>" + Html.escape(problem) + "</p>");
            return;
        }
        if ("authorize".equals(form.get("decision"))) http.redirect(ex, approve(form));
        else http.redirect(ex, withQuery(form.get("redirect_uri"), "error=access_denied&error_description="
                + Urls.encode("The user denied the request") + stateParam(form)));
    }

    private String approve(Map<String, String> q) {
        String code = "code_" + MockTokens.randomToken();
        state.lastCode = code;
        codes.put(code, new Code(q.get("client_id"), q.get("redirect_uri"), q.get("code_challenge"),
                q.getOrDefault("code_challenge_method", "plain")));
        return withQuery(q.get("redirect_uri"), "code=" + Urls.encode(code) + stateParam(q));
    }

    private static String stateParam(Map<String, String> q) {
        return q.containsKey("state") ? "&state=" + Urls.encode(q.get("state")) : "";
    }

    private static String withQuery(String uri, String query) {
        return uri + (uri.contains("?") ? "&" : "?") + query;
    }

    void token(HttpExchange ex) throws IOException {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            oauthError(ex, "invalid_request", "the token endpoint takes a JSON body");
            return;
        }
        JsonObject req = Json.object(body(ex));
        String grant = Json.str(req, "grant_type");
        state.bump("token." + grant);
        if (state.faults.has("token-delay")) state.pause(state.faults.num("token-delay", 0));
        if ("authorization_code".equals(grant)) codeGrant(ex, req);
        else if ("refresh_token".equals(grant)) refreshGrant(ex, req);
        else if ("urn:ietf:params:oauth:grant-type:device_code".equals(grant)) devices.grant(ex, req);
        else if (MockServiceApps.GRANT.equals(grant)) serviceApps.grant(ex, req, "app");
        else oauthError(ex, "unsupported_grant_type", "unsupported grant_type");
    }

    private void codeGrant(HttpExchange ex, JsonObject req) throws IOException {
        Code code = codes.get(String.valueOf(Json.str(req, "code")));
        String clientId = Json.str(req, "client_id");
        if (code == null || code.expires.isBefore(Instant.now()) || !code.clientId.equals(clientId)) {
            oauthError(ex, "invalid_grant", "the authorization code is invalid or expired");
            return;
        }
        synchronized (code) {
            if (code.used) {
                state.bump("code_reuse");
                if (code.family != null) revokeFamily(code.family);
                oauthError(ex, "invalid_grant", "the authorization code was already used");
                return;
            }
            code.used = true;
        }
        if (!code.redirectUri.equals(Json.str(req, "redirect_uri"))) {
            oauthError(ex, "invalid_grant", "redirect_uri does not match the authorization request");
            return;
        }
        String verifier = Json.str(req, "code_verifier");
        state.lastCodeVerifier = verifier;
        String expected = code.method.equalsIgnoreCase("S256") && verifier != null ? MockTokens.s256(verifier) : verifier;
        if (!sameSecret(code.challenge, expected)) {
            oauthError(ex, "invalid_grant", "code_verifier does not match the code_challenge");
            return;
        }
        Family family = new Family(clientId);
        JsonObject answer = tokens.issue(family, state.config.tokenTtl);
        code.family = Json.str(answer, "refresh_token");
        http.json(ex, 200, answer);
    }

    private void refreshGrant(HttpExchange ex, JsonObject req) throws IOException {
        String rt = String.valueOf(Json.str(req, "refresh_token"));
        Issued issued = tokens.refreshToken(rt);
        if (issued == null || !issued.family.clientId.equals(Json.str(req, "client_id")) || issued.family.revoked
                || issued.expires.isBefore(Instant.now())) {
            oauthError(ex, "invalid_grant", "the refresh token is invalid or expired");
            return;
        }
        synchronized (issued) {
            if (issued.used) {
                state.bump("reuse_detected");
                issued.family.revoked = true;
                oauthError(ex, "invalid_grant", "the refresh token was already used; the login has been revoked");
                return;
            }
            issued.used = true;
        }
        http.json(ex, 200, tokens.issue(issued.family, state.config.tokenTtl));
    }

    private void revokeFamily(String anyRefreshToken) {
        Issued i = tokens.refreshToken(anyRefreshToken);
        if (i != null) i.family.revoked = true;
    }

    /** A workspace-scoped request (`/api/permission/oauth2/workspace_id/{id}/…`) is counted as `what.workspace.{id}`. */
    static void countWorkspace(MockState state, HttpExchange ex, String what) {
        java.util.regex.Matcher m = WORKSPACE.matcher(ex.getRequestURI().getPath());
        if (m.find()) state.bump(what + ".workspace." + m.group(1));
    }

    private static final java.util.regex.Pattern WORKSPACE = java.util.regex.Pattern.compile("^/api/permission/oauth2/workspace_id/([^/]+)/");

    private void oauthError(HttpExchange ex, String code, String message) throws IOException {
        http.oauthError(ex, code, message);
    }

    private static boolean sameSecret(String expected, String actual) {
        return expected != null && actual != null
                && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
    }
}
