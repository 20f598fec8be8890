package lib.serve;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import lib.chat.ChatRequest;
import lib.chat.ChatStream;
import lib.core.CozeException;
import lib.discover.Directory;
import lib.http.CozeHttp;

/**
 * OpenAI's chat-completions API in front of the bots of one login: `GET /v1/models`,
 * `GET /v1/models/{id}` and `POST /v1/chat/completions`, each request on a thread of its own
 * (a stream holds its thread while the bot answers), each chat cancelled on Coze when its client leaves.
 */
public final class OpenAiServer implements AutoCloseable {
    /** Who chats when a request names no `user`, and how long a Coze stream may stay silent. */
    public record Settings(String userId, Duration idleTimeout, Duration stallTimeout) {}

    /** Requests carry a conversation at most; data URLs of images may come later, so not less. */
    static final int MAX_BODY = 32 << 20;

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(daemons("coze-serve"));
    private final ScheduledExecutorService pings = Executors.newSingleThreadScheduledExecutor(daemons("coze-serve-ping"));
    private final CozeHttp http;
    private final Models models;
    private final Settings settings;
    /** SHA-256 of the API key (so the comparison takes the same time whatever its length), or null for none. */
    private final byte[] keyHash;
    /** The Host headers a loopback server answers, or null off loopback (where the key guards it). */
    private final Set<String> hosts;
    private final Set<ChatStream> running = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Consumer<String> say;
    private final String baseUrl;

