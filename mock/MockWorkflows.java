package mock;

import static mock.MockHttp.body;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import lib.core.Json;

/**
 * Coze's published workflows: `stream_run` and `stream_resume` as Server-Sent Events with an `id:`
 * on every event (Message, Error, Done, Interrupt, PING), `run` with its output as a JSON string,
 * and a chatflow through `/v1/workflows/chat` with a bot chat's events. The workflows: `echo` (says
 * its `input` parameter back), `multi` (three messages), `question` (a question node: interrupts,
 * then answers the reply), `fail` (an Error event), and the chatflow `chatflow` (echoes).
 */
final class MockWorkflows {
    static final Set<String> WORKFLOWS = Set.of("echo", "multi", "question", "fail");
    private static final MockBots.Bot CHATFLOW = new MockBots.Bot("chatflow", "Chatflow", MockBots.PERSONAL, true, null, null,
            List.of(), new MockFaults());
    /** Interrupts waiting for their answer: event id → workflow id. */
    private final Map<String, String> interrupts = new ConcurrentHashMap<>();

    private final MockState state;
    private final MockHttp http;
    private final MockChat chat;
    /** Runs started with is_async and their histories. */
    final MockRunHistories histories;

    MockWorkflows(MockState state, MockHttp http, MockChat chat) {
        this.state = state;
        this.http = http;
        this.chat = chat;
        this.histories = new MockRunHistories(state, http, this);
    }

    /** A new interrupt of workflow `id`, waiting for stream_resume; returns its event id. */
    String awaitAnswer(String id) {
        String eventId = String.valueOf(state.nextId());
        interrupts.put(eventId, id);
        return eventId;
    }

    /** `POST /v1/workflow/stream_run` `{workflow_id, parameters, bot_id?, app_id?}`. */
    void streamRun(HttpExchange ex) throws IOException {
        JsonObject req = Json.object(body(ex));
        String id = Json.str(req, "workflow_id");
        if (!published(ex, id)) return;
        state.bump("workflow.run");
        Events e = new Events(ex);
        switch (id) {
            case "echo" -> e.message(input(req), "End", true);
            case "multi" -> {
                e.message("one", "Message 1", true);
                e.ping();
                e.message("two", "Message 2", true);
                e.message("three", "End", true);
            }
            case "question" -> {
                // Studio sends no Message for the question: it is in interrupt_data.data, a JSON string.
                if (!state.config.studio) e.message("Which city?", "Question", true);
                JsonObject data = new JsonObject();
                data.addProperty("event_id", awaitAnswer(id));
                data.addProperty("type", 2);
                if (state.config.studio) data.addProperty("data", "{\"question\":\"Which city?\"}");
                JsonObject o = new JsonObject();
                o.add("interrupt_data", data);
                o.addProperty("node_title", "Question");
                e.event("Interrupt", o);
                return;
            }
            default -> {
                e.message("starting", "Start", true);
                JsonObject err = new JsonObject();
                err.addProperty("error_code", 720701013);
                err.addProperty("error_message", "the code node raised an error");
                e.event("Error", err);
                return;
            }
        }
        e.done(id);
    }

    /** `POST /v1/workflow/stream_resume` `{workflow_id, event_id, resume_data, interrupt_type}`: each interrupt once. */
    void streamResume(HttpExchange ex) throws IOException {
        JsonObject req = Json.object(body(ex));
        String id = Json.str(req, "workflow_id");
        if (!published(ex, id)) return;
        String eventId = Json.str(req, "event_id");
        if (eventId == null || !id.equals(interrupts.remove(eventId))) {
            http.envelopeError(ex, 200, 4000, "invalid parameter: event_id " + eventId + " is not waiting for an answer");
            return;
        }
        state.bump("workflow.resume");
        Events e = new Events(ex);
        e.message("Weather in " + Json.str(req, "resume_data") + ": sunny", "End", true);
        e.done(id);
    }

    /** `POST /v1/workflow/run`: the whole run at once, its output a JSON *string* in `data`; with is_async, MockRunHistories'. */
    void run(HttpExchange ex) throws IOException {
        JsonObject req = Json.object(body(ex));
        String id = Json.str(req, "workflow_id");
        if (!published(ex, id)) return;
        state.bump("workflow.run");
        JsonObject output = new JsonObject();
        if (id.equals("echo")) output.addProperty("output", input(req));
        if (id.equals("multi")) output.addProperty("output", "one two three");
        if (MockRunHistories.async(req)) {
            histories.start(ex, id, output.toString());
            return;
        }
        if (id.equals("question")) {
            http.envelopeError(ex, 200, 4000, "the workflow has a question node: run it with stream_run");
            return;
        }
        if (id.equals("fail")) {
            http.envelopeError(ex, 200, 720701013, "the code node raised an error");
            return;
        }
        JsonObject o = new JsonObject();
        o.addProperty("code", 0);
        o.addProperty("msg", "");
        o.addProperty("data", output.toString());
        o.addProperty("debug_url", debugUrl(id));
        http.json(ex, 200, o);
    }

    /** `POST /v1/workflows/chat` `{workflow_id, additional_messages, parameters, conversation_id?}`: a bot chat's events. */
    void chatflow(HttpExchange ex) throws IOException {
        JsonObject req = Json.object(body(ex));
        String id = Json.str(req, "workflow_id");
        if (!CHATFLOW.id.equals(id)) {
            notPublished(ex, id);
            return;
        }
        state.bump("workflows.chat");
        req.addProperty("stream", true); // a chatflow always streams
        chat.chat(ex, req, id, CHATFLOW, Json.str(req, "conversation_id"), false);
    }

    private boolean published(HttpExchange ex, String id) throws IOException {
        if (id != null && WORKFLOWS.contains(id)) return true;
        notPublished(ex, id);
        return false;
    }

    private void notPublished(HttpExchange ex, String id) throws IOException {
        if (state.config.studio) http.envelopeError(ex, 200, MockStudio.WORKFLOW_NOT_FOUND, "workflow " + id + " not found, please check if the workflow exists and not deleted");
        else http.envelopeError(ex, 200, 4200, "Requested resource workflow_id=" + id + " does not exist or is not published.");
    }

    /** The `input` parameter, or all parameters as JSON when there is no such string. */
    private static String input(JsonObject req) {
        JsonObject p = Json.obj(req, "parameters");
        JsonElement in = p == null ? null : p.get("input");
        return in != null && in.isJsonPrimitive() ? in.getAsString() : String.valueOf(p);
    }

    private String debugUrl(String id) {
        return state.baseUrl() + "/work_flow?workflow_id=" + id;
    }

    /** One stream's events, `id:` counting from 0 as Coze's do. */
    private final class Events {
        private final MockSseWriter w;
        private long next;

        Events(HttpExchange ex) throws IOException {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            ex.sendResponseHeaders(200, 0);
            w = new MockSseWriter(ex.getResponseBody(), state.faults, state);
        }

        void message(String content, String node, boolean finished) throws IOException {
            JsonObject m = new JsonObject();
            m.addProperty("content", content);
            m.addProperty("node_title", node);
            m.addProperty("node_seq_id", "0");
            m.addProperty("node_is_finish", finished);
            m.add("ext", null);
            event("Message", m);
        }

        void ping() throws IOException {
            event("PING", new JsonObject());
        }

        void done(String id) throws IOException {
            JsonObject d = new JsonObject();
            d.addProperty("debug_url", debugUrl(id));
            event("Done", d);
        }

        void event(String name, JsonElement data) throws IOException {
            w.event(next++, name, data);
        }
    }
}
