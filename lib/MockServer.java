import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The Coze cloud as coze-api.md describes it, on loopback: the OAuth pages and token endpoint (PKCE
 * verified, single-use codes, rotating refresh tokens whose reuse revokes the family, the device
 * flow), conversations, `/v3/chat` streaming and polling, cancel, Coze's error envelopes with HTTP
 * 200 and an `x-tt-logid` on every response, plus faults that tests switch on.
 */
final class MockServer {
    static final Duration CODE_TTL = Duration.ofMinutes(5);
    static final Duration DEVICE_TTL = Duration.ofMinutes(10);
    static final int DEVICE_INTERVAL = 5;

    static final class Config {
        String bind = "127.0.0.1";
        int port;
        boolean autoApprove;
        final List<String> pats = new ArrayList<>();
        Faults faults = new Faults();
        Duration tokenTtl = Duration.ofMinutes(15);
        String scriptedBots;
        Consumer<String> log;
    }

    /** Fault switches: `name` or `name=value`, for every chat or for one scripted bot. */
    static final class Faults {
        final Map<String, String> values = new LinkedHashMap<>();

        static Faults parse(List<String> specs) {
            Faults f = new Faults();
            for (String s : specs) {
                int eq = s.indexOf('=');
                f.values.put(eq < 0 ? s.trim() : s.substring(0, eq).trim(), eq < 0 ? "" : s.substring(eq + 1).trim());
            }
            return f;
        }

        boolean has(String name) {
            return values.containsKey(name);
        }

        long num(String name, long fallback) {
            String v = values.get(name);
            return v == null || v.isEmpty() ? fallback : Long.parseLong(v);
        }

        Faults with(Faults more) {
            Faults f = new Faults();
            f.values.putAll(values);
            f.values.putAll(more.values);
            return f;
        }
    }

    /** A bot: answers are lists of delta pieces; null answers mean "echo the user's text". */
    static final class Bot {
        final String id, name;
        final List<List<String>> answers;
        final List<String> reasoning;
        final List<String> followUps;
        final Faults faults;

        Bot(String id, String name, List<List<String>> answers, List<String> reasoning, List<String> followUps, Faults faults) {
            this.id = id;
            this.name = name;
            this.answers = answers;
            this.reasoning = reasoning;
            this.followUps = followUps;
            this.faults = faults;
        }
    }

    private static final class Code {
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

    private static final class Family {
        final String clientId;
        volatile boolean revoked;

        Family(String clientId) {
            this.clientId = clientId;
        }
    }

    private static final class Issued {
        final Family family;
        final Instant expires;
        volatile boolean used;

        Issued(Family family, Instant expires) {
            this.family = family;
            this.expires = expires;
        }
    }

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

    private static final class Conversation {
        final String id, botId;
        final long createdAt = Instant.now().getEpochSecond();
        final List<JsonObject> messages = Collections.synchronizedList(new ArrayList<>());
        volatile String activeChat;

        Conversation(String id, String botId) {
            this.id = id;
            this.botId = botId;
        }
    }

    private static final class Chat {
        final String id, conversationId, botId;
        final long createdAt = Instant.now().getEpochSecond();
        volatile String status = "created";
        final List<JsonObject> messages = Collections.synchronizedList(new ArrayList<>());
        volatile int inputCount, outputCount;
        volatile JsonObject lastError;

        Chat(String id, String conversationId, String botId) {
            this.id = id;
            this.conversationId = conversationId;
            this.botId = botId;
        }
    }

