package lib.chat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.util.function.Consumer;
import lib.core.CozeApiException;
import lib.core.CozeException;
import lib.core.Json;
import lib.http.EventStream;

/**
 * One streamed turn's events, as Coze sends them (https://www.coze.cn/open/docs/developer_guides/chat_v3), into
 * the turn's Result and the caller's Events; unknown ones are ignored.
 * A stream the server closes after `conversation.chat.completed`, without `done` (Coze Studio may), is a whole turn.
 */
final class ChatEvents implements EventStream.Handler {
    private final ChatStream.Result result;
    private final ChatStream.Events events;
    private final Consumer<String> onConversation;
    private final Runnable onChat;
    /** How the turn failed, when an event said so; null otherwise. */
    CozeException failure;

    /** onChat: called at each event that names the chat, once the result holds its ids. */
    ChatEvents(ChatStream.Result result, ChatStream.Events events, Consumer<String> onConversation, Runnable onChat) {
        this.result = result;
        this.events = events;
        this.onConversation = onConversation;
        this.onChat = onChat;
    }

    @Override
    public boolean onEvent(String type, String data, String id) {
        switch (type) {
            case "conversation.message.delta": {
                String[] m = deltaFields(data);
                if (m == null || !"answer".equals(m[0])) return true;
                if (m[2] != null && !m[2].isEmpty()) events.reasoning(m[2]);
                if (m[1] != null && !m[1].isEmpty()) events.answer(m[1]);
                return true;
            }
            case "conversation.message.completed": {
                JsonObject m = Json.objectOrEmpty(data);
                if ("follow_up".equals(Json.str(m, "type"))) result.followUp(Json.str(m, "content"));
                events.message(m);
                return true;
            }
            case "conversation.chat.created":
            case "conversation.chat.in_progress": {
                JsonObject c = Json.objectOrEmpty(data);
                boolean first = result.chatId == null;
                result.chatId = Json.str(c, "id");
                result.conversationId = Json.str(c, "conversation_id");
                if (first) {
                    events.started(result.conversationId, result.chatId);
                    onConversation.accept(result.conversationId);
                }
                onChat.run();
                return true;
            }
            case "conversation.chat.completed": {
                JsonObject c = Json.objectOrEmpty(data);
                result.status = "completed";
                result.usage = Json.obj(c, "usage");
                return true;
            }
            case "conversation.chat.failed": {
                // A Chat object with last_error (the SDKs' test data), or {code,msg} itself (the docs' example).
                JsonObject failed = Json.objectOrEmpty(data), err = Json.obj(failed, "last_error");
                if (err == null || Json.num(err, "code", 0) == 0) err = failed;
                failure = new CozeApiException((int) Json.num(err, "code", 0), "the chat failed: "
                        + (Json.str(err, "msg") == null ? "no reason given" : Json.str(err, "msg")), 200, null);
                return false;
            }
            case "conversation.chat.requires_action":
                result.status = "requires_action";
                result.toolCalls.addAll(ToolCall.of(Json.objectOrEmpty(data)));
                return false;
            case "error": {
                JsonObject err = Json.objectOrEmpty(data);
                failure = new CozeApiException((int) Json.num(err, "code", 0), "Coze reported an error: "
                        + (Json.str(err, "msg") == null ? data : Json.str(err, "msg")), 200, null);
                return false;
            }
            case "done":
            case "conversation.stream.done": // Coze Studio's last event instead of `done`, with no data
                if (result.status == null && failure == null) result.status = "completed";
                return false;
            default:
                return true;
        }
    }

    /** type, content and reasoning_content of a delta, or null when it is not a JSON object (ignored, like any event that is not an object). */
    private String[] deltaFields(String data) {
        try {
            return Json.strings(data, "type", "content", "reasoning_content");
        } catch (JsonParseException e) {
            return null;
        }
    }
}
