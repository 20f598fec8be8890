package lib.chat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import lib.core.CozeApiException;
import lib.core.CozeException;
import lib.core.Json;

/** One JSON object per line for each meaningful event, then a summary (answer text only is kept). */
public final class JsonOutput implements ChatOutput {
    private final PrintWriter out;
    private final StringBuilder answer = new StringBuilder();
    /** The longest answer --json keeps for its final object (8 MiB of the 64 MB heap as UTF-16, twice while it grows). */
    public static final int MAX_ANSWER_CHARS = 4 << 20;

    public JsonOutput(PrintWriter out) {
        this.out = out;
    }

    /** One line, flushed; a closed stdout stops the stream (but for the last line, which has nothing left to stop). */
    private void emit(JsonObject o) {
        out.println(Json.line(o));
        CozeException.ensureOpen(out);
    }

    private void emitLast(JsonObject o) {
        out.println(Json.line(o));
        out.flush();
    }

    private static JsonObject event(String name) {
        JsonObject o = new JsonObject();
        o.addProperty("event", name);
        return o;
    }

    @Override
    public void started(String conversationId, String chatId) {
        JsonObject o = event("started");
        o.addProperty("conversation_id", conversationId);
        o.addProperty("chat_id", chatId);
        emit(o);
    }

    @Override
    public void answer(String text) {
        // The whole answer is repeated in the last object: bounded, so a huge one fails in one line, not out of memory.
        if (answer.length() + text.length() > MAX_ANSWER_CHARS)
            throw new CozeException(CozeException.FAILED, "the answer is longer than " + MAX_ANSWER_CHARS
                    + " characters, more than --json holds", "without --json an answer of any length streams to stdout");
        answer.append(text);
        JsonObject o = event("delta");
        o.addProperty("content", text);
        emit(o);
    }

    @Override
    public void reasoning(String text) {
        JsonObject o = event("reasoning");
        o.addProperty("content", text);
        emit(o);
    }

    @Override
    public void message(JsonObject m) {
        String type = Json.str(m, "type");
        // Verbose messages are Coze's bookkeeping, but for a knowledge recall, which a script may want.
        if ("verbose".equals(type) && !"knowledge_recall".equals(Json.str(Json.objectOrEmpty(Json.str(m, "content")), "msg_type"))) return;
        JsonObject o = event("follow_up".equals(type) ? "follow_up" : "message");
        o.addProperty("type", type);
        o.addProperty("id", Json.str(m, "id"));
        o.addProperty("content", Json.str(m, "content"));
        emit(o);
    }

    @Override
    public void finished(ChatStream.Result r) {
        if (r.usage != null) {
            JsonObject u = event("usage");
            u.add("usage", r.usage);
            emit(u);
        }
        JsonObject o = event(r.cancelled ? "cancelled" : "done");
        o.addProperty("status", r.cancelled ? "canceled" : r.status);
        o.addProperty("answer", answer.toString());
        o.addProperty("conversation_id", r.conversationId);
        o.addProperty("chat_id", r.chatId);
        o.add("usage", r.usage);
        JsonArray f = new JsonArray();
        r.followUps.forEach(f::add);
        o.add("follow_ups", f);
        JsonArray calls = new JsonArray();
        for (ToolCall c : r.toolCalls) {
            JsonObject call = new JsonObject();
            call.addProperty("id", c.id());
            call.addProperty("type", c.type());
            call.addProperty("name", c.name());
            call.addProperty("arguments", c.arguments());
            calls.add(call);
        }
        if (r.waiting()) o.add("waiting_for", calls);
        emitLast(o);
    }

    public static void print(java.io.PrintWriter out, CozeException e) {
        out.println(Json.line(error(e)));
        out.flush();
    }

    /** `{"event":"error","code":…,"message":…,"exit_code":…}`: what a failure is on stdout with --json, also before any stream. */
    private static JsonObject error(CozeException e) {
        JsonObject o = event("error");
        if (e instanceof CozeApiException api) o.addProperty("code", api.code);
        o.addProperty("message", e.getMessage());
        if (e.hint != null) o.addProperty("hint", e.hint);
        o.addProperty("exit_code", e.exitCode);
        return o;
    }
}
