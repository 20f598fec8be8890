package mock;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import mock.MockChats.Chat;
import mock.MockConversations.Conversation;

/**
 * The faults a test switches on once a chat's stream has begun (a gate, a stall, a failed chat, an
 * error event, a wait for a local plugin), plus the shapes those faults send.
 */
final class MockStreamFaults {
    private final MockState state;
    private final MockConversations conversations;
    private final MockChats chats;

    MockStreamFaults(MockState state, MockConversations conversations, MockChats chats) {
        this.state = state;
        this.conversations = conversations;
        this.chats = chats;
    }

    /** A card answer's content: a JSON string, as Coze sends cards (fault `card`). */
    static final String CARD = "{\"card_type\":2,\"title\":\"Weather in Paris\",\"text\":\"Sunny, 25°C\","
            + "\"link\":{\"url\":\"https://example.com/weather/paris\"}}";

    /** A plugin call, its answer and a knowledge recall, as a bot with tools and a knowledge base sends them (fault `tool-messages`). */
    void toolMessages(MockSseWriter w, Conversation conv, Chat chat, MockBots.Bot bot) throws IOException {
        w.event("conversation.message.completed", conversations.message(conv.id, bot.id, chat.id, "assistant", "function_call",
                "{\"name\":\"search\",\"arguments\":{\"q\":\"weather\"}}"));
        w.event("conversation.message.completed", conversations.message(conv.id, bot.id, chat.id, "assistant", "tool_response", "Sunny, 25°C"));
        w.event("conversation.message.completed", conversations.message(conv.id, bot.id, chat.id, "assistant", "verbose",
                "{\"msg_type\":\"knowledge_recall\",\"data\":\"{\\\"chunks\\\":[{\\\"slice\\\":\\\"a\\\"},{\\\"slice\\\":\\\"b\\\"}]}\"}"));
    }

    static JsonObject toolCall(String id, String type, JsonObject function) {
        JsonObject call = new JsonObject();
        call.addProperty("id", id);
        call.addProperty("type", type);
        call.add("function", function);
        return call;
    }

    /** A Chat object's `required_action`: the bot waits for these tool calls. */
    static JsonObject requiredAction(JsonObject... call) {
        JsonArray calls = new JsonArray();
        for (JsonObject c : call) calls.add(c);
        JsonObject outputs = new JsonObject();
        outputs.add("tool_calls", calls);
        JsonObject action = new JsonObject();
        action.addProperty("type", "submit_tool_outputs");
        action.add("submit_tool_outputs", outputs);
        return action;
    }

    /** MockFaults that act once the first delta is out. False when the stream must end here. */
    boolean afterFirstDelta(MockSseWriter w, Conversation conv, Chat chat, MockFaults f) throws IOException {
        if (f.has("gate")) {
            try {
                if (!state.gate.tryAcquire(30, TimeUnit.SECONDS)) return false;
            } catch (InterruptedException e) {
                return false;
            }
        }
        if (f.has("stall")) {
            w.hold();
            return false;
        }
        // A plugin or workflow thinking for `gap` ms, with a `:ping` comment every `ping` ms (default 5 s).
        for (long left = f.num("gap", 0), every = f.num("ping", 5000); left > 0; left -= every) {
            state.pause(Math.min(every, left));
            w.comment("ping");
        }
        if (f.has("chat-failed")) {
            chat.status = "failed";
            JsonObject err = new JsonObject();
            err.addProperty("code", 5000);
            err.addProperty("msg", "event interval error");
            chat.lastError = err;
            w.event("conversation.chat.failed", chats.chatJson(chat));
            w.event("done", "\"[DONE]\"");
            return false;
        }
        if (f.has("chat-failed-flat")) {
            JsonObject err = new JsonObject();
            err.addProperty("code", 701231);
            err.addProperty("msg", "error");
            w.event("conversation.chat.failed", err);
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
            JsonObject fn = new JsonObject();
            fn.addProperty("name", "local_plugin");
            fn.addProperty("arguments", "{}");
            JsonObject c = chats.chatJson(chat);
            c.add("required_action", requiredAction(toolCall("call_1", "function", fn)));
            w.event("conversation.chat.requires_action", c);
            w.event("done", "\"[DONE]\"");
            return false;
        }
        return true;
    }
}
