package lib.http;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.Authenticator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import lib.core.CozeApiException;
import lib.core.CozeConfig;
import lib.core.CozeException;
import lib.core.Json;

/**
 * Coze over java.net.http: timeouts on connect and headers, a User-Agent naming the project, proxies
 * from the environment, no redirects (a bearer token is never forwarded), and Coze's envelope
 * `{code,msg,detail.logid}` (which arrives with HTTP 200 too) turned into CozeApiException.
 */
public final class CozeHttp {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(10);
    static final String USER_AGENT = "coze-jbang/" + CozeConfig.VERSION + " java/" + System.getProperty("java.version")
            + " " + System.getProperty("os.name").toLowerCase(Locale.ROOT) + "/" + System.getProperty("os.version");
    /** What the official SDKs send beside the User-Agent, as JSON, so Coze can tell its clients apart. */
    static final String CLIENT_USER_AGENT = "{\"version\":\"" + CozeConfig.VERSION + "\",\"lang\":\"java\",\"lang_version\":\""
            + System.getProperty("java.version") + "\",\"os_name\":\"" + System.getProperty("os.name").toLowerCase(Locale.ROOT)
            + "\",\"os_version\":\"" + System.getProperty("os.version") + "\",\"client\":\"coze-jbang\"}";

    private static HttpClient shared;
    private static final EnvProxySelector PROXIES = new EnvProxySelector(System.getenv());
    private static final Authenticator PROXY_LOGIN = PROXIES.authenticator();

    static {
        // Coze is HTTPS, so a proxy sees a CONNECT, for which the JDK sends no Basic credentials unless
        // told; it reads this once, when the first java.net.http class loads, which is after this.
        if (PROXY_LOGIN != null) System.setProperty("jdk.http.auth.tunneling.disabledSchemes", "");
    }

    final String base;
    private final Bearer bearer;
    private final Consumer<String> debug;

    /** Requests as `bearer`; debug receives one line per request and response (never a header or body), null for none. */
    public CozeHttp(String base, Bearer bearer, Consumer<String> debug) {
        this.base = base;
        this.bearer = bearer;
        this.debug = debug;
    }

    /** With no bearer token: the token endpoint. */
    public CozeHttp(String base, Consumer<String> debug) {
        this(base, Bearer.NONE, debug);
    }