    private OpenAiServer(HttpServer server, CozeHttp http, Settings settings, String apiKey, boolean loopback, String bind,
                         Consumer<String> say) {
        this.server = server;
        this.http = http;
        this.models = new Models(new Directory(http));
        this.settings = settings;
        this.keyHash = apiKey == null ? null : sha256(apiKey);
        int port = server.getAddress().getPort();
        this.hosts = loopback ? Set.of("localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port) : null;
        this.say = say;
        this.baseUrl = "http://" + (bind.contains(":") ? "[" + bind + "]" : bind) + ":" + port + "/v1";
    }

    /**
     * Listens on `bind`:`port` (0: any free port). Off loopback only with an API key: anyone who
     * reaches the port would otherwise chat, and spend tokens, as this login.
     */
    public static OpenAiServer start(CozeHttp http, Settings settings, String bind, int port, String apiKey, Consumer<String> say) {
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new CozeException(CozeException.USAGE, "cannot bind " + bind + ": no such address");
        }
        boolean loopback = address.isLoopbackAddress();
        if (!loopback && apiKey == null)
            throw new CozeException(CozeException.USAGE, "listening on " + bind + " needs an API key: anyone who reaches it would chat as you",
                    "give --api-key-file FILE (clients send Authorization: Bearer KEY), or keep the default --bind 127.0.0.1");
        if (port < 0 || port > 65535) throw new CozeException(CozeException.USAGE, "--port " + port + " is not a port (0 to 65535)");
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(address, port), 128);
        } catch (BindException e) {
            throw new CozeException(CozeException.USAGE, "port " + port + " on " + bind + " is busy", "choose another with --port");
        } catch (IOException e) {
            throw new CozeException(CozeException.FAILED, "cannot listen on " + bind + ":" + port + ": " + e.getMessage());
        }
        OpenAiServer s = new OpenAiServer(server, http, settings, apiKey, loopback, address.getHostAddress(), say);
        server.createContext("/", s::handle);
        server.setExecutor(s.pool);
        server.start();
        return s;
    }

    /** What clients use as their OpenAI base URL. */
    public String baseUrl() {
        return baseUrl;
    }

    /** Until close(). */
    public void await() throws InterruptedException {
        closed.await();
    }

    /** Stops listening and cancels the chats that are streaming, on Coze too (waits for that a few seconds at most). */
    @Override
    public void close() {
        server.stop(0);
        pings.shutdownNow();
        for (ChatStream chat : running) pool.execute(chat::cancel);
        pool.shutdown();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed.countDown();
    }

    private void handle(HttpExchange ex) {
        try {
            route(ex);
        } catch (OpenAiError e) {
            answer(ex, e);
        } catch (CozeException e) {
            answer(ex, OpenAiError.of(e));
        } catch (RuntimeException | IOException e) {
            // One request's bug answers 500 and is said; the server goes on.
            say.accept("error: " + ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath() + ": " + e);
            answer(ex, new OpenAiError(500, "server_error", null, "coze-serve failed: " + e.getClass().getSimpleName()));
        } finally {
            ex.close();
        }
    }

    private void route(HttpExchange ex) throws IOException {
        if (hosts != null && !hosts.contains(String.valueOf(ex.getRequestHeaders().getFirst("Host")).toLowerCase(Locale.ROOT)))
            // A page on another site that made the browser resolve its own name to 127.0.0.1 (DNS rebinding).
            throw OpenAiError.badRequest("this server answers only to localhost, 127.0.0.1 and [::1]");
        if (keyHash != null && !keyMatches(ex.getRequestHeaders().getFirst("Authorization")))
            throw new OpenAiError(401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided: send Authorization: Bearer KEY,"
                    + " the key in coze-serve's --api-key-file");
        String path = ex.getRequestURI().getPath(), method = ex.getRequestMethod();
        if (path.equals("/v1/models")) {
            allow(method, "GET");
            json(ex, 200, models.list());
        } else if (path.startsWith("/v1/models/")) {
            allow(method, "GET");
            String model = path.substring("/v1/models/".length());
            Directory.Bot bot = models.find(model);
            if (bot == null) throw OpenAiError.unknownModel(model);
            json(ex, 200, Models.model(bot));
        } else if (path.equals("/v1/chat/completions")) {
            allow(method, "POST");
            complete(ex);
        } else {
            throw new OpenAiError(404, "invalid_request_error", "unknown_url", "Unknown request URL: " + method + " " + path
                    + " (coze-serve has /v1/models and /v1/chat/completions)");
        }
    }

    private void complete(HttpExchange ex) throws IOException {
        Completion c = Completion.parse(body(ex));
        Directory.Bot bot = models.find(c.model());
        if (bot == null) throw OpenAiError.unknownModel(c.model());
        String user = c.user() != null && !c.user().isBlank() ? c.user() : settings.userId();
        String content = c.parts().isEmpty() ? c.question() : Parts.objectString(c.question(), c.parts(), http);
        ChatRequest req = new ChatRequest(bot.id(), null, user, null, content, c.parts().isEmpty() ? "text" : "object_string", c.fields(),
                settings.idleTimeout(), settings.stallTimeout(), id -> { });
        Reply reply = new Reply(ex, c);
        ChatStream chat = new ChatStream(http, null);
        running.add(chat);
        ScheduledFuture<?> ping = pings.scheduleWithFixedDelay(() -> {
            if (!reply.ping()) pool.execute(chat::cancel);
        }, Reply.PING_NANOS, Reply.PING_NANOS, TimeUnit.NANOSECONDS);
        try {
            ChatStream.Result result = chat.run(req, reply);
            if (result.cancelled) return;
            if (result.waiting()) throw new OpenAiError(502, "coze_error", null,
                    "the bot waits for a local plugin's output or a reply to its question, which coze-serve cannot give (try coze-chat)");
            reply.finish(result);
        } catch (CozeException e) {
            if (e.exitCode != CozeException.STDOUT_CLOSED) failed(reply, OpenAiError.of(e));
        } catch (OpenAiError e) {
            failed(reply, e);
        } finally {
            ping.cancel(false);
            running.remove(chat);
        }
    }

    /** Before the stream began: the error as the answer; after: as its last event. */
    private static void failed(Reply reply, OpenAiError e) {
        if (!reply.streaming()) throw e;
        try {
            reply.fail(e);
        } catch (CozeException gone) {
            // The client left as well: nobody to tell.
        }
    }

    private static void allow(String method, String allowed) {
        if (!method.equals(allowed)) throw new OpenAiError(405, "invalid_request_error", null, method + " is not allowed here; use " + allowed);
    }

    private static String body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) throw new OpenAiError(413, "invalid_request_error", null, "the request is larger than 32 MB");
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private boolean keyMatches(String authorization) {
        String given = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).strip() : "";
        return MessageDigest.isEqual(keyHash, sha256(given));
    }

    private void answer(HttpExchange ex, OpenAiError e) {
        if (e.status >= 500) say.accept(e.status + " " + ex.getRequestURI().getRawPath() + ": " + e.getMessage());
        try {
            if (e.status == 401) ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            json(ex, e.status, e.json());
        } catch (IOException gone) {
            // The client left before its answer: nothing to do.
        }
    }

    static void json(HttpExchange ex, int status, JsonObject o) throws IOException {
        byte[] body = o.toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemons(String name) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
