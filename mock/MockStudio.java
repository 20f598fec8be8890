package mock;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Coze Studio's dialect of the API (the self-hosted, open-source Coze), for `coze-mock --studio`:
 * personal access tokens only (no OAuth, JWT or device routes), no user, workspace or bot listing
 * and no local plugins (`submit_tool_outputs`); a bad token is HTTP 200 with code 700012006; a chat
 * stream ends with `conversation.stream.done`; workflow events are named in lower case (before
 * v0.3.0); a question node's question travels in `interrupt_data.data` as a JSON string.
 */
final class MockStudio {
    /** Studio's "authentication failed" (errno/user.go), sent as HTTP 200. */
    static final int TOKEN_INVALID = 700012006;
    /**
     * The cloud's routes Studio's router (backend/api/router/coze/api.go) does not have: who am I,
     * workspaces, the bot list, local plugins, the POST spellings of the chat's and the conversation's
     * lookups (Studio takes GET only), a run's history by `run_histories` (Studio has its own
     * `get_run_history`), templates, audio.
     */
    private static final Set<String> ABSENT = Set.of("GET /v1/users/me", "GET /v1/workspaces", "GET /v1/bots",
            "POST /v3/chat/submit_tool_outputs", "POST /v3/chat/retrieve", "POST /v3/chat/message/list", "POST /v1/conversation/retrieve",
            "GET /v1/workflows/{id}/run_histories/{id}", "POST /v1/templates/{id}/duplicate");

    /**
     * Routes Studio gained after its first release, with the release that brought each (api.go's
     * history): cancel in v0.3.0; the chat's retrieve and message list (non-streaming chat) and the
     * knowledge documents in v0.5.1.
     */
    private static final Map<String, String> SINCE = Map.of("POST /v3/chat/cancel", "0.3.0",
            "GET /v3/chat/retrieve", "0.5.1", "GET /v3/chat/message/list", "0.5.1",
            "POST /open_api/knowledge/document/create", "0.5.1", "POST /open_api/knowledge/document/list", "0.5.1",
            "POST /open_api/knowledge/document/update", "0.5.1", "POST /open_api/knowledge/document/delete", "0.5.1");

    private MockStudio() {}

    /**
     * Whether Studio lacks this route of the table ("METHOD /path"): those above, OAuth's, the device
     * page's and audio's, and on an older release (`version`, null for the current one) those it did not have yet.
     */
    static boolean absent(String route, String version) {
        if (version != null && SINCE.containsKey(route) && older(version, SINCE.get(route))) return true;
        return ABSENT.contains(route) || route.contains(" /api/permission/") || route.endsWith(" /device") || route.contains(" /v1/audio/");
    }

    /** A release as `coze-mock --studio-version` takes it: 0.2.0, 0.5 or 1 (a leading v allowed); throws IllegalArgumentException otherwise. */
    static int[] release(String version) {
        String v = version.strip().startsWith("v") ? version.strip().substring(1) : version.strip();
        if (!v.matches("\\d{1,4}(\\.\\d{1,4}){0,2}")) throw new IllegalArgumentException("a Coze Studio release is like 0.2.0, not " + version);
        int[] r = new int[3];
        String[] parts = v.split("\\.");
        for (int i = 0; i < parts.length; i++) r[i] = Integer.parseInt(parts[i]);
        return r;
    }

    private static boolean older(String version, String than) {
        return java.util.Arrays.compare(release(version), release(than)) < 0;
    }

    /** Studio's error envelope (httputil/error_resp.go): `code` and `msg`, no `detail`, HTTP 200. */
    static void error(HttpExchange ex, MockState state, int code, String msg) throws IOException {
        envelope(ex, state, 200, code, msg);
    }

    /** Studio's answer to a request it cannot take as its IDL says (httputil.BadRequest): HTTP 400 with code 400. */
    static void badRequest(HttpExchange ex, MockState state, String msg) throws IOException {
        envelope(ex, state, 400, 400, msg);
    }

    private static void envelope(HttpExchange ex, MockState state, int status, int code, String msg) throws IOException {
        state.bump("error." + code);
        JsonObject o = new JsonObject();
        o.addProperty("code", code);
        o.addProperty("msg", msg);
        send(ex, status, "application/json; charset=utf-8", o.toString());
    }

    /** Studio's errno for a failed run (errno/conversation.go); the failure itself is in the message. */
    static final int AGENT_RUN_ERROR = 103100001;

    /**
     * Studio's answer to a chat with a bot it will not run for this token, not there or not published
     * to the API channel (single_agent_impl.go: ErrAgentInvalidParamCode): its `msg` is the Go error's
     * text, code, message and stack on several lines. Streamed (as Studio streams when `stream` is
     * absent), HTTP 200 and one `error` event under ErrConversationAgentRunError; else HTTP 400 with
     * code 400 (agent_run_service.go).
     */
    static void agentNotPublished(HttpExchange ex, MockState state, String botId, boolean stream) throws IOException {
        String msg = "code=100000000 message=invalid parameter : agent not published, agentID=" + botId + " connectorID=1024"
                + "\nstack=goroutine 1 [running]:\nruntime/debug.Stack()";
        if (!stream) {
            badRequest(ex, state, msg);
            return;
        }
        state.bump("error." + AGENT_RUN_ERROR);
        JsonObject o = new JsonObject();
        o.addProperty("code", AGENT_RUN_ERROR);
        o.addProperty("msg", msg);
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        send(ex, 200, "text/event-stream", "event:error\ndata:" + o + "\n\n");
    }

    /** Studio's errno for a workflow id it has not got (errno/workflow.go ErrWorkflowNotFound), from run and stream_run alike. */
    static final int WORKFLOW_NOT_FOUND = 720702004;

    /**
     * The bot's id on a Studio, where ids are numbers (ChatV3Request's `bot_id` is an i64): a bot
     * whose id is a word (`echo`) gets one made of digits, the same for the same word every time.
     */
    static String botId(String id) {
        if (id.chars().allMatch(c -> c >= '0' && c <= '9')) return id;
        return String.format(Locale.ROOT, "74000000%011d", Integer.toUnsignedLong(id.hashCode()));
    }

    /**
     * Adds each bot under its Studio id. The word stays too: `coze-mock exec --studio` hands coze-chat a
     * COZE_API_TOKEN, which does not tell it the site is a Studio, and a demo names the echo bot.
     */
    static void numberBots(java.util.Map<String, MockBots.Bot> bots) {
        for (MockBots.Bot b : java.util.List.copyOf(bots.values())) bots.putIfAbsent(botId(b.id), b);
    }

    /** A path Studio's router does not know: its web server's plain 404. */
    static void notFound(HttpExchange ex) throws IOException {
        send(ex, 404, "text/plain; charset=utf-8", "404 page not found");
    }

    /**
     * What Studio says about a chat request its ChatV3Request cannot take, or null: `parameters` must be
     * a JSON object. Fields it does not have (`auto_save_history`) it ignores; they are counted for tests.
     */
    static String refusal(JsonObject req, MockState state) {
        if (req.has("auto_save_history")) state.bump("studio.auto_save_history");
        if (req.has("parameters") && !req.get("parameters").isJsonObject()) return "parameters field should be an object, not a string";
        return null;
    }

    /** The cloud's event name as Studio sends it: its last chat event, and workflow events in lower case. */
    static String eventName(String cloud, boolean workflow) {
        if (!workflow) return "done".equals(cloud) ? "conversation.stream.done" : cloud;
        return cloud.toLowerCase(Locale.ROOT);
    }

    private static void send(HttpExchange ex, int status, String type, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }
}
