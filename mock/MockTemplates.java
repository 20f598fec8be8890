package mock;

import static mock.MockHttp.blank;
import static mock.MockHttp.body;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import lib.core.Json;

/**
 * Bot templates as coze-py's `templates`, coze-go's `templates.go` and `@coze/api` describe them:
 * `POST /v1/templates/{template_id}/duplicate {workspace_id, name?}` → `data:{entity_id, entity_type}`,
 * the only entity type being `agent`. The copy is a draft bot in that workspace, so `GET /v1/bots`
 * lists it. A template that is not there is Coze's "resource not found" (4200); a missing or foreign
 * workspace a parameter error (4000).
 */
final class MockTemplates {
    /** The templates every mock has: their ids and the names their copies get when none is given. */
    static final Map<String, String> TEMPLATES = Map.of(MockBots.TEMPLATE, "Travel template");

    private final MockState state;
    private final MockHttp http;

    MockTemplates(MockState state, MockHttp http) {
        this.state = state;
        this.http = http;
    }

    void duplicate(HttpExchange ex) throws IOException {
        String template = ex.getRequestURI().getPath().split("/")[3];
        JsonObject req = Json.object(body(ex));
        String workspace = Json.str(req, "workspace_id"), name = Json.str(req, "name");
        if (blank(workspace)) {
            http.envelopeError(ex, 200, 4000, "invalid parameter: workspace_id is required");
            return;
        }
        if (!MockBots.PERSONAL.equals(workspace) && !MockBots.TEAM.equals(workspace)) {
            http.envelopeError(ex, 200, 4000, "invalid parameter: workspace_id " + workspace + " is not a workspace of yours");
            return;
        }
        String templateName = TEMPLATES.get(template);
        if (templateName == null) {
            http.envelopeError(ex, 200, 4200, "template " + template + " does not exist");
            return;
        }
        String id = String.valueOf(state.nextId());
        synchronized (state.bots) {
            state.bots.put(id, new MockBots.Bot(id, blank(name) ? templateName : name, workspace, false, null, null, List.of(), new MockFaults()));
        }
        state.bump("templates.duplicate");
        JsonObject data = new JsonObject();
        data.addProperty("entity_id", id);
        data.addProperty("entity_type", "agent");
        http.ok(ex, data);
    }
}
