package mock;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import lib.core.Terminal;
import lib.core.Urls;

/**
 * How coze-mock answers, for every section: Coze's envelope `{code,msg,detail.logid}`, JSON, HTML,
 * redirects, the log; the request helpers; and the two ways a fault ends a response early.
 */
final class MockHttp {
    private final MockState state;

    MockHttp(MockState state) {
        this.state = state;
    }

    /** Thrown to make the HTTP server drop the connection without a proper end (a network fault). */
    static final class Abort extends RuntimeException {
        Abort() {
            super("injected connection drop", null, false, false);
        }
    }

    /** Ends a stream cleanly but early, before its terminal event (fault `cut=N`). */
    static final class Cut extends RuntimeException {
        Cut() {
            super("injected early end", null, false, false);
        }
    }

    void log(String line) {
        if (state.config.log != null) state.config.log.accept("coze-mock: " + Terminal.visible(line)); // paths come from any client
    }

    static String body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            // Room for coze-chat's largest message (1 MiB) even with every character escaped in JSON.
            byte[] b = in.readNBytes(8 << 20);
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    static String query(HttpExchange ex, String name) {
        return Urls.query(ex.getRequestURI().getRawQuery()).get(name);
    }

    static long parseLong(String s, long fallback) {
        try {
            return s == null ? fallback : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    void ok(HttpExchange ex, JsonElement data) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("code", 0);
        o.addProperty("msg", "");
        o.add("data", data);
        json(ex, 200, o);
    }

    /** Coze's error envelope, `{code, msg, detail: {logid}}`; a Studio's coded error has no `detail` (MockStudio.error). */
    void envelopeError(HttpExchange ex, int status, int code, String msg) throws IOException {
        if (state.config.studio && status == 200) {
            MockStudio.error(ex, state, code, msg);
            return;
        }
        state.bump("error." + code);
        JsonObject o = new JsonObject();
        o.addProperty("code", code);
        o.addProperty("msg", msg);
        JsonObject detail = new JsonObject();
        detail.addProperty("logid", ex.getResponseHeaders().getFirst("x-tt-logid"));
        o.add("detail", detail);
        json(ex, status, o);
    }

    /** The token endpoint's error: flat, `error_code` and `error_message` (and `error`, as OAuth names it), HTTP 400. */
    void oauthError(HttpExchange ex, String code, String message) throws IOException {
        state.bump("oauth_error." + code);
        JsonObject o = new JsonObject();
        o.addProperty("error_code", code);
        o.addProperty("error_message", message);
        o.addProperty("error", code);
        json(ex, 400, o);
    }

    void json(HttpExchange ex, int status, JsonElement body) throws IOException {
        text(ex, status, "application/json", body.toString());
    }

    void html(HttpExchange ex, int status, String body) throws IOException {
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        text(ex, status, "text/html; charset=utf-8", "<!doctype html><html><head><meta charset=\"utf-8\"><title>coze-mock</title></head><body>"
                + body + "</body></html>");
    }

    void text(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    void redirect(HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().set("Location", location);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(302, -1);
    }
}
