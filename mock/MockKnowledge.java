package mock;

import static mock.MockHttp.body;
import static mock.MockHttp.query;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import lib.core.Json;

/**
 * Knowledge bases as coze-py's `datasets` and the docs (create_dataset, list_dataset,
 * update_dataset, delete_dataset, create_knowledge_files, list_knowledge_files,
 * modify_knowledge_files, delete_knowledge_files, get_dataset_progress) describe them. A document
 * reads as processing (status 0) twice, then done (1), or failed (9) when it has no text (an empty
 * file) or its web page cannot be read (a URL with "unreachable" in it). A file type Coze does not
 * take is refused at once. Without the `Agw-Js-Conv: str` header the document endpoints answer ids
 * as numbers, as Coze does. The documents' own endpoints are MockDocuments.
 */
final class MockKnowledge {
    static final Set<String> FILE_TYPES = Set.of("txt", "md", "pdf", "doc", "docx");
    /** How many progress reads say processing before a document ends. */
    static final int READS_WHILE_PROCESSING = 2;

    record Dataset(String id, String spaceId, JsonObject info, Map<String, Doc> docs) {}

    record Doc(JsonObject info, String failure, AtomicInteger reads) {}

    final Map<String, Dataset> datasets = new ConcurrentHashMap<>();
    private final MockState state;
    private final MockHttp http;

    MockKnowledge(MockState state, MockHttp http) {
        this.state = state;
        this.http = http;
    }

    /** `GET /v1/datasets?space_id&name&page_num&page_size` → `data:{total_count, dataset_list}`. */
    void list(HttpExchange ex) throws IOException {
        String space = query(ex, "space_id"), name = query(ex, "name");
        if (!workspace(ex, space)) return;
        List<JsonObject> all = new ArrayList<>();
        datasets.values().stream().filter(d -> d.spaceId.equals(space))
                .filter(d -> name == null || String.valueOf(Json.str(d.info, "name")).contains(name))
                .sorted((a, b) -> a.id.compareTo(b.id)).forEach(d -> all.add(described(d)));
        int size = (int) Math.max(1, Math.min(300, MockHttp.parseLong(query(ex, "page_size"), 10)));
        int page = (int) Math.max(1, MockHttp.parseLong(query(ex, "page_num"), 1));
        JsonArray items = new JsonArray();
        all.stream().skip((long) (page - 1) * size).limit(size).forEach(items::add);
        JsonObject data = new JsonObject();
        data.addProperty("total_count", all.size());
        data.add("dataset_list", items);
        http.ok(ex, data);
    }

    /** `POST /v1/datasets {name, space_id, format_type, description?}` → `data:{dataset_id}`. */
    void create(HttpExchange ex) throws IOException {
        JsonObject req = Json.object(body(ex));
        String name = Json.str(req, "name");
        if (!workspace(ex, Json.str(req, "space_id"))) return;
        if (MockHttp.blank(name)) {
            http.envelopeError(ex, 200, 4000, "invalid parameter: name is required");
            return;
        }
        String id = String.valueOf(state.nextId());
        JsonObject info = new JsonObject();
        info.addProperty("dataset_id", id);
        info.addProperty("name", name);
        info.addProperty("description", String.valueOf(Json.str(req, "description") == null ? "" : Json.str(req, "description")));
        info.addProperty("space_id", Json.str(req, "space_id"));
        info.addProperty("status", 1);
        info.addProperty("format_type", Json.num(req, "format_type", 0));
        info.addProperty("create_time", Instant.now().getEpochSecond());
        datasets.put(id, new Dataset(id, Json.str(req, "space_id"), info, new ConcurrentHashMap<>()));
        state.bump("datasets.create");
        JsonObject data = new JsonObject();
        data.addProperty("dataset_id", id);
        http.ok(ex, data);
    }

