package mock;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import lib.core.Json;

/**
 * The Coze cloud as its OpenAPI docs and official SDKs describe it (docs/ARCHITECTURE.md, "The
 * mock"), on loopback. This file is the life cycle, the routing and the hooks tests use; each section
 * of Coze is a layer below it (MockWorkflows, MockDirectory, MockActions, MockChat, MockStreamFaults,
 * MockFiles, MockConversations, MockOAuth, MockHttp), with MockSseWriter, MockFaults and MockBots beside them.
 */
public final class MockServer extends MockWorkflows {
    private final HttpServer http;

    private MockServer(Config config) throws IOException {
        super(config);
        // Each SSE event is flushed as it is made; without TCP_NODELAY a TLS record can wait 40 ms for the
        // previous one's ACK (Nagle's algorithm). Read once, when the JDK's server first starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) System.setProperty("sun.net.httpserver.nodelay", "true");
        InetSocketAddress address = new InetSocketAddress(config.bind, config.port);
        if (config.tlsKeyStore == null) http = HttpServer.create(address, 64);
        else {
            HttpsServer https = HttpsServer.create(address, 64);
            https.setHttpsConfigurator(new HttpsConfigurator(tls(config.tlsKeyStore, config.tlsPassword)));
            http = https;
        }
        http.setExecutor(pool);
        http.createContext("/", this::handle);
    }

    /** A server context with the key store's key and certificate. */
    private static SSLContext tls(java.nio.file.Path keyStore, char[] password) throws IOException {
        try (var in = java.nio.file.Files.newInputStream(keyStore)) { // a wrong password is an IOException too
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("the TLS key store " + keyStore + " is not usable: " + e.getMessage(), e);
        }
    }

    public static MockServer start(Config config) throws IOException {
        MockServer s = new MockServer(config);
        s.http.start();
        return s;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    public String baseUrl() {
        return (config.tlsKeyStore == null ? "http://" : "https://") + (config.bind.contains(":") ? "[" + config.bind + "]" : config.bind) + ":" + port();
    }

    public void stop() {
        stopping.countDown();
        http.stop(0);
        pool.shutdownNow();
    }

    /** Replaces the faults; counted faults (`http429=N`) count chats from now on. */
    public void setFaults(String... specs) {
        faults = MockFaults.parse(List.of(specs));
        chatsUnderFaults.set(0);
    }

    /** Accepts one more personal access token from now on. */
    public void acceptToken(String pat) {
        pats.add(pat);
    }

    /** How often something happened: `token.refresh_token`, `chat`, `cancel`, `reuse_detected`, … */
    public int count(String what) {
        AtomicInteger c = counters.get(what);
        return c == null ? 0 : c.get();
    }

    /** Issues a login directly, as a finished OAuth flow would; for tests of refresh and chat. */
    public JsonObject issueTokens(String clientId, Duration accessTtl) {
        Family family = new Family(clientId);
        return tokenResponse(family, accessTtl);
    }

    private void handle(HttpExchange ex) throws IOException {
        long started = System.nanoTime();
        String logId = "mock" + Long.toHexString(ids.incrementAndGet());
        ex.getResponseHeaders().set("x-tt-logid", logId);
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        String client = ex.getRequestHeaders().getFirst("X-Coze-Client-User-Agent");
        if (client != null && Json.objectOrEmpty(client).has("lang")) bump("client_user_agent");
        try {
            route(ex, method, path);
        } catch (Abort abort) {
            log(method + " " + path + " connection dropped (fault)");
            throw abort; // the HTTP server then closes the socket without ending the body
        } catch (JsonParseException | IllegalStateException | ClassCastException | UnsupportedOperationException e) {
            envelopeError(ex, 200, 4000, "invalid request body: " + e.getMessage());
        } catch (Cut cut) {
            log(method + " " + path + " stream cut short (fault)");
        } catch (IOException clientLeft) {
            log(method + " " + path + " client closed the connection");
        }
        ex.close();
        log(method + " " + path + " " + ex.getResponseCode() + " " + (System.nanoTime() - started) / 1_000_000 + "ms");
    }

    private static final Pattern CLEAR = Pattern.compile("/v1/conversations/([^/]+)/clear");

    private void route(HttpExchange ex, String method, String path) throws IOException {
        switch (method + " " + path) {
            case "GET /api/permission/oauth2/authorize": authorizePage(ex); return;
            case "POST /api/permission/oauth2/authorize": authorizeDecision(ex); return;
            case "POST /api/permission/oauth2/token": token(ex); return;
            case "POST /api/permission/oauth2/device/code": deviceCode(ex); return;
            case "GET /device": devicePage(ex); return;
            case "POST /device": deviceDecision(ex); return;
            case "GET /_mock/state": json(ex, 200, mockState()); return;
            default:
        }
        if (!authorized(ex, path)) return;
        switch (method + " " + path) {
            case "POST /v3/chat": chat(ex); return;
            // GET in the studio IDL, go and java; POST with the same query in py and js: Coze takes both.
            case "GET /v3/chat/retrieve", "POST /v3/chat/retrieve": chatRetrieve(ex); return;
            case "GET /v3/chat/message/list", "POST /v3/chat/message/list": chatMessages(ex); return;
            case "POST /v3/chat/cancel": cancel(ex); return;
            case "POST /v3/chat/submit_tool_outputs": submitToolOutputs(ex); return;
            case "POST /v1/files/upload": upload(ex); return;
            case "POST /v1/conversation/create": conversationCreate(ex); return;
            case "GET /v1/conversation/retrieve", "POST /v1/conversation/retrieve": conversationRetrieve(ex); return;
            case "GET /v1/conversations": conversationList(ex); return;
            case "POST /v1/conversation/message/list": conversationMessages(ex); return;
            case "GET /v1/users/me": usersMe(ex); return;
            case "GET /v1/workspaces": workspaces(ex); return;
            case "GET /v1/bots": botList(ex); return;
            case "POST /v1/workflow/stream_run": workflowStreamRun(ex); return;
            case "POST /v1/workflow/stream_resume": workflowStreamResume(ex); return;
            case "POST /v1/workflow/run": workflowRun(ex); return;
            case "POST /v1/workflows/chat": workflowsChat(ex); return;
            default:
        }
        Matcher clear = CLEAR.matcher(path);
        if (method.equals("POST") && clear.matches()) conversationClear(ex, clear.group(1));
        else envelopeError(ex, 404, 4000, "no such API: " + method + " " + path);
    }
}