    private final Config config;
    private final HttpServer http;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "coze-mock");
        t.setDaemon(true);
        return t;
    });
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final AtomicLong ids = new AtomicLong(7_400_000_000_000_000_000L);
    private final Map<String, Bot> bots = new LinkedHashMap<>();
    private final Map<String, Code> codes = new ConcurrentHashMap<>();
    private final Map<String, Issued> accessTokens = new ConcurrentHashMap<>();
    private final Map<String, Issued> refreshTokens = new ConcurrentHashMap<>();
    private final Map<String, Device> devices = new ConcurrentHashMap<>();
    private final Map<String, Conversation> conversations = new ConcurrentHashMap<>();
    private final Map<String, Chat> chats = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();
    private final Set<String> pats = ConcurrentHashMap.newKeySet();
    private volatile Faults faults;
    private final AtomicInteger chatsUnderFaults = new AtomicInteger();

    /** For the benchmark: when the latest stream's first answer delta and its `done` went out (System.nanoTime), and all bytes streamed. */
    volatile long firstDeltaSentAt, doneSentAt;
    final java.util.concurrent.atomic.AtomicLong streamedBytes = new java.util.concurrent.atomic.AtomicLong();

    /** For the secret checks: the last authorization code issued and code_verifier received. */
    volatile String lastCode, lastCodeVerifier;

    /** Tests hold a stream after its first delta until they release this (fault `gate`). */
    final Semaphore gate = new Semaphore(0);

    private MockServer(Config config) throws IOException {
        this.config = config;
        this.faults = config.faults;
        this.pats.addAll(config.pats);
        builtInBots();
        if (config.scriptedBots != null) loadBots(config.scriptedBots);
        http = HttpServer.create(new InetSocketAddress(config.bind, config.port), 64);
        http.setExecutor(pool);
        http.createContext("/", this::handle);
    }

    static MockServer start(Config config) throws IOException {
        MockServer s = new MockServer(config);
        s.http.start();
        return s;
    }

    int port() {
        return http.getAddress().getPort();
    }

    String baseUrl() {
        return "http://" + (config.bind.contains(":") ? "[" + config.bind + "]" : config.bind) + ":" + port();
    }

    void stop() {
        stopping.countDown();
        http.stop(0);
        pool.shutdownNow();
    }

    /** Replaces the faults; counted faults (`http429=N`) count chats from now on. */
    void setFaults(String... specs) {
        faults = Faults.parse(List.of(specs));
        chatsUnderFaults.set(0);
    }

    /** How often something happened: `token.refresh_token`, `chat`, `cancel`, `reuse_detected`, … */
    int count(String what) {
        AtomicInteger c = counters.get(what);
        return c == null ? 0 : c.get();
    }

    private void bump(String what) {
        counters.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
    }

    /** Issues a login directly, as a finished OAuth flow would; for tests of refresh and chat. */
    JsonObject issueTokens(String clientId, Duration accessTtl) {
        Family family = new Family(clientId);
        return tokenResponse(family, accessTtl);
    }

    // ---------------------------------------------------------------- routing

    private void handle(HttpExchange ex) throws IOException {
        long started = System.nanoTime();
        String logId = "mock" + Long.toHexString(ids.incrementAndGet());
        ex.getResponseHeaders().set("x-tt-logid", logId);
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
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
            case "POST /v1/conversation/create": conversationCreate(ex); return;
            case "GET /v1/conversation/retrieve", "POST /v1/conversation/retrieve": conversationRetrieve(ex); return;
            case "GET /v1/conversations": conversationList(ex); return;
            case "POST /v1/conversation/message/list": conversationMessages(ex); return;
            default:
                envelopeError(ex, 404, 4000, "no such API: " + method + " " + path);
        }
    }

    // ---------------------------------------------------------------- OAuth

    private void authorizePage(HttpExchange ex) throws IOException {
        Map<String, String> q = Urls.query(ex.getRequestURI().getRawQuery());
        String problem = authorizeProblem(q);
        if (problem != null) {
            html(ex, 400, "<h1>Invalid authorization request</h1><p>" + Html.escape(problem) + "</p>");
            return;
        }
        if (config.autoApprove) {
            redirect(ex, approve(q));
            return;
        }
        StringBuilder hidden = new StringBuilder();
        for (Map.Entry<String, String> e : q.entrySet())
            hidden.append("<input type=\"hidden\" name=\"").append(Html.escape(e.getKey())).append("\" value=\"").append(Html.escape(e.getValue())).append("\">");
        html(ex, 200, "<h1>Authorize application</h1><p>The application <b>" + Html.escape(q.get("client_id"))
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

    private void authorizeDecision(HttpExchange ex) throws IOException {
        Map<String, String> form = Urls.query(body(ex));
        String problem = authorizeProblem(form);
        if (problem != null) {
            html(ex, 400, "<h1>Invalid authorization request</h1><p>" + Html.escape(problem) + "</p>");
            return;
        }
        if ("authorize".equals(form.get("decision"))) redirect(ex, approve(form));
        else redirect(ex, withQuery(form.get("redirect_uri"), "error=access_denied&error_description="
                + Urls.encode("The user denied the request") + stateParam(form)));
    }

    private String approve(Map<String, String> q) {
        String code = "code_" + Pkce.randomToken();
        lastCode = code;
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

    private void token(HttpExchange ex) throws IOException {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            oauthError(ex, "invalid_request", "the token endpoint takes a JSON body");
            return;
        }
        JsonObject req = Json.object(body(ex));
        String grant = Json.str(req, "grant_type");
        bump("token." + grant);
        if (faults.has("token-delay")) pause(faults.num("token-delay", 0));
        if ("authorization_code".equals(grant)) codeGrant(ex, req);
        else if ("refresh_token".equals(grant)) refreshGrant(ex, req);
        else if ("urn:ietf:params:oauth:grant-type:device_code".equals(grant)) deviceGrant(ex, req);
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
                bump("code_reuse");
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
        lastCodeVerifier = verifier;
        String expected = code.method.equalsIgnoreCase("S256") && verifier != null ? Pkce.s256(verifier) : verifier;
        if (!Pkce.sameSecret(code.challenge, expected)) {
            oauthError(ex, "invalid_grant", "code_verifier does not match the code_challenge");
            return;
        }
        Family family = new Family(clientId);
        JsonObject tokens = tokenResponse(family, config.tokenTtl);
        code.family = Json.str(tokens, "refresh_token");
        json(ex, 200, tokens);
    }

    private void refreshGrant(HttpExchange ex, JsonObject req) throws IOException {
        String rt = String.valueOf(Json.str(req, "refresh_token"));
        Issued issued = refreshTokens.get(rt);
        if (issued == null || !issued.family.clientId.equals(Json.str(req, "client_id")) || issued.family.revoked
                || issued.expires.isBefore(Instant.now())) {
            oauthError(ex, "invalid_grant", "the refresh token is invalid or expired");
            return;
        }
        synchronized (issued) {
            if (issued.used) {
                bump("reuse_detected");
                issued.family.revoked = true;
                oauthError(ex, "invalid_grant", "the refresh token was already used; the login has been revoked");
                return;
            }
            issued.used = true;
        }
        json(ex, 200, tokenResponse(issued.family, config.tokenTtl));
    }

    private void revokeFamily(String anyRefreshToken) {
        Issued i = refreshTokens.get(anyRefreshToken);
        if (i != null) i.family.revoked = true;
    }

    private JsonObject tokenResponse(Family family, Duration accessTtl) {
        String access = "czs_mock_" + Pkce.randomToken();
        String refresh = "rt_mock_" + Pkce.randomToken();
        Instant expires = Instant.now().plus(accessTtl);
        accessTokens.put(access, new Issued(family, expires));
        refreshTokens.put(refresh, new Issued(family, Instant.now().plus(Duration.ofDays(30))));
        JsonObject o = new JsonObject();
        o.addProperty("access_token", access);
        o.addProperty("expires_in", expires.getEpochSecond());
        o.addProperty("refresh_token", refresh);
        o.addProperty("token_type", "Bearer");
        return o;
    }

    private void deviceCode(HttpExchange ex) throws IOException {
        JsonObject req = Json.object(body(ex));
        String clientId = Json.str(req, "client_id");
        if (blank(clientId)) {
            oauthError(ex, "invalid_request", "client_id is missing");
            return;
        }
        String deviceCode = "dc_" + Pkce.randomToken();
        String userCode = userCode();
        Device d = new Device(clientId, userCode);
        if (config.autoApprove) d.state = "approved";
        devices.put(deviceCode, d);
        JsonObject o = new JsonObject();
        o.addProperty("device_code", deviceCode);
        o.addProperty("user_code", userCode);
        o.addProperty("verification_uri", baseUrl() + "/device");
        o.addProperty("expires_in", d.expires.getEpochSecond());
        o.addProperty("interval", DEVICE_INTERVAL);
        json(ex, 200, o);
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

    private void deviceGrant(HttpExchange ex, JsonObject req) throws IOException {
        Device d = devices.get(String.valueOf(Json.str(req, "device_code")));
        if (d == null || !d.clientId.equals(Json.str(req, "client_id"))) {
            oauthError(ex, "invalid_grant", "unknown device_code");
            return;
        }
        String error;
        synchronized (d) {
            long now = System.currentTimeMillis();
            boolean tooFast = d.lastPoll != 0 && now - d.lastPoll < d.interval * 1000L - 250 && !faults.has("device-fast-ok");
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
        else json(ex, 200, tokenResponse(new Family(d.clientId), config.tokenTtl));
    }

    private void devicePage(HttpExchange ex) throws IOException {
        String code = Urls.query(ex.getRequestURI().getRawQuery()).getOrDefault("user_code", "");
        html(ex, 200, "<h1>Connect a device</h1><form method=\"post\"><label>Code <input name=\"user_code\" value=\""
                + Html.escape(code) + "\"></label> <button id=\"authorize\" name=\"decision\" value=\"authorize\">Authorize</button> "
                + "<button id=\"deny\" name=\"decision\" value=\"deny\">Deny</button></form>");
    }

    private void deviceDecision(HttpExchange ex) throws IOException {
        Map<String, String> form = Urls.query(body(ex));
        String userCode = form.getOrDefault("user_code", "").trim().toUpperCase();
        for (Device d : devices.values()) {
            if (d.userCode.equals(userCode) && "pending".equals(d.state)) {
                d.state = "authorize".equals(form.get("decision")) ? "approved" : "denied";
                html(ex, 200, "<h1>" + ("approved".equals(d.state) ? "Device connected" : "Request denied")
                        + "</h1><p>You can return to your terminal.</p>");
                return;
            }
        }
        html(ex, 400, "<h1>Unknown or expired code</h1>");
    }

    private void oauthError(HttpExchange ex, String code, String message) throws IOException {
        bump("oauth_error." + code);
        JsonObject o = new JsonObject();
        o.addProperty("error_code", code);
        o.addProperty("error_message", message);
        o.addProperty("error", code);
        json(ex, 400, o);
    }

    // ---------------------------------------------------------------- API auth

    private boolean authorized(HttpExchange ex, String path) throws IOException {
        String h = ex.getRequestHeaders().getFirst("Authorization");
        String token = h != null && h.startsWith("Bearer ") ? h.substring(7).trim() : null;
        int status = path.equals("/v3/chat") ? 200 : 401;
        if (token == null || token.isEmpty()) {
            envelopeError(ex, status, 4101, "The token you entered is incorrect. Please double check and try again.");
            return false;
        }
        if (pats.contains(token)) return true;
        Issued issued = accessTokens.get(token);
        if (issued == null) {
            envelopeError(ex, status, 4101, "The token you entered is incorrect. Please double check and try again.");
            return false;
        }
        if (issued.family.revoked || issued.expires.isBefore(Instant.now())) {
            bump("expired_token_used");
            envelopeError(ex, status, 4100, "authentication is invalid");
            return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- conversations

    private Conversation newConversation(String botId) {
        Conversation c = new Conversation(String.valueOf(ids.incrementAndGet()), botId);
        conversations.put(c.id, c);
        return c;
    }

    private JsonObject conversationJson(Conversation c) {
        JsonObject o = new JsonObject();
        o.addProperty("id", c.id);
        o.addProperty("created_at", c.createdAt);
        o.add("meta_data", new JsonObject());
        o.addProperty("last_section_id", c.id);
        return o;
    }

    private void conversationCreate(HttpExchange ex) throws IOException {
        String raw = body(ex);
        JsonObject req = raw.isBlank() ? new JsonObject() : Json.object(raw);
        Conversation c = newConversation(Json.str(req, "bot_id"));
        JsonElement msgs = req.get("messages");
        if (msgs != null && msgs.isJsonArray())
            for (JsonElement m : msgs.getAsJsonArray())
                c.messages.add(message(c.id, c.botId, null, Json.str(m.getAsJsonObject(), "role"),
                        "user".equals(Json.str(m.getAsJsonObject(), "role")) ? "question" : "answer",
                        Json.str(m.getAsJsonObject(), "content")));
        ok(ex, conversationJson(c));
    }

    private void conversationRetrieve(HttpExchange ex) throws IOException {
        Conversation c = conversations.get(query(ex, "conversation_id"));
        if (c == null) envelopeError(ex, 200, 4000, "conversation not found");
        else ok(ex, conversationJson(c));
    }

    private void conversationList(HttpExchange ex) throws IOException {
        String botId = query(ex, "bot_id");
        int page = (int) parseLong(query(ex, "page_num"), 1);
        int size = (int) Math.min(50, parseLong(query(ex, "page_size"), 50));
        List<Conversation> all = new ArrayList<>();
        for (Conversation c : conversations.values()) if (botId == null || botId.equals(c.botId)) all.add(c);
        all.sort((a, b) -> b.id.compareTo(a.id));
        JsonArray arr = new JsonArray();
        int from = Math.max(0, (page - 1) * size);
        for (int i = from; i < Math.min(all.size(), from + size); i++) arr.add(conversationJson(all.get(i)));
        JsonObject data = new JsonObject();
        data.add("conversations", arr);
        data.addProperty("has_more", from + size < all.size());
        ok(ex, data);
    }

    private void conversationMessages(HttpExchange ex) throws IOException {
        Conversation c = conversations.get(query(ex, "conversation_id"));
        if (c == null) {
            envelopeError(ex, 200, 4000, "conversation not found");
            return;
        }
        String raw = body(ex);
        JsonObject req = raw.isBlank() ? new JsonObject() : Json.object(raw);
        boolean asc = "asc".equals(Json.str(req, "order"));
        int limit = (int) Math.max(1, Math.min(50, Json.num(req, "limit", 50)));
        List<JsonObject> list;
        synchronized (c.messages) {
            list = new ArrayList<>(c.messages);
        }
        if (!asc) Collections.reverse(list);
        JsonArray arr = new JsonArray();
        for (int i = 0; i < Math.min(limit, list.size()); i++) arr.add(list.get(i));
        JsonObject o = new JsonObject();
        o.addProperty("code", 0);
        o.addProperty("msg", "");
        o.add("data", arr);
        o.addProperty("first_id", arr.size() > 0 ? Json.str(arr.get(0).getAsJsonObject(), "id") : "0");
        o.addProperty("last_id", arr.size() > 0 ? Json.str(arr.get(arr.size() - 1).getAsJsonObject(), "id") : "0");
        o.addProperty("has_more", list.size() > limit);
        json(ex, 200, o);
    }

    // ---------------------------------------------------------------- chat

    private void chat(HttpExchange ex) throws IOException {
        bump("chat");
        JsonObject req = Json.object(body(ex));
        String botId = Json.str(req, "bot_id");
        Bot bot = botId == null ? null : bots.get(botId);
        Faults f = bot == null ? faults : faults.with(bot.faults);
        int chatNumber = chatsUnderFaults.incrementAndGet();
        if (f.has("reset")) throw new Abort();
        if (f.has("delay")) pause(f.num("delay", 0));
        for (String name : f.values.keySet()) {
            if (name.matches("http\\d{3}") && chatNumber <= f.num(name, Long.MAX_VALUE)) {
                int status = Integer.parseInt(name.substring(4));
                if (f.has("retry-after") || status == 429) ex.getResponseHeaders().set("Retry-After", String.valueOf(f.num("retry-after", 1)));
                if (status == 429) envelopeError(ex, 429, 4013, "Requests are too frequent, please try again later.");
                else text(ex, status, "text/html", "<html><body><h1>" + status + " Service Unavailable</h1></body></html>");
                return;
            }
        }
        if (f.has("json-error")) {
            envelopeError(ex, 200, (int) f.num("json-error", 4000), "injected error");
            return;
        }
        if (f.has("wrong-type")) {
            text(ex, 200, "text/html; charset=utf-8", "<html><body>maintenance</body></html>");
            return;
        }
        if (blank(botId) || blank(Json.str(req, "user_id"))) {
            envelopeError(ex, 200, 4000, "invalid parameter: bot_id and user_id are required");
            return;
        }
        if (bot == null) {
            envelopeError(ex, 200, 4200, "Requested resource bot_id=" + botId + " does not exist. Please ensure that the bot is published to the API channel.");
            return;
        }
        String conversationId = query(ex, "conversation_id");
        Conversation conv;
        if (conversationId == null) conv = newConversation(botId);
        else if ((conv = conversations.get(conversationId)) == null) {
            envelopeError(ex, 200, 4000, "invalid parameter: conversation_id " + conversationId + " does not exist");
            return;
        }
        String userText = lastUserText(req);
        Chat chat = new Chat(String.valueOf(ids.incrementAndGet()), conv.id, botId);
        synchronized (conv) {
            if (conv.activeChat != null) {
                envelopeError(ex, 200, 4016, "Conversation occupied: there is a chat in progress in this conversation.");
                return;
            }
            conv.activeChat = chat.id;
        }
        chats.put(chat.id, chat);
        boolean save = !req.has("auto_save_history") || req.get("auto_save_history").getAsBoolean();
        if (save && userText != null) conv.messages.add(message(conv.id, botId, chat.id, "user", "question", userText));
        chat.inputCount = userText == null ? 0 : userText.length();
        boolean stream = req.has("stream") && req.get("stream").getAsBoolean();
        if (stream) {
            try {
                streamChat(ex, conv, chat, bot, userText, f, save);
            } finally {
                conv.activeChat = null;
            }
        } else {
            chat.status = "in_progress";
            ok(ex, chatJson(chat));
            pool.execute(() -> {
                try {
                    pause(Math.max(200, f.num("drip", 0)));
                    for (JsonObject m : replyMessages(conv, chat, bot, userText)) chat.messages.add(m);
                    finish(conv, chat, save);
                } finally {
                    conv.activeChat = null;
                }
            });
        }
    }

    /** The assistant messages of a reply, complete: answers, verbose, follow-ups. */
    private List<JsonObject> replyMessages(Conversation conv, Chat chat, Bot bot, String userText) {
        List<JsonObject> out = new ArrayList<>();
        for (List<String> pieces : answers(bot, userText)) {
            JsonObject m = message(conv.id, bot.id, chat.id, "assistant", "answer", String.join("", pieces));
            if (bot.reasoning != null) m.addProperty("reasoning_content", String.join("", bot.reasoning));
            out.add(m);
            chat.outputCount += pieces.size();
        }
        out.add(verbose(conv, chat, bot));
        for (String q : bot.followUps) out.add(message(conv.id, bot.id, chat.id, "assistant", "follow_up", q));
        return out;
    }

    private void finish(Conversation conv, Chat chat, boolean save) {
        if ("canceled".equals(chat.status)) return;
        chat.status = "completed";
        if (save) for (JsonObject m : chat.messages) if ("answer".equals(Json.str(m, "type"))) conv.messages.add(m);
    }

    private void streamChat(HttpExchange ex, Conversation conv, Chat chat, Bot bot, String userText, Faults f, boolean save)
            throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        SseWriter w = new SseWriter(ex.getResponseBody(), f);
        w.event("conversation.chat.created", chatJson(chat));
        chat.status = "in_progress";
        w.event("conversation.chat.in_progress", chatJson(chat));
        boolean first = true;
        List<List<String>> answers = answers(bot, userText);
        for (List<String> pieces : answers) {
            String msgId = String.valueOf(ids.incrementAndGet());
            if (bot.reasoning != null)
                for (String r : bot.reasoning) w.event("conversation.message.delta", delta(msgId, conv, chat, bot, "", r));
            for (String piece : pieces) {
                w.event("conversation.message.delta", delta(msgId, conv, chat, bot, piece, null));
                chat.outputCount++;
                if (first) {
                    first = false;
                    firstDeltaSentAt = System.nanoTime();
                    if (!afterFirstDelta(w, conv, chat, f)) return;
                }
            }
            JsonObject done = message(conv.id, bot.id, chat.id, "assistant", "answer", String.join("", pieces));
            done.addProperty("id", msgId);
            if (bot.reasoning != null) done.addProperty("reasoning_content", String.join("", bot.reasoning));
            chat.messages.add(done);
            w.event("conversation.message.completed", done);
        }
        JsonObject verbose = verbose(conv, chat, bot);
        chat.messages.add(verbose);
        w.event("conversation.message.completed", verbose);
        for (String q : bot.followUps) {
            JsonObject m = message(conv.id, bot.id, chat.id, "assistant", "follow_up", q);
            chat.messages.add(m);
            w.event("conversation.message.completed", m);
        }
        finish(conv, chat, save);
        JsonObject completed = chatJson(chat);
        completed.addProperty("completed_at", Instant.now().getEpochSecond());
        w.event("conversation.chat.completed", completed);
        if (f.has("no-done")) return;
        w.event("done", "\"[DONE]\"");
        doneSentAt = System.nanoTime();
        if (f.has("keep-open")) hold(w, f);
    }

    /** Faults that act once the first delta is out. False when the stream must end here. */
    private boolean afterFirstDelta(SseWriter w, Conversation conv, Chat chat, Faults f) throws IOException {
        if (f.has("gate")) {
            try {
                if (!gate.tryAcquire(30, TimeUnit.SECONDS)) return false;
            } catch (InterruptedException e) {
                return false;
            }
        }
        if (f.has("stall")) {
            hold(w, f);
            return false;
        }
        if (f.has("chat-failed")) {
            chat.status = "failed";
            JsonObject err = new JsonObject();
            err.addProperty("code", 5000);
            err.addProperty("msg", "event interval error");
            chat.lastError = err;
            w.event("conversation.chat.failed", chatJson(chat));
            w.event("done", "\"[DONE]\"");
            return false;
        }
        if (f.has("error-event")) {
            JsonObject err = new JsonObject();
            err.addProperty("code", f.num("error-event", 5000));
            err.addProperty("msg", "injected stream error");
            w.event("error", err);
            return false;
        }
        if (f.has("requires-action")) {
            chat.status = "requires_action";
            JsonObject c = chatJson(chat);
            JsonObject fn = new JsonObject();
            fn.addProperty("name", "local_plugin");
            fn.addProperty("arguments", "{}");
            JsonObject call = new JsonObject();
            call.addProperty("id", "call_1");
            call.addProperty("type", "function");
            call.add("function", fn);
            JsonArray calls = new JsonArray();
            calls.add(call);
            JsonObject sto = new JsonObject();
            sto.add("tool_calls", calls);
            JsonObject ra = new JsonObject();
            ra.addProperty("type", "submit_tool_outputs");
            ra.add("submit_tool_outputs", sto);
            c.add("required_action", ra);
            w.event("conversation.chat.requires_action", c);
            w.event("done", "\"[DONE]\"");
            return false;
        }
        return true;
    }

    /** Keeps the connection open with nothing (or only `:ping` comments) until the client leaves. */
    private void hold(SseWriter w, Faults f) throws IOException {
        long ping = f.num("ping", 0);
        long until = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < until) {
            try {
                if (stopping.await(ping > 0 ? ping : 1000, TimeUnit.MILLISECONDS)) return;
            } catch (InterruptedException e) {
                return;
            }
            if (ping > 0) w.comment("ping");
        }
    }

    private List<List<String>> answers(Bot bot, String userText) {
        if (bot.answers != null) return bot.answers;
        long n = faults.num("deltas", 0);
        if (n > 0) {
            List<String> many = new ArrayList<>();
            for (long i = 0; i < n; i++) many.add("tok" + (i % 10) + " ");
            return List.of(many);
        }
        return List.of(pieces(userText == null ? "" : userText, 3));
    }

    /** Splits text into pieces of up to n code points (a model never splits a character). */
    static List<String> pieces(String text, int n) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int end = i;
            for (int k = 0; k < n && end < text.length(); k++) end = text.offsetByCodePoints(end, 1);
            out.add(text.substring(i, end));
            i = end;
        }
        if (out.isEmpty()) out.add("");
        return out;
    }

    private static String lastUserText(JsonObject req) {
        JsonElement msgs = req.get("additional_messages");
        if (msgs == null || !msgs.isJsonArray() || msgs.getAsJsonArray().size() == 0) return null;
        JsonArray arr = msgs.getAsJsonArray();
        return Json.str(arr.get(arr.size() - 1).getAsJsonObject(), "content");
    }

    private JsonObject message(String convId, String botId, String chatId, String role, String type, String content) {
        JsonObject m = new JsonObject();
        m.addProperty("id", String.valueOf(ids.incrementAndGet()));
        m.addProperty("conversation_id", convId);
        m.addProperty("bot_id", botId);
        m.addProperty("chat_id", chatId);
        m.addProperty("section_id", convId);
        m.addProperty("role", role);
        m.addProperty("type", type);
        m.addProperty("content", content);
        m.addProperty("content_type", "text");
        m.add("meta_data", new JsonObject());
        long now = Instant.now().getEpochSecond();
        m.addProperty("created_at", now);
        m.addProperty("updated_at", now);
        return m;
    }

    private JsonObject delta(String msgId, Conversation conv, Chat chat, Bot bot, String content, String reasoning) {
        JsonObject m = new JsonObject();
        m.addProperty("id", msgId);
        m.addProperty("conversation_id", conv.id);
        m.addProperty("bot_id", bot.id);
        m.addProperty("role", "assistant");
        m.addProperty("type", "answer");
        m.addProperty("content", content);
        if (reasoning != null) m.addProperty("reasoning_content", reasoning);
        m.addProperty("content_type", "text");
        m.addProperty("chat_id", chat.id);
        m.addProperty("section_id", conv.id);
        return m;
    }

    private JsonObject verbose(Conversation conv, Chat chat, Bot bot) {
        return message(conv.id, bot.id, chat.id, "assistant", "verbose",
                "{\"msg_type\":\"generate_answer_finish\",\"data\":\"{\\\"finish_reason\\\":0,\\\"FinData\\\":\\\"\\\"}\",\"from_module\":null,\"from_unit\":null}");
    }

    private JsonObject chatJson(Chat chat) {
        JsonObject o = new JsonObject();
        o.addProperty("id", chat.id);
        o.addProperty("conversation_id", chat.conversationId);
        o.addProperty("bot_id", chat.botId);
        o.addProperty("created_at", chat.createdAt);
        JsonObject err = chat.lastError;
        if (err == null) {
            err = new JsonObject();
            err.addProperty("code", 0);
            err.addProperty("msg", "");
        }
        o.add("last_error", err);
        o.addProperty("status", chat.status);
        JsonObject usage = new JsonObject();
        boolean done = "completed".equals(chat.status);
        usage.addProperty("token_count", done ? chat.inputCount + chat.outputCount : 0);
        usage.addProperty("output_count", done ? chat.outputCount : 0);
        usage.addProperty("input_count", done ? chat.inputCount : 0);
        o.add("usage", usage);
        o.addProperty("section_id", chat.conversationId);
        return o;
    }

    private void chatRetrieve(HttpExchange ex) throws IOException {
        Chat chat = chats.get(query(ex, "chat_id"));
        if (chat == null || !chat.conversationId.equals(query(ex, "conversation_id"))) envelopeError(ex, 200, 4000, "chat not found");
        else ok(ex, chatJson(chat));
    }

    private void chatMessages(HttpExchange ex) throws IOException {
        Chat chat = chats.get(query(ex, "chat_id"));
        if (chat == null || !chat.conversationId.equals(query(ex, "conversation_id"))) {
            envelopeError(ex, 200, 4000, "chat not found");
            return;
        }
        JsonArray arr = new JsonArray();
        synchronized (chat.messages) {
            for (JsonObject m : chat.messages) arr.add(m);
        }
        ok(ex, arr);
    }

    private void cancel(HttpExchange ex) throws IOException {
        bump("cancel");
        JsonObject req = Json.object(body(ex));
        Chat chat = chats.get(String.valueOf(Json.str(req, "chat_id")));
        if (chat == null || !chat.conversationId.equals(Json.str(req, "conversation_id"))) {
            envelopeError(ex, 200, 4000, "chat not found");
            return;
        }
        synchronized (chat) {
            if (!"created".equals(chat.status) && !"in_progress".equals(chat.status)) {
                envelopeError(ex, 200, 4104, "the current conversation can't be canceled");
                return;
            }
            chat.status = "canceled";
        }
        bump("canceled");
        ok(ex, chatJson(chat));
    }

    // ---------------------------------------------------------------- bots

    private void builtInBots() {
        bots.put("echo", new Bot("echo", "Echo", null, null, List.of(), new Faults()));
        bots.put("reasoner", new Bot("reasoner", "Reasoner", List.of(List.of("The answer", " is ", "42.")),
                List.of("Let me think", " about it."), List.of("Why 42?", "What is the question?"), new Faults()));
        bots.put("multi", new Bot("multi", "Multi", List.of(List.of("First", " answer."), List.of("Second", " answer.")),
                null, List.of(), new Faults()));
    }

    /** `{"bots":[{"id":"...","name":"...","answers":[["He","llo"]],"reasoning":[...],"follow_ups":[...],"faults":["drip=50"]}]}` */
    private void loadBots(String text) {
        JsonObject root = Json.object(text);
        for (JsonElement e : root.getAsJsonArray("bots")) {
            JsonObject b = e.getAsJsonObject();
            String id = Json.str(b, "id");
            if (blank(id)) throw new IllegalArgumentException("every bot needs an id");
            List<List<String>> answers = null;
            if (b.has("answers")) {
                answers = new ArrayList<>();
                for (JsonElement a : b.getAsJsonArray("answers")) answers.add(strings(a));
            }
            bots.put(id, new Bot(id, Json.str(b, "name"), answers, b.has("reasoning") ? strings(b.get("reasoning")) : null,
                    b.has("follow_ups") ? strings(b.get("follow_ups")) : List.of(),
                    Faults.parse(b.has("faults") ? strings(b.get("faults")) : List.of())));
        }
    }

    private static List<String> strings(JsonElement e) {
        List<String> out = new ArrayList<>();
        for (JsonElement s : e.getAsJsonArray()) out.add(s.getAsString());
        return out;
    }

    // ---------------------------------------------------------------- plumbing

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

    /** Writes `event:NAME\ndata:JSON\n\n` as Coze does (no space after the colon), with stream faults. */
    private final class SseWriter {
        private final OutputStream out;
        private final Faults f;
        private final String eol;
        private final long drip, dropAfter, cutAfter, dropMidAt;
        private int events;

        SseWriter(OutputStream out, Faults f) {
            this.out = out;
            this.f = f;
            this.eol = f.has("crlf") ? "\r\n" : "\n";
            this.drip = f.num("drip", 0);
            this.dropAfter = f.num("drop", -1);
            this.cutAfter = f.num("cut", -1);
            this.dropMidAt = f.num("drop-mid", -1);
        }

        void event(String name, JsonElement data) throws IOException {
            event(name, data.toString());
        }

        void event(String name, String data) throws IOException {
            if (dropAfter >= 0 && events >= dropAfter) throw new Abort();
            if (cutAfter >= 0 && events >= cutAfter) throw new Cut();
            if (events > 0 && drip > 0) pause(drip);
            String text = "event:" + name + eol + "data:" + data + eol + eol;
            if (dropMidAt >= 0 && events >= dropMidAt) {
                write(text.substring(0, text.length() / 2));
                throw new Abort();
            }
            write(text);
            events++;
        }

        void comment(String text) throws IOException {
            write(":" + text + eol + eol);
        }

        private void write(String s) throws IOException {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            streamedBytes.addAndGet(bytes.length);
            if (f.has("one-byte")) {
                for (byte b : bytes) {
                    out.write(b);
                    out.flush();
                }
            } else {
                out.write(bytes);
                out.flush();
            }
        }
    }

    private void pause(long millis) {
        try {
            stopping.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private JsonObject mockState() {
        JsonObject o = new JsonObject();
        for (Map.Entry<String, AtomicInteger> e : counters.entrySet()) o.addProperty(e.getKey(), e.getValue().get());
        return o;
    }

    private void log(String line) {
        if (config.log != null) config.log.accept("coze-mock: " + line);
    }

    private static String body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(1 << 20);
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    private static String query(HttpExchange ex, String name) {
        return Urls.query(ex.getRequestURI().getRawQuery()).get(name);
    }

    private static long parseLong(String s, long fallback) {
        try {
            return s == null ? fallback : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private void ok(HttpExchange ex, JsonElement data) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("code", 0);
        o.addProperty("msg", "");
        o.add("data", data);
        json(ex, 200, o);
    }

    private void envelopeError(HttpExchange ex, int status, int code, String msg) throws IOException {
        bump("error." + code);
        JsonObject o = new JsonObject();
        o.addProperty("code", code);
        o.addProperty("msg", msg);
        JsonObject detail = new JsonObject();
        detail.addProperty("logid", ex.getResponseHeaders().getFirst("x-tt-logid"));
        o.add("detail", detail);
        json(ex, status, o);
    }

    private static void json(HttpExchange ex, int status, JsonElement body) throws IOException {
        text(ex, status, "application/json", body.toString());
    }

    private static void html(HttpExchange ex, int status, String body) throws IOException {
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        text(ex, status, "text/html; charset=utf-8", "<!doctype html><html><head><meta charset=\"utf-8\"><title>coze-mock</title></head><body>"
                + body + "</body></html>");
    }

    private static void text(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static void redirect(HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().set("Location", location);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(302, -1);
    }
}