    /** Built on first use: creating a client costs start-up time that --help should not pay. */
    static synchronized HttpClient client() {
        if (shared == null) {
            HttpClient.Builder b = HttpClient.newBuilder()
                    .connectTimeout(CONNECT_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .proxy(PROXIES)
                    .version(HttpClient.Version.HTTP_1_1);
            if (PROXY_LOGIN != null) b.authenticator(PROXY_LOGIN);
            shared = b.build();
            QuickExit.stopAtExit(shared);
        }
        return shared;
    }

    /** A parsed reply: status, Coze log id, and the body as JSON (null when it is not JSON). */
    public record Reply(int status, String logId, JsonObject json) {}

    HttpRequest.Builder request(String method, String pathAndQuery, JsonElement body, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(RESPONSE_TIMEOUT)
                .header("User-Agent", USER_AGENT)
                .header("X-Coze-Client-User-Agent", CLIENT_USER_AGENT)
                .header("Accept", "application/json, text/event-stream");
        if (bearer != null) {
            if (!bearer.chars().allMatch(c -> c > 0x20 && c < 0x7f))
                throw new CozeException(CozeException.AUTH, "the access token contains spaces or control characters",
                        "check COZE_API_TOKEN, or run coze-login again");
            b.header("Authorization", "Bearer " + bearer);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return b;
    }

    /** `POST /v1/files/upload` (see Upload): Coze's file object (`id`, `bytes`, `file_name`); given up when no byte leaves for `stall`. */
    public JsonObject upload(Path file, Duration stall) {
        return upload(file, stall, null);
    }

    /** The same, telling `progress` the bytes sent so far as they go (from the HTTP client's threads). */
    public JsonObject upload(Path file, Duration stall, LongConsumer progress) {
        return authorized(token -> {
            Upload.Prepared upload = Upload.prepare(request("POST", "/v1/files/upload", null, token), file, progress);
            if (debug != null) debug.accept("> POST " + base + "/v1/files/upload (" + upload.length() + " bytes)");
            try {
                return checkEnvelope(Replies.read(Upload.send(upload, stall, RESPONSE_TIMEOUT)));
            } catch (ExecutionException e) {
                throw Replies.failed(upload.request().build(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CozeException(CozeException.INTERRUPTED, "interrupted");
            }
        }).getAsJsonObject("data");
    }

    /**
     * An envelope call with a body of its own kind (a file streamed into JSON or multipart) and extra
     * headers as name, value pairs. `body` is asked again for the retry after an auth error, and a
     * large upload gets minutes, not RESPONSE_TIMEOUT, before Coze answers.
     */
    public JsonObject call(String method, String pathAndQuery, Supplier<HttpRequest.BodyPublisher> body, String contentType, String... headers) {
        return authorized(token -> checkEnvelope(Replies.read(exchange(custom(method, pathAndQuery, body.get(), contentType, headers, token)))));
    }

    /** The same for an answer that is not JSON (audio): the caller reads and closes its body; a JSON answer is its error. */
    public HttpResponse<InputStream> fetch(String method, String pathAndQuery, Supplier<HttpRequest.BodyPublisher> body, String contentType) {
        return authorized(token -> {
            HttpResponse<InputStream> r = exchange(custom(method, pathAndQuery, body.get(), contentType, new String[0], token));
            String type = r.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
            if (r.statusCode() == 200 && !type.contains("json")) return r;
            Reply reply = Replies.read(r);
            if (reply.json() != null) checkEnvelope(reply);
            throw httpError(reply.status() == 200 ? 502 : reply.status(), reply.logId());
        });
    }

    private HttpRequest custom(String method, String pathAndQuery, HttpRequest.BodyPublisher body, String contentType, String[] headers, String token) {
        HttpRequest.Builder b = request(method, pathAndQuery, null, token).timeout(UPLOAD_TIMEOUT).header("Content-Type", contentType).method(method, body);
        for (int i = 0; i + 1 < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return b.build();
    }

    /** One request with no bearer token and no retry: token calls must not be repeated (a code or refresh token is single-use). */
    public Reply send(String method, String pathAndQuery, JsonElement body) {
        return send(method, pathAndQuery, body, null);
    }

    /** The same with a single-use bearer of its own (a service app's signed assertion), never this CozeHttp's. */
    public Reply send(String method, String pathAndQuery, JsonElement body, String oneTimeBearer) {
        return Replies.read(exchange(request(method, pathAndQuery, body, oneTimeBearer).build()));
    }

    /** An envelope API call: the whole envelope once its code is 0, or the exception. */
    public JsonObject call(String method, String pathAndQuery, JsonElement body) {
        return authorized(token -> checkEnvelope(Replies.read(exchange(request(method, pathAndQuery, body, token).build()))));
    }

    /** An envelope API call: returns `data` (or the whole object when there is none), or throws. */
    public JsonElement api(String method, String pathAndQuery, JsonElement body) {
        JsonObject o = call(method, pathAndQuery, body);
        JsonElement data = o.get("data");
        return data != null ? data : o;
    }

    /** `call` with the bearer's token, and once more with a fresh one when Coze rejects it. */
    <T> T authorized(Function<String, T> call) {
        String token = bearer.token();
        try {
            return call.apply(token);
        } catch (CozeApiException e) {
            if (!e.isAuthError()) throw e;
            String fresh;
            try {
                fresh = bearer.afterRejection(token);
            } catch (CozeException cannot) {
                // The server's own words too: Coze Studio's message is often the only clue to what is wrong with the token.
                if (cannot.exitCode != CozeException.AUTH || e.getMessage() == null) throw cannot;
                throw new CozeException(cannot.exitCode, cannot.getMessage() + " (" + e.code + ": " + e.getMessage() + ")", cannot.hint, e);
            }
            if (fresh == null) throw e;
            return call.apply(fresh);
        }
    }

    /**
     * A plain-text 404: the site's web server does not know the path (a Coze Studio older than the
     * route). Coze itself answers an unknown API with a JSON envelope.
     */
    public static final class NoSuchRoute extends CozeException {
        NoSuchRoute(String logId) {
            super(FAILED, "the site has no such API (HTTP 404)" + (logId == null ? "" : " (logid " + logId + ")"),
                    "a Coze Studio may not have it (yet: upgrade it); elsewhere, check --api-base");
        }
    }

    /** The body as an envelope whose code is 0, or the matching exception. */
    public static JsonObject checkEnvelope(Reply r) {
        if (r.json() == null && r.status() == 404) throw new NoSuchRoute(r.logId());
        if (r.json() == null) throw httpError(r.status(), r.logId());
        long code = Json.num(r.json(), "code", 0);
        if (code != 0) {
            String logId = r.logId() != null ? r.logId() : Json.str(Json.obj(r.json(), "detail"), "logid");
            throw new CozeApiException((int) code, Json.str(r.json(), "msg"), r.status(), logId);
        }
        if (r.status() >= 400) throw httpError(r.status(), r.logId());
        return r.json();
    }

    public static CozeException httpError(int status, String logId) {
        String where = logId == null ? "" : " (logid " + logId + ")";
        if (status == 429) return new CozeException(CozeException.RATE_LIMITED, "rate limited by Coze (HTTP 429)" + where);
        if (status == 407) return Replies.proxyRefused();
        if (status == 401 || status == 403)
            return new CozeException(CozeException.AUTH, "Coze rejected the credentials (HTTP " + status + ")" + where, "run coze-login");
        return new CozeException(CozeException.FAILED, "unexpected answer from Coze (HTTP " + status + ")" + where);
    }

    HttpResponse<InputStream> exchange(HttpRequest req) {
        if (debug != null) debug.accept("> " + req.method() + " " + req.uri());
        try {
            HttpResponse<InputStream> r = client().send(req, HttpResponse.BodyHandlers.ofInputStream());
            if (debug != null) debug.accept("< " + r.statusCode() + " " + r.headers().firstValue("Content-Type").orElse("")
                    + r.headers().firstValue("x-tt-logid").map(id -> " logid " + id).orElse(""));
            return r;
        } catch (IOException e) {
            throw Replies.failed(req, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CozeException(CozeException.INTERRUPTED, "interrupted");
        }
    }

    /** Retry-After as seconds or an HTTP date; null when absent or unreadable. */
    public static Duration retryAfter(String value) {
        if (value == null || value.isBlank()) return null;
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException unreadable) {
                return null;
            }
        }
    }
}