    /** `PUT /v1/datasets/{id} {name, description?}`: both set anew. */
    void update(HttpExchange ex) throws IOException {
        Dataset d = dataset(ex, segment(ex, 3));
        if (d == null) return;
        JsonObject req = Json.object(body(ex));
        if (MockHttp.blank(Json.str(req, "name"))) {
            http.envelopeError(ex, 200, 4000, "invalid parameter: name is required");
            return;
        }
        d.info.addProperty("name", Json.str(req, "name"));
        d.info.addProperty("description", Json.str(req, "description") == null ? "" : Json.str(req, "description"));
        http.ok(ex, new JsonObject());
    }

    /** `DELETE /v1/datasets/{id}`. */
    void delete(HttpExchange ex) throws IOException {
        Dataset d = dataset(ex, segment(ex, 3));
        if (d == null) return;
        datasets.remove(d.id);
        state.bump("datasets.delete");
        http.ok(ex, new JsonObject());
    }

    /** `POST /v1/datasets/{id}/process {document_ids}` → `data:{data:[progress]}`. */
    void process(HttpExchange ex) throws IOException {
        Dataset d = dataset(ex, segment(ex, 3));
        if (d == null) return;
        JsonObject req = Json.object(body(ex));
        JsonArray out = new JsonArray();
        JsonElement ids = req.get("document_ids");
        if (ids != null && ids.isJsonArray())
            for (JsonElement e : ids.getAsJsonArray()) {
                Doc doc = d.docs.get(e.getAsString());
                if (doc == null) continue;
                advance(doc);
                JsonObject p = new JsonObject();
                p.addProperty("document_id", Json.str(doc.info, "document_id"));
                p.addProperty("document_name", Json.str(doc.info, "name"));
                p.addProperty("status", Json.num(doc.info, "status", 0));
                p.addProperty("progress", Json.num(doc.info, "status", 0) == 0 ? 50 : 100);
                p.addProperty("size", Json.num(doc.info, "size", 0));
                p.addProperty("type", Json.str(doc.info, "type"));
                p.addProperty("update_type", 0);
                if (doc.failure != null && Json.num(doc.info, "status", 0) == 9) p.addProperty("status_descript", doc.failure);
                out.add(p);
            }
        state.bump("datasets.process");
        JsonObject data = new JsonObject();
        data.add("data", out);
        http.ok(ex, data);
    }

    private void advance(Doc doc) {
        if (Json.num(doc.info, "status", 0) != 0 || doc.reads.incrementAndGet() <= READS_WHILE_PROCESSING) return;
        doc.info.addProperty("status", doc.failure == null ? 1 : 9);
        if (doc.failure == null) doc.info.addProperty("slice_count", 1);
    }

    private JsonObject described(Dataset d) {
        JsonObject o = d.info.deepCopy();
        o.addProperty("doc_count", d.docs.size());
        JsonArray names = new JsonArray(), failed = new JsonArray(), busy = new JsonArray();
        for (Doc doc : d.docs.values()) {
            names.add(Json.str(doc.info, "name"));
            long s = Json.num(doc.info, "status", 0);
            if (s == 9) failed.add(Json.str(doc.info, "name"));
            if (s == 0) busy.add(Json.str(doc.info, "name"));
        }
        o.add("file_list", names);
        o.add("failed_file_list", failed);
        o.add("processing_file_list", busy);
        return o;
    }

    private boolean workspace(HttpExchange ex, String space) throws IOException {
        if (MockBots.PERSONAL.equals(space) || MockBots.TEAM.equals(space)) return true;
        http.envelopeError(ex, 200, 4000, "invalid parameter: space_id " + space + " is not a workspace of yours");
        return false;
    }

    /** The knowledge base, or null once the error is answered. */
    Dataset dataset(HttpExchange ex, String id) throws IOException {
        Dataset d = id == null ? null : datasets.get(id);
        if (d == null) http.envelopeError(ex, 200, 4000, "invalid parameter: no knowledge base " + id);
        return d;
    }

    private static String segment(HttpExchange ex, int index) {
        String[] parts = ex.getRequestURI().getPath().split("/");
        return parts.length > index ? parts[index] : null;
    }
}
