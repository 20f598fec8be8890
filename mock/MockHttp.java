package mock;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import lib.core.Terminal;
import lib.core.Urls;

/**
 * The plumbing every section of coze-mock shares: its configuration and faults, counters, the log,
 * and Coze's ways of answering (the envelope `{code,msg,detail.logid}`, JSON, HTML, redirects).
 */
public abstract class MockHttp {
    public static final class Config {
        public String bind = "127.0.0.1";
        public int port;
        public boolean autoApprove;
        public final List<String> pats = new ArrayList<>();
        public MockFaults faults = new MockFaults();
        public Duration tokenTtl = Duration.ofMinutes(15);
        public String scriptedBots;
        public Consumer<String> log;
        /** Serve HTTPS with this key and certificate (a PKCS12 key store), as Coze does; null: plain HTTP. */
        public java.nio.file.Path tlsKeyStore;
        public char[] tlsPassword;
    }

    final Config config;
    final CountDownLatch stopping = new CountDownLatch(1);
    final AtomicLong ids = new AtomicLong(7_400_000_000_000_000_000L);
    final Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();
    public volatile MockFaults faults;
    /** Serves requests, and the work a chat goes on with after its answer (as Coze does). */
    final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "coze-mock");
        t.setDaemon(true);
        return t;
    });

    MockHttp(Config config) {
        this.config = config;
        this.faults = config.faults;
    }

    /** Where this mock listens, as clients reach it. */
    abstract String baseUrl();

    void bump(String what) {
        counters.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
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

    void pause(long millis) {
        try {
            stopping.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    JsonObject mockState() {
        JsonObject o = new JsonObject();
        for (Map.Entry<String, AtomicInteger> e : counters.entrySet()) o.addProperty(e.getKey(), e.getValue().get());
        return o;
    }

    void log(String line) {
        if (config.log != null) config.log.accept("coze-mock: " + Terminal.visible(line)); // paths come from any client
    }

    static String body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(1 << 20);
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

    void envelopeError(HttpExchange ex, int status, int code, String msg) throws IOException {
        bump("error." + code);
        JsonObject o = new JsonObject();
        o.addProperty("code", code);
        o.addProperty("msg", msg);
        JsonObject detail = new JsonObject();
        detail.addProperty("logid", ex.getResponseHeaders().getFirst("x-tt-logid"));
        o.add("detail", detail);
        json(ex, status, o);
    }

    static void json(HttpExchange ex, int status, JsonElement body) throws IOException {
        text(ex, status, "application/json", body.toString());
    }

    static void html(HttpExchange ex, int status, String body) throws IOException {
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        text(ex, status, "text/html; charset=utf-8", "<!doctype html><html><head><meta charset=\"utf-8\"><title>coze-mock</title></head><body>"
                + body + "</body></html>");
    }

    static void text(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    static void redirect(HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().set("Location", location);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(302, -1);
    }
}
