package lib.workflow;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import lib.core.CozeApiException;
import lib.core.CozeException;
import lib.core.Json;
import lib.core.Waiting;
import lib.http.CozeHttp;
import lib.http.EventStream;

/**
 * One run of a published workflow (`/v1/workflow/stream_run`, or `stream_resume` after a question
 * node) over an EventStream: each `Message` is handed on as it arrives; `Done` ends the run,
 * `Interrupt` ends it waiting for an answer, `Error` fails it; `PING` only keeps it alive.
 */
public final class WorkflowRun {
    public static final String RUN = "/v1/workflow/stream_run", RESUME = "/v1/workflow/stream_resume";

    /** What the caller shows, on the reading thread, in stream order. */
    public interface Events {
        /** A node's output; `nodeFinished` once the node has said all it will. */
        void message(String content, boolean nodeFinished);

        /** Every event as it came, for --json. */
        default void event(String type, String id, JsonObject data) {}
    }

    /** How a run ended: done, waiting at an interrupt (null when not), or cancelled by Ctrl-C. */
    public record Outcome(boolean done, Waiting.Resume waiting, String debugUrl, boolean cancelled) {}

    private final EventStream stream;

    public WorkflowRun(CozeHttp http, Consumer<String> notice) {
        this.stream = new EventStream(http, notice);
    }

    public Outcome run(String path, JsonObject body, Events events, Duration idle, Duration stall) {
        stream.open(path, body);
        Handler handler = new Handler(events, Json.str(body, "workflow_id"));
        if (!stream.read(handler, idle, stall)) return new Outcome(false, null, null, true);
        if (handler.failure != null) throw handler.failure;
        if (handler.outcome == null) throw new CozeException(CozeException.FAILED, "stream ended early, before the workflow was done");
        return handler.outcome;
    }

    /** A run that is not streamed (/v1/workflow/run): Coze's whole answer, its output a JSON string in `data`. */
    public static JsonObject whole(CozeHttp http, JsonObject body) {
        return http.call("POST", "/v1/workflow/run", body);
    }

    /**
     * Coze Studio puts the question node's question in `interrupt_data.data`, a JSON string: the
     * question as text, or an object with it under `question` or `content`; else the string as it is.
     */
    public static String question(String data) {
        if (data == null || data.isBlank()) return null;
        try {
            JsonElement e = Json.parseStrict(data);
            if (e.isJsonPrimitive()) return e.getAsString();
            if (e.isJsonObject()) {
                for (String field : new String[] {"question", "content"}) {
                    String q = Json.str(e.getAsJsonObject(), field);
                    if (q != null && !q.isBlank()) return q;
                }
            }
        } catch (JsonParseException notJson) {
            // Shown as it came.
        }
        return data;
    }

    /** From another thread (Ctrl-C): stops reading; the run returns as cancelled. */
    public void cancel() {
        stream.close();
    }

    private static final class Handler implements EventStream.Handler {
        final Events events;
        final String workflowId;
        Outcome outcome;
        CozeException failure;

        private static final List<String> NAMES = List.of("Message", "Done", "Interrupt", "Error", "PING");

        Handler(Events events, String workflowId) {
            this.events = events;
            this.workflowId = workflowId;
        }

        @Override
        public boolean onEvent(String type, String data, String id) {
            JsonObject o = Json.objectOrEmpty(data);
            String name = named(type);
            events.event(name, id, o);
            switch (name) {
                case "Message" -> {
                    String content = Json.str(o, "content");
                    if (content != null) events.message(content, !"false".equals(Json.str(o, "node_is_finish")));
                    return true;
                }
                case "Done" -> {
                    outcome = new Outcome(true, null, Json.str(o, "debug_url"), false);
                    return false;
                }
                case "Interrupt" -> {
                    JsonObject i = Json.obj(o, "interrupt_data");
                    String question = question(Json.str(i, "data"));
                    if (question != null) events.message(question, true);
                    String eventId = Json.str(i, "event_id");
                    if (eventId == null) {
                        failure = new CozeException(CozeException.FAILED, "the workflow stopped at an interrupt Coze gave no event id for");
                        return false;
                    }
                    outcome = new Outcome(false, new Waiting.Resume(workflowId, eventId, (int) Json.num(i, "type", 0)), null, false);
                    return false;
                }
                case "Error" -> {
                    String message = Json.str(o, "error_message");
                    failure = new CozeApiException((int) Json.num(o, "error_code", 0), "the workflow failed: "
                            + (message == null || message.isBlank() ? "no reason given" : message), 200, null);
                    return false;
                }
                default -> {
                    return true; // PING, and events this version does not know
                }
            }
        }

        /**
         * Coze's spelling of an event's name: Coze Studio before v0.3.0 names them in lower case
         * (`message`, `done`, …), and --json shows the same names whichever site ran the workflow.
         */
        private static String named(String type) {
            for (String known : NAMES)
                if (known.equalsIgnoreCase(type)) return known;
            return type;
        }

    }
}
