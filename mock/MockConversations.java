package mock;

import static mock.MockHttp.body;
import static mock.MockHttp.parseLong;
import static mock.MockHttp.query;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
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

/** Coze's conversations: create, retrieve, list, clear and their message history, and the message objects they hold. */
final class MockConversations {
    static final class Conversation {
        final String id, botId;
        final long createdAt = Instant.now().getEpochSecond();
        final List<JsonObject> messages = Collections.synchronizedList(new ArrayList<>());
        volatile String activeChat;
        /** A question node asked, and the next message is the reply (MockActions). */
        volatile boolean awaitingReply;

        Conversation(String id, String botId) {
            this.id = id;
            this.botId = botId;
        }
    }

    private final MockState state;
    private final MockHttp http;
    private final Map<String, Conversation> conversations = new ConcurrentHashMap<>();

    MockConversations(MockState state, MockHttp http) {
        this.state = state;
        this.http = http;
    }

    Conversation newConversation(String botId) {
        Conversation c = new Conversation(String.valueOf(state.nextId()), botId);
        conversations.put(c.id, c);
        return c;
    }

    /** The conversation with this id, or null. */
    Conversation get(String id) {
        return conversations.get(id);
    }

    private JsonObject conversationJson(Conversation c) {
        JsonObject o = new JsonObject();
        o.addProperty("id", c.id);
        o.addProperty("created_at", c.createdAt);
        o.add("meta_data", new JsonObject());
        o.addProperty("last_section_id", c.id);
        return o;
    }

    void create(HttpExchange ex) throws IOException {
        String raw = body(ex);
        JsonObject req = raw.isBlank() ? new JsonObject() : Json.object(raw);
        Conversation c = newConversation(Json.str(req, "bot_id"));
        JsonElement msgs = req.get("messages");
        if (msgs != null && msgs.isJsonArray())
            for (JsonElement m : msgs.getAsJsonArray())
                c.messages.add(message(c.id, c.botId, null, Json.str(m.getAsJsonObject(), "role"),
                        "user".equals(Json.str(m.getAsJsonObject(), "role")) ? "question" : "answer",
                        Json.str(m.getAsJsonObject(), "content")));
        http.ok(ex, conversationJson(c));
    }

    void retrieve(HttpExchange ex) throws IOException {
        Conversation c = conversations.get(query(ex, "conversation_id"));
        if (c == null) http.envelopeError(ex, 200, 4000, "conversation not found");
        else http.ok(ex, conversationJson(c));
    }

    void list(HttpExchange ex) throws IOException {
        String botId = query(ex, "bot_id");
        int page = (int) parseLong(query(ex, "page_num"), 1);
        int size = (int) Math.min(50, parseLong(query(ex, "page_size"), 50));
        List<Conversation> all = new ArrayList<>();
        for (Conversation c : conversations.values()) if (botId == null || botId.equals(c.botId)) all.add(c);
        all.sort((a, b) -> b.id.compareTo(a.id));
        JsonArray arr = new JsonArray();
        int from = Math.max(0, (page - 1) * size);
        for (int i = from; i < Math.min(all.size(), from + size); i++) arr.add(conversationJson(all.get(i)));
        JsonObject data = new JsonObject();
        data.add("conversations", arr);
        data.addProperty("has_more", from + size < all.size());
        http.ok(ex, data);
    }

    void messages(HttpExchange ex) throws IOException {
        Conversation c = conversations.get(query(ex, "conversation_id"));
        if (c == null) {
            http.envelopeError(ex, 200, 4000, "conversation not found");
            return;
        }
        String raw = body(ex);
        JsonObject req = raw.isBlank() ? new JsonObject() : Json.object(raw);
        boolean asc = "asc".equals(Json.str(req, "order"));
        int limit = (int) Math.max(1, Math.min(50, Json.num(req, "limit", 50)));
        List<JsonObject> list;
        synchronized (c.messages) {
            list = new ArrayList<>(c.messages);
        }
        // after_id: newer than that message; before_id: older (ids grow with time here, as Coze's do).
        String after = Json.str(req, "after_id"), before = Json.str(req, "before_id");
        list.removeIf(m -> (after != null && Long.parseLong(Json.str(m, "id")) <= Long.parseLong(after))
                || (before != null && Long.parseLong(Json.str(m, "id")) >= Long.parseLong(before)));
        if (!asc) Collections.reverse(list);
        JsonArray arr = new JsonArray();
        for (int i = 0; i < Math.min(limit, list.size()); i++) arr.add(list.get(i));
        JsonObject o = new JsonObject();
        o.addProperty("code", 0);
        o.addProperty("msg", "");
        o.add("data", arr);
        o.addProperty("first_id", arr.size() > 0 ? Json.str(arr.get(0).getAsJsonObject(), "id") : "0");
        o.addProperty("last_id", arr.size() > 0 ? Json.str(arr.get(arr.size() - 1).getAsJsonObject(), "id") : "0");
        o.addProperty("has_more", list.size() > limit);
        http.json(ex, 200, o);
    }

    JsonObject message(String convId, String botId, String chatId, String role, String type, String content) {
        JsonObject m = new JsonObject();
        m.addProperty("id", String.valueOf(state.nextId()));
        m.addProperty("conversation_id", convId);
        m.addProperty("bot_id", botId);
        m.addProperty("chat_id", chatId);
        m.addProperty("section_id", convId);
        m.addProperty("role", role);
        m.addProperty("type", type);
        m.addProperty("content", content);
        m.addProperty("content_type", "text");
        m.add("meta_data", new JsonObject());
        long now = Instant.now().getEpochSecond();
        m.addProperty("created_at", now);
        m.addProperty("updated_at", now);
        return m;
    }

    /** `POST /v1/conversations/{id}/clear`: the context starts again; the history stays. */
    void clear(HttpExchange ex) throws IOException {
        String id = ex.getRequestURI().getPath().split("/")[3]; // the route is /v1/conversations/{id}/clear
        Conversation c = conversations.get(id);
        if (c == null) {
            http.envelopeError(ex, 200, 4000, "conversation not found");
            return;
        }
        state.bump("conversation.clear");
        JsonObject data = new JsonObject();
        data.addProperty("id", String.valueOf(state.nextId()));
        data.addProperty("conversation_id", id);
        http.ok(ex, data);
    }
}
