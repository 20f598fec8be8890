package lib.discover;

import com.google.gson.JsonObject;
import lib.core.CozeException;
import lib.core.Json;
import lib.core.Urls;
import lib.http.CozeHttp;

/**
 * Coze's bot templates, as coze-py's `templates` and coze-go's `templates.go` speak to them:
 * `POST /v1/templates/{template_id}/duplicate {workspace_id, name?}` makes a copy in a workspace and
 * answers what it made (`entity_id`, `entity_type`: `agent` for a bot).
 */
public final class Templates {
    /** What a duplicate made; `data` is Coze's object as it came, for --json. */
    public record Copy(String entityId, String entityType, JsonObject data) {}

    private final CozeHttp http;

    public Templates(CozeHttp http) {
        this.http = http;
    }

    /** `name` null keeps the template's own name (Coze's choice). */
    public Copy duplicate(String templateId, String workspaceId, String name) {
        JsonObject b = new JsonObject();
        b.addProperty("workspace_id", workspaceId);
        if (name != null) b.addProperty("name", name);
        JsonObject data = http.api("POST", "/v1/templates/" + Urls.encode(templateId) + "/duplicate", b).getAsJsonObject();
        String id = Json.str(data, "entity_id");
        if (id == null) throw new CozeException(CozeException.FAILED, "Coze duplicated the template but named no copy");
        return new Copy(id, Json.str(data, "entity_type"), data);
    }
}
