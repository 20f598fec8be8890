package mock;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The chats of coze-mock and the faults a test switches on once a stream has begun (a gate, a stall,
 * a failed chat, an error event, a wait for a local plugin), plus the shapes those faults send.
 */
public abstract class MockStreamFaults extends MockFiles {
    static final class Chat {
        final String id, conversationId, botId;
        /** The request that started the chat, for bots that answer from it. */
        final JsonObject request;
        final long createdAt = Instant.now().getEpochSecond();
        volatile String status = "created";
        final List<JsonObject> messages = Collections.synchronizedList(new ArrayList<>());
        volatile int inputCount, outputCount;
        volatile JsonObject lastError;

        Chat(String id, String conversationId, String botId, JsonObject request) {
            this.id = id;
            this.request = request;
            this.conversationId = conversationId;
            this.botId = botId;
        }
    }

    /** Tests hold a stream after its first delta until they release this (fault `gate`). */
    public final Semaphore gate = new Semaphore(0);

    MockStreamFaults(Config config) {
        super(config);
    }

    /** A card answer's content: a JSON string, as Coze sends cards (fault `card`). */
    static final String CARD = "{\"card_type\":2,\"title\":\"Weather in Paris\",\"text\":\"Sunny, 25°C\","
            + "\"link\":{\"url\":\"https://example.com/weather/paris\"}}";

    /** A plugin call, its answer and a knowledge recall, as a bot with tools and a knowledge base sends them (fault `tool-messages`). */
    void toolMessages(MockSseWriter w, Conversation conv, Chat chat, MockBots.Bot bot) throws IOException {
        w.event("conversation.message.completed", message(conv.id, bot.id, chat.id, "assistant", "function_call",
                "{\"name\":\"search\",\"arguments\":{\"q\":\"weather\"}}"));
        w.event("conversation.message.completed", message(conv.id, bot.id, chat.id, "assistant", "tool_response", "Sunny, 25°C"));
        w.event("conversation.message.completed", message(conv.id, bot.id, chat.id, "assistant", "verbose",
                "{\"msg_type\":\"knowledge_recall\",\"data\":\"{\\\"chunks\\\":[{\\\"slice\\\":\\\"a\\\"},{\\\"slice\\\":\\\"b\\\"}]}\"}"));
    }

    static JsonObject toolCall(String id, String type, JsonObject function) {
        JsonObject call = new JsonObject();
        call.addProperty("id", id);
        call.addProperty("type", type);
        call.add("function", function);
        return call;
    }

    /** A Chat object's `required_action`: the bot waits for this tool call. */
    static JsonObject requiredAction(JsonObject call) {
        JsonArray calls = new JsonArray();
        calls.add(call);
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
                if (!gate.tryAcquire(30, TimeUnit.SECONDS)) return false;
            } catch (InterruptedException e) {
                return false;
            }
        }
        if (f.has("stall")) {
            hold(w, f);
            return false;
        }
        // A plugin or workflow thinking for `gap` ms, with a `:ping` comment every `ping` ms (default 5 s).
        for (long left = f.num("gap", 0), every = f.num("ping", 5000); left > 0; left -= every) {
            pause(Math.min(every, left));
            w.comment("ping");
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
            JsonObject c = chatJson(chat);
            c.add("required_action", requiredAction(toolCall("call_1", "function", fn)));
            w.event("conversation.chat.requires_action", c);
            w.event("done", "\"[DONE]\"");
            return false;
        }
        return true;
    }

    /** Keeps the connection open with nothing (or only `:ping` comments) until the client leaves. */
    void hold(MockSseWriter w, MockFaults f) throws IOException {
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

    JsonObject chatJson(Chat chat) {
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
}
