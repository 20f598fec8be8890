package mock;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import lib.core.Json;

/**
 * The Coze cloud as its OpenAPI docs and official SDKs describe it (docs/ARCHITECTURE.md, "The
 * mock"), on loopback. This file is the life cycle, the one route table and the hooks tests use.
 * Each section of Coze is a handler the table points into (MockOAuth, MockDevices, MockChat, MockChats,
 * MockActions, MockFiles, MockConversations, MockDirectory, MockWorkflows with MockRunHistories, MockKnowledge with MockDocuments, MockAudio, MockServiceApps), given the one MockState,
 * MockHttp's answers and the other handlers it uses; MockTokens checks the bearer token first.
 */
public final class MockServer extends MockState {
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
        /** Service apps (OAuth JWT) whose assertions the token endpoint accepts. */
        public final List<ServiceApp> serviceApps = new ArrayList<>();
        /** How far the mock's clock is ahead of this machine's (negative: behind): a client's clock off by minutes. */
        public Duration clockOffset = Duration.ZERO;
        /** Speak Coze Studio's dialect (MockStudio): personal tokens only, its errors, stream endings and event names. */
        public boolean studio;
        /** With studio: the Studio release to play (`0.2.0`), without the routes it did not have yet; null for the current one. */
        public String studioVersion;
    }

    /** A service app as registered on Coze: its client id, and the id and public half of its key pair. */
    public record ServiceApp(String clientId, String keyId, java.security.PublicKey publicKey) {
        /** From `CLIENT_ID:KEY_ID:` and the public key's PEM text. */
        public static ServiceApp of(String clientId, String keyId, String publicKeyPem) {
            return new ServiceApp(clientId, keyId, MockServiceApps.publicKey(publicKeyPem));
        }
    }

    /** open: answered without a bearer token (OAuth's own pages and endpoints). */
    private record Route(boolean open, HttpHandler handler) {}

    private final HttpServer http;
    private final MockHttp replies = new MockHttp(this);
    private final MockTokens tokens = new MockTokens(this, replies);
    /** "METHOD /path" → its route; a path with an id in it has `{id}` there. */
    private final Map<String, Route> routes = new HashMap<>();

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
        routeTable();
    }

    private void routeTable() {
        MockServiceApps serviceApps = new MockServiceApps(this, replies, tokens);
        MockDevices devices = new MockDevices(this, replies, tokens);
        MockOAuth oauth = new MockOAuth(this, replies, tokens, serviceApps, devices);
        MockConversations conversations = new MockConversations(this, replies);
        MockChats chats = new MockChats(this, replies, conversations);
        MockFiles files = new MockFiles(this, replies);
        MockActions actions = new MockActions(this, replies, conversations, chats);
        MockChat chat = new MockChat(this, replies, conversations, chats, files, new MockStreamFaults(this, conversations, chats), actions);
        MockDirectory directory = new MockDirectory(this, replies);
        MockWorkflows workflows = new MockWorkflows(this, replies, chat);
        MockKnowledge knowledge = new MockKnowledge(this, replies);
        MockDocuments documents = new MockDocuments(knowledge, this, replies);
        MockAudio audio = new MockAudio(this, replies);
        MockTemplates templates = new MockTemplates(this, replies);
        open("GET /api/permission/oauth2/authorize", oauth::authorizePage);
        open("POST /api/permission/oauth2/authorize", oauth::authorizeDecision);
        open("POST /api/permission/oauth2/token", oauth::token);
        open("POST /api/permission/oauth2/device/code", devices::code);
        // A login scoped to one workspace: the same consent page and device code, counted by workspace.
        open("GET /api/permission/oauth2/workspace_id/{id}/authorize", oauth::authorizePage);
        open("POST /api/permission/oauth2/workspace_id/{id}/authorize", oauth::authorizeDecision);
        open("POST /api/permission/oauth2/workspace_id/{id}/device/code", devices::code);
        open("POST /api/permission/oauth2/account/{id}/token", serviceApps::accountToken);
        open("POST /api/permission/oauth2/enterprise_id/{id}/token", serviceApps::enterpriseToken);
        open("GET /device", devices::page);
        open("POST /device", devices::decision);
        open("GET /_mock/state", ex -> replies.json(ex, 200, counts()));
        api("POST /v3/chat", chat::chat);
        // GET in the studio IDL, go and java; POST with the same query in py and js: Coze takes both.
        api("GET /v3/chat/retrieve", chats::retrieve);
        api("POST /v3/chat/retrieve", chats::retrieve);
        api("GET /v3/chat/message/list", chats::messages);
        api("POST /v3/chat/message/list", chats::messages);
        api("POST /v3/chat/cancel", chats::cancel);
        api("POST /v3/chat/submit_tool_outputs", actions::submitToolOutputs);
        api("POST /v1/files/upload", files::upload);
        api("POST /v1/conversation/create", conversations::create);
        api("GET /v1/conversation/retrieve", conversations::retrieve);
        api("POST /v1/conversation/retrieve", conversations::retrieve);
        api("GET /v1/conversations", conversations::list);
        api("POST /v1/conversation/message/list", conversations::messages);
        api("POST /v1/conversations/{id}/clear", conversations::clear);
        api("GET /v1/users/me", directory::usersMe);
        api("GET /v1/workspaces", directory::workspaces);
        api("GET /v1/bots", directory::botList);
        api("POST /v1/workflow/stream_run", workflows::streamRun);
        api("POST /v1/workflow/stream_resume", workflows::streamResume);
        api("POST /v1/workflow/run", workflows::run);
        api("POST /v1/workflows/chat", workflows::chatflow);
        api("GET /v1/workflows/{id}/run_histories/{id}", workflows.histories::history);
        api("GET /v1/datasets", knowledge::list);
        api("POST /v1/datasets", knowledge::create);
        api("PUT /v1/datasets/{id}", knowledge::update);
        api("DELETE /v1/datasets/{id}", knowledge::delete);
        api("POST /v1/datasets/{id}/process", knowledge::process);
        api("POST /open_api/knowledge/document/create", documents::createDocuments);
        api("POST /open_api/knowledge/document/list", documents::listDocuments);
        api("POST /open_api/knowledge/document/update", documents::updateDocument);
        api("POST /open_api/knowledge/document/delete", documents::deleteDocuments);
        api("POST /v1/templates/{id}/duplicate", templates::duplicate);
        api("GET /v1/audio/voices", audio::voices);
        api("POST /v1/audio/speech", audio::speech);
        api("POST /v1/audio/transcriptions", audio::transcriptions);
        if (config.studio) {
            routes.keySet().removeIf(route -> MockStudio.absent(route, config.studioVersion));
            MockStudio.numberBots(bots); // every bot is made by now, MockActions' too
            api("GET /v1/workflow/get_run_history", workflows.histories::studioHistory);
        }
    }

    private void open(String route, HttpHandler handler) {
        routes.put(route, new Route(true, handler));
    }

    private void api(String route, HttpHandler handler) {
        routes.put(route, new Route(false, handler));
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

    @Override
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

    /** The id a client gives for the bot `id` (`echo`): itself, or on a Studio, where bot ids are numbers, its number. */
    public String botId(String id) {
        return config.studio ? MockStudio.botId(id) : id;
    }

    /** Throws IllegalArgumentException, saying why, unless `version` names a Coze Studio release (0.2.0). */
    public static void checkStudioVersion(String version) {
        MockStudio.release(version);
    }

    /** Accepts one more personal access token from now on. */
    public void acceptToken(String pat) {
        tokens.pats.add(pat);
    }

    /** How often something happened: `token.refresh_token`, `chat`, `cancel`, `reuse_detected`, … */
    public int count(String what) {
        AtomicInteger c = counters.get(what);
        return c == null ? 0 : c.get();
    }

    /** Issues a login directly, as a finished OAuth flow would; for tests of refresh and chat. */
    public JsonObject issueTokens(String clientId, Duration accessTtl) {
        return tokens.issue(new MockTokens.Family(clientId), accessTtl);
    }

    private void handle(HttpExchange ex) throws IOException {
        long started = System.nanoTime();
        String logId = "mock" + Long.toHexString(nextId());
        ex.getResponseHeaders().set("x-tt-logid", logId);
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        String client = ex.getRequestHeaders().getFirst("X-Coze-Client-User-Agent");
        if (client != null && Json.objectOrEmpty(client).has("lang")) bump("client_user_agent");
        try {
            route(ex, method, path);
        } catch (MockHttp.Abort abort) {
            replies.log(method + " " + path + " connection dropped (fault)");
            throw abort; // the HTTP server then closes the socket without ending the body
        } catch (JsonParseException | IllegalStateException | ClassCastException | UnsupportedOperationException e) {
            replies.envelopeError(ex, 200, 4000, "invalid request body: " + e.getMessage());
        } catch (MockHttp.Cut cut) {
            replies.log(method + " " + path + " stream cut short (fault)");
        } catch (IOException clientLeft) {
            replies.log(method + " " + path + " client closed the connection");
        }
        ex.close();
        replies.log(method + " " + path + " " + ex.getResponseCode() + " " + (System.nanoTime() - started) / 1_000_000 + "ms");
    }

    /** The paths with an id in them, as `{id}` in the route table. */
    private static final Pattern WITH_ID = Pattern.compile("(/v1/conversations/|/v1/templates/|/api/permission/oauth2/account/|/api/permission/oauth2/enterprise_id/"
            + "|/api/permission/oauth2/workspace_id/)[^/]+(/clear|/duplicate|/token|/authorize|/device/code)");
    /** The paths with two ids in them. */
    private static final Pattern WITH_IDS = Pattern.compile("(/v1/workflows/)[^/]+(/run_histories/)[^/]+");
    /** A path that ends in an id, or an id and one more word. */
    private static final Pattern ENDS_WITH_ID = Pattern.compile("(/v1/datasets/)[^/]+(/process)?");

    /** OAuth's routes answer anyone; every other path, known or not, first checks the bearer token. */
    private void route(HttpExchange ex, String method, String path) throws IOException {
        String template = WITH_ID.matcher(path).matches() ? WITH_ID.matcher(path).replaceFirst("$1{id}$2")
                : WITH_IDS.matcher(path).matches() ? WITH_IDS.matcher(path).replaceFirst("$1{id}$2{id}")
                : ENDS_WITH_ID.matcher(path).matches() ? ENDS_WITH_ID.matcher(path).replaceFirst("$1{id}$2") : path;
        Route route = routes.get(method + " " + template);
        if (route != null && route.open()) {
            route.handler().handle(ex);
            return;
        }
        if (route == null && config.studio) {
            MockStudio.notFound(ex);
            return;
        }
        if (!tokens.authorized(ex, path)) return;
        if (route != null) route.handler().handle(ex);
        else replies.envelopeError(ex, 404, 4000, "no such API: " + method + " " + path);
    }
}
