package lib.auth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import lib.core.CozeCli;
import lib.core.CozeConfig;
import lib.core.CozeException;
import lib.core.Html;
import lib.core.Urls;

/**
 * The loopback end of the browser login (RFC 8252 §7.3 and §8, https://www.rfc-editor.org/rfc/rfc8252):
 * listens only on the redirect URI's loopback address and port, treats only its exact path as the callback, ignores (400) callbacks whose
 * state is wrong or missing, honours `error=` only with the right state, and answers with a static
 * page that shows no code and loads nothing.
 */
public final class LoopbackCallback implements AutoCloseable {
    private final List<HttpServer> servers = new ArrayList<>();
    private final CompletableFuture<Redirect> result = new CompletableFuture<>();
    private final String path;
    private final String state;
    private final Consumer<String> warn;
    /** The Host headers a browser sends for the redirect URI: `host:port`, and `host` alone for port 80. */
    private final Set<String> hosts;
    private final AtomicBoolean warned = new AtomicBoolean();

    private LoopbackCallback(URI redirectUri, String state, Consumer<String> warn) {
        String raw = redirectUri.getRawPath();
        this.path = raw == null || raw.isEmpty() ? "/" : raw;
        this.state = state;
        this.warn = warn;
        String host = redirectUri.getHost().toLowerCase(Locale.ROOT);
        int port = redirectUri.getPort();
        this.hosts = port == -1 || port == 80 ? Set.of(host, host + ":80") : Set.of(host + ":" + port);
    }

    /** Binds 127.0.0.1, [::1], or both for `localhost`; never a wildcard address. */
    public static LoopbackCallback start(URI redirectUri, String state, Consumer<String> warn) {
        String host = redirectUri.getHost();
        if (!"http".equals(redirectUri.getScheme()) || !CozeConfig.loopback(host))
            throw new CozeException(CozeException.USAGE, "the redirect URI must be http:// on 127.0.0.1, [::1] or localhost, not "
                    + redirectUri, "register such a redirect URI on your Coze OAuth app and pass it with --redirect-uri");
        int port = redirectUri.getPort() != -1 ? redirectUri.getPort() : 80;
        LoopbackCallback cb = new LoopbackCallback(redirectUri, state, warn);
        List<String> addresses = host.equalsIgnoreCase("localhost") ? List.of("127.0.0.1", "::1")
                : List.of(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        try {
            for (String a : addresses) {
                InetAddress address = InetAddress.getByName(a); // a literal: parsed, not looked up
                if (!address.isLoopbackAddress()) throw new IOException(a + " is not a loopback address");
                cb.listen(address, port);
            }
        } catch (IOException e) {
            cb.close();
            if (e instanceof BindException)
                throw new CozeException(CozeException.USAGE, "port " + port + " on " + host + " is busy, so the login cannot receive"
                        + " Coze's redirect", "stop what uses it, or register another redirect URI (e.g. http://127.0.0.1:8081/callback)"
                        + " on your OAuth app and pass it with --redirect-uri");
            throw new CozeException(CozeException.FAILED, "cannot listen on " + host + ":" + port + ": " + e.getMessage());
        }
        return cb;
    }

    /** Requests read at once; those beyond wait in a queue, which costs a few hundred bytes each, not a thread. */
    static final int THREADS = 8;

    static {
        // Read once, when the JDK's HTTP server first starts. A request that does not arrive whole within
        // 10 s is dropped, queued or not, so half-sent requests from other local programs free their place
        // and the browser's, which comes whole at once, is read soon after. Open connections are bounded
        // too: far more than a browser opens, few enough for the 64 MB heap.
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) System.setProperty("sun.net.httpserver.maxReqTime", "10");
        if (System.getProperty("jdk.httpserver.maxConnections") == null) System.setProperty("jdk.httpserver.maxConnections", "4096");
    }

    /** A few threads for any number of requests: a flood of local connections cannot exhaust the heap (one thread each did). */
    private void listen(InetAddress address, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 128);
        server.setExecutor(Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "coze-login-callback");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
        servers.add(server);
    }

    /** The redirect (code, or error) once a request with the right state arrived. */
    public Redirect await(Duration timeout) {
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new CozeException(CozeException.AUTH, "no answer from the browser within " + CozeCli.human(timeout.toSeconds()),
                    "run coze-login again (--timeout to wait longer, --no-browser --paste or --device on a remote machine)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CozeException(CozeException.INTERRUPTED, "interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        Redirect finished = null;
        try {
            if (!"GET".equals(ex.getRequestMethod()) || !path.equals(ex.getRequestURI().getRawPath())) {
                page(ex, 404, "Not found", "This address only receives the Coze login.");
                return;
            }
            if (!hosts.contains(String.valueOf(ex.getRequestHeaders().getFirst("Host")).toLowerCase(Locale.ROOT))) {
                // A page on another site that made the browser resolve its own name to 127.0.0.1 (DNS rebinding).
                page(ex, 400, "Wrong address", "This address only receives the Coze login.");
                return;
            }
            Redirect answer = Redirect.read(state, Urls.query(ex.getRequestURI().getRawQuery()));
            if (result.isDone()) {
                page(ex, 400, "Login already finished", "You can close this tab.");
                return;
            }
            switch (answer.kind()) {
                case WRONG_STATE -> {
                    if (!warned.getAndSet(true))
                        warn.accept("coze-login: ignored a callback that did not belong to this login (wrong or missing state);"
                                + " further ones are ignored silently");
                    page(ex, 400, "This login link is not for the running coze-login", "Start the login again from your terminal.");
                }
                case ERROR -> {
                    page(ex, 200, "Login failed", "Coze said: " + answer.error() + ". You can close this tab.");
                    finished = answer;
                }
                case NO_CODE -> page(ex, 400, "Login failed", "The answer from Coze had no authorization code.");
                case CODE -> {
                    page(ex, 200, "Login complete", "Login complete, you can close this tab and return to the terminal.");
                    finished = answer;
                }
            }
        } finally {
            ex.close();
        }
        // Only once the page is out: coze-login stops this server as soon as it has the answer.
        if (finished != null) result.complete(finished);
    }

    private static void page(HttpExchange ex, int status, String title, String text) throws IOException {
        byte[] body = ("<!doctype html><html><head><meta charset=\"utf-8\"><title>coze-login: " + Html.escape(title)
                + "</title></head><body><h1>" + Html.escape(title) + "</h1><p>" + Html.escape(text) + "</p></body></html>")
                .getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    @Override
    public void close() {
        for (HttpServer s : servers) {
            s.stop(0);
            ((java.util.concurrent.ExecutorService) s.getExecutor()).shutdownNow();
        }
        servers.clear();
    }
}
