package lib.chat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import lib.core.Json;
import lib.core.Waiting;

/** One call a bot waits for: `reply_message` (a question node; the answer is the next message) or a local plugin (`function`). */
public record ToolCall(String id, String type, String name, String arguments) {
    public boolean isReply() {
        return "reply_message".equals(type);
    }

    /** What the user is told when nothing here answers the call. */
    public Waiting waiting() {
        return isReply() ? new Waiting.Reply() : new Waiting.Plugin(name, arguments);
    }

    /** The calls in a Chat object's `required_action.submit_tool_outputs.tool_calls`. */
    static List<ToolCall> of(JsonObject chat) {
        List<ToolCall> calls = new ArrayList<>();
        JsonObject outputs = Json.obj(Json.obj(chat, "required_action"), "submit_tool_outputs");
        JsonElement list = outputs == null ? null : outputs.get("tool_calls");
        if (list == null || !list.isJsonArray()) return calls;
        for (JsonElement e : list.getAsJsonArray()) {
            if (!e.isJsonObject()) continue;
            JsonObject c = e.getAsJsonObject(), fn = Json.obj(c, "function");
            calls.add(new ToolCall(Json.str(c, "id"), Json.str(c, "type"), Json.str(fn, "name"), Json.str(fn, "arguments")));
        }
        return calls;
    }
}
