package mock;

import static mock.MockHttp.body;
import static mock.MockHttp.query;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import lib.core.Json;
import mock.MockConversations.Conversation;

/**
 * The chats coze-mock has started: the Chat object and the messages of a turn as Coze shapes them,
 * the end of a streamed turn, polling (retrieve, message list) and cancel. MockChat starts them.
 */
final class MockChats {
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

    private final MockState state;
    private final MockHttp http;
    private final MockConversations conversations;
    private final Map<String, Chat> chats = new ConcurrentHashMap<>();

    MockChats(MockState state, MockHttp http, MockConversations conversations) {
        this.state = state;
        this.http = http;
        this.conversations = conversations;
    }

    Chat newChat(Conversation conv, String botId, JsonObject request) {
        return new Chat(String.valueOf(state.nextId()), conv.id, botId, request);
    }

    /** Makes the chat one that polling and cancel find. */
    void add(Chat chat) {
        chats.put(chat.id, chat);
    }

    /** The chat with this id, or null. */
    Chat get(String id) {
        return chats.get(id);
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

    JsonObject delta(String msgId, Conversation conv, Chat chat, MockBots.Bot bot, String content, String reasoning) {
        JsonObject m = new JsonObject();
        m.addProperty("id", msgId);
        m.addProperty("conversation_id", conv.id);
        m.addProperty("bot_id", bot.id);
        m.addProperty("role", "assistant");
        m.addProperty("type", "answer");
        m.addProperty("content", content);
        if (reasoning != null) m.addProperty("reasoning_content", reasoning);
        m.addProperty("content_type", "text");
        m.addProperty("chat_id", chat.id);
        m.addProperty("section_id", conv.id);
        return m;
    }

    JsonObject verbose(Conversation conv, Chat chat, MockBots.Bot bot) {
        return conversations.message(conv.id, bot.id, chat.id, "assistant", "verbose",
                "{\"msg_type\":\"generate_answer_finish\",\"data\":\"{\\\"finish_reason\\\":0,\\\"FinData\\\":\\\"\\\"}\",\"from_module\":null,\"from_unit\":null}");
    }

    /** Splits text into pieces of up to n code points (a model never splits a character). */
    static List<String> pieces(String text, int n) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int end = i;
            for (int k = 0; k < n && end < text.length(); k++) end = text.offsetByCodePoints(end, 1);
            out.add(text.substring(i, end));
            i = end;
        }
        if (out.isEmpty()) out.add("");
        return out;
    }

    void finish(Conversation conv, Chat chat, boolean save) {
        if ("canceled".equals(chat.status)) return;
        chat.status = "completed";
        if (save) for (JsonObject m : chat.messages) if ("answer".equals(Json.str(m, "type"))) conv.messages.add(m);
    }

    /** The end of a streamed turn: its verbose message, follow-ups, `chat.completed` and `done`. */
    void complete(MockSseWriter w, Conversation conv, Chat chat, MockBots.Bot bot, MockFaults f, boolean save) throws IOException {
        JsonObject verbose = verbose(conv, chat, bot);
        chat.messages.add(verbose);
        w.event("conversation.message.completed", verbose);
        for (String q : bot.followUps) {
            JsonObject m = conversations.message(conv.id, bot.id, chat.id, "assistant", "follow_up", q);
            chat.messages.add(m);
            w.event("conversation.message.completed", m);
        }
        finish(conv, chat, save);
        JsonObject completed = chatJson(chat);
        completed.addProperty("completed_at", Instant.now().getEpochSecond());
        w.event("conversation.chat.completed", completed);
        if (f.has("no-done")) return;
        w.event("done", "\"[DONE]\"");
        state.doneSentAt = System.nanoTime();
        if (f.has("keep-open")) w.hold();
    }

    void retrieve(HttpExchange ex) throws IOException {
        Chat chat = chats.get(query(ex, "chat_id"));
        if (chat == null || !chat.conversationId.equals(query(ex, "conversation_id"))) http.envelopeError(ex, 200, 4000, "chat not found");
        else http.ok(ex, chatJson(chat));
    }

    void messages(HttpExchange ex) throws IOException {
        Chat chat = chats.get(query(ex, "chat_id"));
        if (chat == null || !chat.conversationId.equals(query(ex, "conversation_id"))) {
            http.envelopeError(ex, 200, 4000, "chat not found");
            return;
        }
        JsonArray arr = new JsonArray();
        synchronized (chat.messages) {
            for (JsonObject m : chat.messages) arr.add(m);
        }
        http.ok(ex, arr);
    }

    void cancel(HttpExchange ex) throws IOException {
        state.bump("cancel");
        JsonObject req = Json.object(body(ex));
        Chat chat = chats.get(String.valueOf(Json.str(req, "chat_id")));
        if (chat == null || !chat.conversationId.equals(Json.str(req, "conversation_id"))) {
            http.envelopeError(ex, 200, 4000, "chat not found");
            return;
        }
        synchronized (chat) {
            if (!"created".equals(chat.status) && !"in_progress".equals(chat.status)) {
                http.envelopeError(ex, 200, 4104, "the current conversation can't be canceled");
                return;
            }
            chat.status = "canceled";
        }
        state.bump("canceled");
        http.ok(ex, chatJson(chat));
    }
}
