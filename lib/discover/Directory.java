package lib.discover;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import lib.core.Json;
import lib.core.Urls;
import lib.http.CozeHttp;

/**
 * What a login can find on Coze, every page of it: who it is, its workspaces, the bots in each, a
 * bot's conversations and a conversation's messages; and clearing a conversation's context.
 */
public final class Directory {
    public record Me(String userId, String userName, String nickName) {
        /** As a person is named to themselves: the nickname and the user name, or the user name. */
        public String shown() {
            return nickName != null && !nickName.isBlank() ? nickName + " (" + userName + ")" : userName;
        }
    }

    record Workspace(String id, String name, String type) {}

    /** description: what its author wrote, or "". */
    public record Bot(String id, String name, String workspaceId, boolean published, String description) {}

    record Conversation(String id, long createdAt) {}

    /** role is user or assistant; type is question or answer (history holds only those). */
    record Message(String id, String role, String type, String content, long createdAt) {}

    /** Pages are fetched until the total is reached or a page comes back short; this many at most. */
    static final int MAX_PAGES = 100;

    private final CozeHttp http;

    public Directory(CozeHttp http) {
        this.http = http;
    }

    public Me me() {
        JsonObject o = http.api("GET", "/v1/users/me", null).getAsJsonObject();
        return new Me(Json.str(o, "user_id"), Json.str(o, "user_name"), Json.str(o, "nick_name"));
    }

    public List<Workspace> workspaces() {
        List<Workspace> all = new ArrayList<>();
        for (int page = 1; page <= MAX_PAGES; page++) {
            JsonObject data = http.api("GET", "/v1/workspaces?page_num=" + page + "&page_size=50", null).getAsJsonObject();
            JsonArray items = array(data, "workspaces");
            for (JsonElement e : items) {
                JsonObject w = e.getAsJsonObject();
                all.add(new Workspace(Json.str(w, "id"), Json.str(w, "name"), Json.str(w, "workspace_type")));
            }
            if (items.isEmpty() || all.size() >= Json.num(data, "total_count", 0)) break;
        }
        return all;
    }

    /** Published bots and drafts alike. */
    public List<Bot> bots(String workspaceId) {
        List<Bot> all = new ArrayList<>();
        for (int page = 1; page <= MAX_PAGES; page++) {
            JsonObject data = http.api("GET", "/v1/bots?workspace_id=" + Urls.encode(workspaceId) + "&publish_status=all&page_num=" + page
                    + "&page_size=20", null).getAsJsonObject();
            JsonArray items = array(data, "items");
            for (JsonElement e : items) {
                JsonObject b = e.getAsJsonObject();
                all.add(new Bot(Json.str(b, "id"), Json.str(b, "name"), workspaceId, "true".equals(Json.str(b, "is_published")),
                        Objects.requireNonNullElse(Json.str(b, "description"), "")));
            }
            if (items.isEmpty() || all.size() >= Json.num(data, "total", 0)) break;
        }
        return all;
    }

    /** Every bot the login can see, workspace by workspace. */
    public List<Bot> bots() {
        List<Bot> all = new ArrayList<>();
        for (Workspace w : workspaces()) all.addAll(bots(w.id()));
        return all;
    }

    /** Newest first. */
    public List<Conversation> conversations(String botId) {
        List<Conversation> all = new ArrayList<>();
        for (int page = 1; page <= MAX_PAGES; page++) {
            JsonObject data = http.api("GET", "/v1/conversations?bot_id=" + Urls.encode(botId) + "&page_num=" + page
                    + "&page_size=50&sort_order=desc", null).getAsJsonObject();
            for (JsonElement e : array(data, "conversations")) {
                JsonObject c = e.getAsJsonObject();
                all.add(new Conversation(Json.str(c, "id"), Json.num(c, "created_at", 0)));
            }
            if (!"true".equals(Json.str(data, "has_more"))) break;
        }
        return all;
    }

    /** Questions and answers, oldest first (the list pages on with after_id; has_more and last_id sit beside `data`). */
    public List<Message> history(String conversationId) {
        List<Message> all = new ArrayList<>();
        String after = null;
        for (int page = 1; page <= MAX_PAGES; page++) {
            JsonObject req = new JsonObject();
            req.addProperty("order", "asc");
            req.addProperty("limit", 50);
            if (after != null) req.addProperty("after_id", after);
            JsonObject reply = http.call("POST", "/v1/conversation/message/list?conversation_id=" + Urls.encode(conversationId), req);
            JsonElement data = reply.get("data");
            if (data == null || !data.isJsonArray()) break;
            for (JsonElement e : data.getAsJsonArray()) {
                JsonObject m = e.getAsJsonObject();
                String type = Json.str(m, "type");
                if ("question".equals(type) || "answer".equals(type))
                    all.add(new Message(Json.str(m, "id"), Json.str(m, "role"), type, Json.str(m, "content"), Json.num(m, "created_at", 0)));
            }
            after = Json.str(reply, "last_id");
            if (!"true".equals(Json.str(reply, "has_more")) || after == null) break;
        }
        return all;
    }

    /** The conversation's context starts again on Coze; its history stays. */
    public void clear(String conversationId) {
        http.api("POST", "/v1/conversations/" + Urls.encode(conversationId) + "/clear", new JsonObject());
    }

    private static JsonArray array(JsonObject o, String name) {
        JsonElement e = o == null ? null : o.get(name);
        return e != null && e.isJsonArray() ? e.getAsJsonArray() : new JsonArray();
    }
}
