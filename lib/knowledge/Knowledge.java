package lib.knowledge;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import lib.core.CozeException;
import lib.core.Json;
import lib.core.Urls;
import lib.http.CozeHttp;

/**
 * Coze's knowledge bases (datasets) and their documents, as coze-py's `datasets` speaks to them:
 * `/v1/datasets` (list, create), `/v1/datasets/{id}` (PUT, DELETE), `/v1/datasets/{id}/process`,
 * and `/open_api/knowledge/document/create|list|update|delete`, which want `Agw-Js-Conv: str` (ids as strings)
 * and answer `document_infos` next to `code`.
 */
public final class Knowledge {
    /** Document processing states (`status`): 0 processing, 1 done, 9 failed. */
    public static final int PROCESSING = 0, DONE = 1, FAILED = 9;
    /** Pages are fetched until the total is reached or a page comes back short; this many at most. */
    static final int MAX_PAGES = 100;
    private static final String[] IDS_AS_STRINGS = {"Agw-Js-Conv", "str"};

    private final CozeHttp http;

    public Knowledge(CozeHttp http) {
        this.http = http;
    }

    /** The workspace's knowledge bases, those whose name contains `name` when it is not null. */
    public List<JsonObject> list(String workspaceId, String name) {
        List<JsonObject> all = new ArrayList<>();
        for (int page = 1; page <= MAX_PAGES; page++) {
            JsonObject data = http.api("GET", "/v1/datasets?space_id=" + Urls.encode(workspaceId) + "&page_num=" + page + "&page_size=100"
                    + (name == null ? "" : "&name=" + Urls.encode(name)), null).getAsJsonObject();
            JsonArray items = array(data, "dataset_list");
            items.forEach(e -> all.add(e.getAsJsonObject()));
            if (items.isEmpty() || all.size() >= Json.num(data, "total_count", 0)) break;
        }
        return all;
    }

    /** A new knowledge base; `formatType` 0 text, 1 table, 2 images. Returns its id. */
    public String create(String workspaceId, String name, String description, int formatType) {
        JsonObject b = new JsonObject();
        b.addProperty("name", name);
        b.addProperty("space_id", workspaceId);
        b.addProperty("format_type", formatType);
        if (description != null) b.addProperty("description", description);
        String id = Json.str(http.api("POST", "/v1/datasets", b).getAsJsonObject(), "dataset_id");
        if (id == null) throw new CozeException(CozeException.FAILED, "Coze created the knowledge base but gave no id");
        return id;
    }

    /** Coze sets name and description anew: a description left out is cleared (docs/update_dataset). */
    public void update(String datasetId, String name, String description) {
        JsonObject b = new JsonObject();
        b.addProperty("name", name);
        if (description != null) b.addProperty("description", description);
        http.call("PUT", "/v1/datasets/" + Urls.encode(datasetId), b);
    }

    public void delete(String datasetId) {
        http.call("DELETE", "/v1/datasets/" + Urls.encode(datasetId), null);
    }

    public List<JsonObject> documents(String datasetId) {
        List<JsonObject> all = new ArrayList<>();
        for (int page = 1; page <= MAX_PAGES; page++) {
            JsonObject b = new JsonObject();
            b.addProperty("dataset_id", datasetId);
            b.addProperty("page", page);
            b.addProperty("size", 100);
            JsonObject reply = conv("/open_api/knowledge/document/list", b);
            JsonArray items = array(reply, "document_infos");
            items.forEach(e -> all.add(e.getAsJsonObject()));
            if (items.isEmpty() || all.size() >= Json.num(reply, "total", 0)) break;
        }
        return all;
    }

    /** Whether Coze fetches a web page again, and every how many hours (24 at least). */
    public record UpdateRule(boolean auto, int intervalHours) {
        public static final int MIN_INTERVAL_HOURS = 24;
    }

    /** Deleted per request at most (docs/delete_knowledge_files). */
    static final int DELETE_BATCH = 100;

    /** A new name and/or update rule for a document; null leaves that as it is. */
    public void updateDocument(String documentId, String name, UpdateRule rule) {
        JsonObject b = new JsonObject();
        b.addProperty("document_id", documentId);
        if (name != null) b.addProperty("document_name", name);
        if (rule != null) {
            JsonObject r = new JsonObject();
            r.addProperty("update_type", rule.auto() ? 1 : 0);
            r.addProperty("update_interval", rule.intervalHours());
            b.add("update_rule", r);
        }
        conv("/open_api/knowledge/document/update", b);
    }

    /** Deletes documents, a hundred per request; `deleted` hears each batch Coze took, so a failure later says what is gone. */
    public void deleteDocuments(List<String> documentIds, java.util.function.Consumer<List<String>> deleted) {
        for (int from = 0; from < documentIds.size(); from += DELETE_BATCH) {
            List<String> batch = documentIds.subList(from, Math.min(documentIds.size(), from + DELETE_BATCH));
            JsonObject b = new JsonObject();
            JsonArray ids = new JsonArray();
            batch.forEach(ids::add);
            b.add("document_ids", ids);
            conv("/open_api/knowledge/document/delete", b);
            deleted.accept(batch);
        }
    }

    /** Adds one document, a local file streamed from disk or a web page (`read` hears how much of the file went, or is null); returns Coze's document object. */
    public JsonObject add(String datasetId, DocumentSource source, java.util.function.LongConsumer read) {
        JsonObject reply = http.call("POST", "/open_api/knowledge/document/create", () -> source.body(datasetId, read), "application/json", IDS_AS_STRINGS);
        JsonArray docs = array(reply, "document_infos");
        if (docs.isEmpty() || !docs.get(0).isJsonObject()) throw new CozeException(CozeException.FAILED, "Coze took " + source.name() + " but described no document");
        return docs.get(0).getAsJsonObject();
    }

    /** The processing state of these documents: `document_id`, `status`, `progress`, `status_descript`. */
    public List<JsonObject> progress(String datasetId, List<String> documentIds) {
        JsonObject b = new JsonObject();
        JsonArray ids = new JsonArray();
        documentIds.forEach(ids::add);
        b.add("document_ids", ids);
        JsonObject data = http.api("POST", "/v1/datasets/" + Urls.encode(datasetId) + "/process", b).getAsJsonObject();
        List<JsonObject> all = new ArrayList<>();
        array(data, "data").forEach(e -> all.add(e.getAsJsonObject()));
        return all;
    }

    private JsonObject conv(String path, JsonObject body) {
        return http.call("POST", path, () -> HttpRequest.BodyPublishers.ofString(body.toString(), java.nio.charset.StandardCharsets.UTF_8),
                "application/json", IDS_AS_STRINGS);
    }

    static JsonArray array(JsonObject o, String name) {
        JsonElement e = o == null ? null : o.get(name);
        JsonArray a = new JsonArray();
        if (e != null && e.isJsonArray()) e.getAsJsonArray().forEach(x -> {
            if (x.isJsonObject()) a.add(x);
        });
        return a;
    }
}
