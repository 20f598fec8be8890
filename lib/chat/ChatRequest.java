package lib.chat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.function.Consumer;
import lib.core.Urls;

/**
 * One turn's question, to a bot (`/v3/chat`) or to a chatflow when workflowId is set
 * (`/v1/workflows/chat`, where the bot is optional and the conversation travels in the body).
 * The message is `text` with its `contentType` (`text`, or `object_string` with attachments);
 * `fields` go into the body as they are (custom_variables, parameters; earlier turns as
 * additional_messages, which the question follows). onConversation is told
 * the conversation id once Coze names it (reading thread, before any answer).
 */
public record ChatRequest(String botId, String workflowId, String userId, String conversationId, String text, String contentType,
                          JsonObject fields, Duration idleTimeout, Duration stallTimeout, Consumer<String> onConversation) {
    JsonObject body(boolean stream) {
        JsonObject b = new JsonObject();
        if (workflowId != null) {
            b.addProperty("workflow_id", workflowId);
            b.add("parameters", new JsonObject());
            if (conversationId != null) b.addProperty("conversation_id", conversationId);
        } else {
            b.addProperty("user_id", userId);
            // No auto_save_history: Coze defaults it to true, and Coze Studio's request has no such field.
            b.addProperty("stream", stream);
        }
        if (botId != null) b.addProperty("bot_id", botId);
        fields.entrySet().forEach(field -> b.add(field.getKey(), field.getValue()));
        JsonObject m = new JsonObject();
        m.addProperty("role", "user");
        m.addProperty("type", "question");
        m.addProperty("content", text);
        m.addProperty("content_type", contentType);
        JsonArray msgs = fields.has("additional_messages") ? fields.getAsJsonArray("additional_messages").deepCopy() : new JsonArray();
        msgs.add(m);
        b.add("additional_messages", msgs);
        return b;
    }

    String path() {
        if (workflowId != null) return "/v1/workflows/chat";
        return "/v3/chat" + (conversationId == null ? "" : "?conversation_id=" + Urls.encode(conversationId));
    }
}
