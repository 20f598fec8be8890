package lib.workflow;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import lib.core.CozeApiException;
import lib.core.CozeException;
import lib.core.Json;
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

    /** How a run ended: done, waiting at a question node (its event id and type), or cancelled by Ctrl-C. */
    public record Outcome(boolean done, String eventId, int interruptType, String debugUrl, boolean cancelled) {
        public boolean waiting() {
            return eventId != null;
        }
    }

    private final EventStream stream;

    public WorkflowRun(CozeHttp http, Consumer<String> notice) {
        this.stream = new EventStream(http, notice);
    }

    public Outcome run(String path, JsonObject body, String bearer, UnaryOperator<String> onRejected, Events events, Duration idle,
                Duration stall) {
        stream.open(path, body, bearer, onRejected);
        Handler handler = new Handler(events);
        if (!stream.read(handler, idle, stall)) return new Outcome(false, null, 0, null, true);
        if (handler.failure != null) throw handler.failure;
        if (handler.outcome == null) throw new CozeException(CozeException.FAILED, "stream ended early, before the workflow was done");
        return handler.outcome;
    }

    /** From another thread (Ctrl-C): stops reading; the run returns as cancelled. */
    public void cancel() {
        stream.close();
    }

    private static final class Handler implements EventStream.Handler {
        final Events events;
        Outcome outcome;
        CozeException failure;

        Handler(Events events) {
            this.events = events;
        }

        @Override
        public boolean onEvent(String type, String data, String id) {
            JsonObject o = Json.objectOrEmpty(data);
            events.event(type, id, o);
            switch (type) {
                case "Message" -> {
                    String content = Json.str(o, "content");
                    if (content != null) events.message(content, !"false".equals(Json.str(o, "node_is_finish")));
                    return true;
                }
                case "Done" -> {
                    outcome = new Outcome(true, null, 0, Json.str(o, "debug_url"), false);
                    return false;
                }
                case "Interrupt" -> {
                    JsonObject i = Json.obj(o, "interrupt_data");
                    outcome = new Outcome(false, Json.str(i, "event_id"), (int) Json.num(i, "type", 0), null, false);
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
    }
}
