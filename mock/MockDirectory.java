package mock;

import static mock.MockHttp.blank;
import static mock.MockHttp.parseLong;
import static mock.MockHttp.query;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a user can find: who they are (`/v1/users/me`), and their workspaces and the bots in each
 * (paged as Coze pages them).
 */
public final class MockDirectory {
    public static final String USER_ID = "7100000000000000001";

    private final MockState state;
    private final MockHttp http;

    MockDirectory(MockState state, MockHttp http) {
        this.state = state;
        this.http = http;
    }

    void usersMe(HttpExchange ex) throws IOException {
        JsonObject me = new JsonObject();
        me.addProperty("user_id", USER_ID);
        me.addProperty("user_name", "mock_user");
        me.addProperty("nick_name", "Mock User");
        me.addProperty("avatar_url", "");
        http.ok(ex, me);
    }

    /** `GET /v1/workspaces?page_num&page_size` (size at most 50) → `{workspaces:[…], total_count}`. */
    void workspaces(HttpExchange ex) throws IOException {
        state.bump("workspaces");
        List<JsonObject> all = List.of(workspace(MockBots.PERSONAL, "Personal", "personal", "owner"),
                workspace(MockBots.TEAM, "Team", "team", "member"));
        JsonObject data = new JsonObject();
        data.add("workspaces", page(ex, all, 50));
        data.addProperty("total_count", all.size());
        http.ok(ex, data);
    }

    private static JsonObject workspace(String id, String name, String type, String role) {
        JsonObject w = new JsonObject();
        w.addProperty("id", id);
        w.addProperty("name", name);
        w.addProperty("icon_url", "");
        w.addProperty("role_type", role);
        w.addProperty("workspace_type", type);
        w.addProperty("enterprise_id", "");
        return w;
    }

    /** `GET /v1/bots?workspace_id=&publish_status=&page_num&page_size` → `{items:[…], total}`; drafts only with `all` or a draft status. */
    void botList(HttpExchange ex) throws IOException {
        state.bump("bots");
        String workspace = query(ex, "workspace_id");
        if (blank(workspace)) {
            http.envelopeError(ex, 200, 4000, "workspace_id is required");
            return;
        }
        String status = query(ex, "publish_status");
        List<JsonObject> all = new ArrayList<>();
        List<MockBots.Bot> bots;
        // A template's copy may be added while this lists.
        synchronized (state.bots) {
            bots = new ArrayList<>(state.bots.values());
        }
        for (MockBots.Bot b : bots) {
            if (!workspace.equals(b.workspace)) continue;
            if ((status == null || status.equals("published_online")) && !b.published) continue;
            if ("unpublished_draft".equals(status) && b.published) continue;
            JsonObject o = new JsonObject();
            o.addProperty("id", b.id);
            o.addProperty("name", b.name);
            o.addProperty("description", "");
            o.addProperty("icon_url", "");
            o.addProperty("is_published", b.published);
            o.addProperty("updated_at", Instant.now().getEpochSecond());
            o.addProperty("owner_user_id", USER_ID);
            all.add(o);
        }
        JsonObject data = new JsonObject();
        data.add("items", page(ex, all, 20));
        data.addProperty("total", all.size());
        http.ok(ex, data);
    }

    /** One page of `all` as `page_num` (from 1) and `page_size` (at most `maxSize`) ask. */
    private static JsonArray page(HttpExchange ex, List<JsonObject> all, int maxSize) {
        int page = (int) Math.max(1, parseLong(query(ex, "page_num"), 1));
        int size = (int) Math.max(1, Math.min(maxSize, parseLong(query(ex, "page_size"), maxSize)));
        JsonArray arr = new JsonArray();
        for (int i = (page - 1) * size; i < Math.min(all.size(), page * size); i++) arr.add(all.get(i));
        return arr;
    }
}
