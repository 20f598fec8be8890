package mock;

import static mock.MockHttp.blank;
import static mock.MockHttp.body;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import lib.core.Html;
import lib.core.Json;
import lib.core.Urls;
import mock.MockTokens.Family;

/**
 * Coze's OAuth device flow (RFC 8628): the device code, the page where a person approves or denies
 * its user code, and the token endpoint's polls, slowed down when they come too fast.
 */
final class MockDevices {
    private static final Duration DEVICE_TTL = Duration.ofMinutes(5);
    private static final int DEVICE_INTERVAL = 5;

    private static final class Device {
        final String clientId, userCode;
        final Instant expires;
        volatile String state = "pending";
        long lastPoll;
        int interval = DEVICE_INTERVAL;

        Device(String clientId, String userCode) {
            this.clientId = clientId;
            this.userCode = userCode;
            this.expires = Instant.now().plus(DEVICE_TTL);
        }
    }

    private final MockState state;
    private final MockHttp http;
    private final MockTokens tokens;
    private final Map<String, Device> devices = new ConcurrentHashMap<>();

    MockDevices(MockState state, MockHttp http, MockTokens tokens) {
        this.state = state;
        this.http = http;
        this.tokens = tokens;
    }

    void code(HttpExchange ex) throws IOException {
        MockOAuth.countWorkspace(state, ex, "device_code");
        JsonObject req = Json.object(body(ex));
        String clientId = Json.str(req, "client_id");
        if (blank(clientId)) {
            oauthError(ex, "invalid_request", "client_id is missing");
            return;
        }
        String deviceCode = "dc_" + MockTokens.randomToken();
        String userCode = userCode();
        Device d = new Device(clientId, userCode);
        if (state.config.autoApprove) d.state = "approved";
        devices.put(deviceCode, d);
        JsonObject o = new JsonObject();
        o.addProperty("device_code", deviceCode);
        o.addProperty("user_code", userCode);
        o.addProperty("verification_uri", state.baseUrl() + "/device");
        o.addProperty("expires_in", DEVICE_TTL.toSeconds()); // a duration here, unlike the token endpoint's absolute time
        o.addProperty("interval", DEVICE_INTERVAL);
        http.json(ex, 200, o);
    }

    private static String userCode() {
        String letters = "BCDFGHJKLMNPQRSTVWXZ";
        java.security.SecureRandom r = new java.security.SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == 4) sb.append('-');
            sb.append(letters.charAt(r.nextInt(letters.length())));
        }
        return sb.toString();
    }

    /** The token endpoint's device_code grant: pending, slow_down, denied, expired, or the tokens once. */
    void grant(HttpExchange ex, JsonObject req) throws IOException {
        Device d = devices.get(String.valueOf(Json.str(req, "device_code")));
        if (d == null || !d.clientId.equals(Json.str(req, "client_id"))) {
            oauthError(ex, "invalid_grant", "unknown device_code");
            return;
        }
        String error;
        synchronized (d) {
            long now = System.currentTimeMillis();
            boolean tooFast = d.lastPoll != 0 && now - d.lastPoll < d.interval * 1000L - 250 && !state.faults.has("device-fast-ok");
            d.lastPoll = now;
            if (d.expires.isBefore(Instant.now())) error = "expired_token";
            else if ("denied".equals(d.state)) error = "access_denied";
            else if ("used".equals(d.state)) error = "invalid_grant";
            else if (tooFast) {
                d.interval += 5;
                error = "slow_down";
            } else if ("pending".equals(d.state)) error = "authorization_pending";
            else {
                d.state = "used";
                error = null;
            }
        }
        if (error != null) oauthError(ex, error, error.replace('_', ' '));
        else http.json(ex, 200, tokens.issue(new Family(d.clientId), state.config.tokenTtl));
    }

    void page(HttpExchange ex) throws IOException {
        String code = Urls.query(ex.getRequestURI().getRawQuery()).getOrDefault("user_code", "");
        http.html(ex, 200, "<h1>Connect a device</h1><form method=\"post\"><label>Code <input name=\"user_code\" value=\""
                + Html.escape(code) + "\"></label> <button id=\"authorize\" name=\"decision\" value=\"authorize\">Authorize</button> "
                + "<button id=\"deny\" name=\"decision\" value=\"deny\">Deny</button></form>");
    }

    void decision(HttpExchange ex) throws IOException {
        Map<String, String> form = Urls.query(body(ex));
        String userCode = form.getOrDefault("user_code", "").trim().toUpperCase();
        for (Device d : devices.values()) {
            if (d.userCode.equals(userCode) && "pending".equals(d.state)) {
                d.state = "authorize".equals(form.get("decision")) ? "approved" : "denied";
                http.html(ex, 200, "<h1>" + ("approved".equals(d.state) ? "Device connected" : "Request denied")
                        + "</h1><p>You can return to your terminal.</p>");
                return;
            }
        }
        http.html(ex, 400, "<h1>Unknown or expired code</h1>");
    }

    private void oauthError(HttpExchange ex, String code, String message) throws IOException {
        http.oauthError(ex, code, message);
    }
}
