package mock;

import static mock.MockHttp.body;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import lib.core.Json;

/**
 * The documents of MockKnowledge's knowledge bases at `/open_api/knowledge/document/*` (coze-py's
 * create_knowledge_files, list_knowledge_files, modify_knowledge_files, delete_knowledge_files):
 * answered at the top level (`document_infos`, `total`) rather than under `data`, with ids as
 * numbers unless the request says `Agw-Js-Conv: str`.
 */
final class MockDocuments {
    private final MockKnowledge knowledge;
    private final MockState state;
    private final MockHttp http;

    MockDocuments(MockKnowledge knowledge, MockState state, MockHttp http) {
        this.knowledge = knowledge;
        this.state = state;
        this.http = http;
    }

    /** `POST /open_api/knowledge/document/create {dataset_id, document_bases:[{name, source_info}]}` → `document_infos` at the top. */
    void createDocuments(HttpExchange ex) throws IOException {
        if ("chunked".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Transfer-Encoding"))) state.bump("documents.streamed");
        String text;
        try (InputStream in = ex.getRequestBody()) {
            text = new String(in.readNBytes(64 << 20), StandardCharsets.UTF_8);
        }
        JsonObject req = Json.object(text);
        MockKnowledge.Dataset d = knowledge.dataset(ex, Json.str(req, "dataset_id"));
        if (d == null) return;
        JsonElement bases = req.get("document_bases");
        if (bases == null || !bases.isJsonArray() || bases.getAsJsonArray().isEmpty() || bases.getAsJsonArray().size() > 10) {
            http.envelopeError(ex, 200, 4000, "invalid parameter: document_bases needs 1 to 10 documents");
            return;
        }
        List<MockKnowledge.Doc> made = new ArrayList<>();
        for (JsonElement e : bases.getAsJsonArray()) {
            JsonObject base = e.getAsJsonObject(), source = Json.obj(base, "source_info");
            String url = Json.str(source, "web_url"), type = String.valueOf(Json.str(source, "file_type")).toLowerCase(Locale.ROOT);
            if (url == null && !MockKnowledge.FILE_TYPES.contains(type)) {
                http.envelopeError(ex, 200, 4000, "invalid parameter: file type " + type + " is not supported in a text knowledge base");
                return;
            }
            long size = url != null ? 0 : Base64.getDecoder().decode(String.valueOf(Json.str(source, "file_base64"))).length;
            String failure = url != null ? (url.contains("unreachable") ? "the web page could not be read" : null)
                    : size == 0 ? "the document has no text" : null;
            JsonObject info = new JsonObject();
            info.addProperty("document_id", String.valueOf(state.nextId()));
            info.addProperty("name", Json.str(base, "name"));
            info.addProperty("size", size);
            info.addProperty("type", url != null ? "html" : type);
            info.addProperty("source_type", url != null ? 1 : 0);
            info.addProperty("format_type", 0);
            info.addProperty("status", 0);
            info.addProperty("char_count", size);
            info.addProperty("slice_count", 0);
            info.addProperty("hit_count", 0);
            info.addProperty("create_time", Instant.now().getEpochSecond());
            info.addProperty("update_time", Instant.now().getEpochSecond());
            info.addProperty("update_type", 0);
            info.addProperty("update_interval", 0);
            made.add(new MockKnowledge.Doc(info, failure, new AtomicInteger()));
        }
        JsonArray infos = new JsonArray();
        for (MockKnowledge.Doc doc : made) {
            d.docs().put(Json.str(doc.info(), "document_id"), doc);
            infos.add(ids(ex, doc.info()));
        }
        state.bump("documents.create");
        JsonObject o = new JsonObject();
        o.addProperty("code", 0);
        o.addProperty("msg", "");
        o.add("document_infos", infos);
        http.json(ex, 200, o);
    }

    /** `POST /open_api/knowledge/document/list {dataset_id, page, size}` → `document_infos` and `total` at the top. */
    void listDocuments(HttpExchange ex) throws IOException {
        JsonObject req = Json.object(body(ex));
        MockKnowledge.Dataset d = knowledge.dataset(ex, Json.str(req, "dataset_id"));
        if (d == null) return;
        int size = (int) Math.max(1, Json.num(req, "size", 10)), page = (int) Math.max(1, Json.num(req, "page", 1));
        JsonArray infos = new JsonArray();
        d.docs().values().stream().sorted((a, b) -> Json.str(a.info(), "document_id").compareTo(Json.str(b.info(), "document_id")))
                .skip((long) (page - 1) * size).limit(size).forEach(doc -> infos.add(ids(ex, doc.info())));
        JsonObject o = new JsonObject();
        o.addProperty("code", 0);
        o.addProperty("msg", "");
        o.add("document_infos", infos);
        o.addProperty("total", d.docs().size());
        http.json(ex, 200, o);
    }

    /**
     * `POST /open_api/knowledge/document/update {document_id, document_name?, update_rule?:{update_type, update_interval}}`
     * → `{code, msg}`; an interval under 24 hours is refused, as the docs set that minimum.
     */
    void updateDocument(HttpExchange ex) throws IOException {
        JsonObject req = Json.object(body(ex));
        String id = Json.str(req, "document_id");
        MockKnowledge.Doc doc = document(id);
        if (doc == null) {
            http.envelopeError(ex, 200, 4000, "invalid parameter: no document " + id);
            return;
        }
        JsonObject rule = Json.obj(req, "update_rule");
        if (rule != null && Json.num(rule, "update_type", 0) == 1 && Json.num(rule, "update_interval", 0) < 24) {
            http.envelopeError(ex, 200, 4000, "invalid parameter: update_interval is at least 24 hours");
            return;
        }
        String name = Json.str(req, "document_name");
        if (!MockHttp.blank(name)) doc.info().addProperty("name", name);
        if (rule != null) {
            doc.info().addProperty("update_type", Json.num(rule, "update_type", 0));
            doc.info().addProperty("update_interval", Json.num(rule, "update_interval", 0));
        }
        state.bump("documents.update");
        replyDone(ex);
    }

    /** `POST /open_api/knowledge/document/delete {document_ids}` (1 to 100) → `{code, msg}`; an id that is not there deletes nothing. */
    void deleteDocuments(HttpExchange ex) throws IOException {
        JsonElement ids = Json.object(body(ex)).get("document_ids");
        if (ids == null || !ids.isJsonArray() || ids.getAsJsonArray().isEmpty() || ids.getAsJsonArray().size() > 100) {
            http.envelopeError(ex, 200, 4000, "invalid parameter: document_ids needs 1 to 100 documents");
            return;
        }
        for (JsonElement e : ids.getAsJsonArray())
            if (document(e.getAsString()) == null) {
                http.envelopeError(ex, 200, 4000, "invalid parameter: no document " + e.getAsString());
                return;
            }
        for (JsonElement e : ids.getAsJsonArray()) knowledge.datasets.values().forEach(d -> d.docs().remove(e.getAsString()));
        state.bump("documents.delete");
        replyDone(ex);
    }

    private MockKnowledge.Doc document(String id) {
        if (id == null) return null;
        return knowledge.datasets.values().stream().map(d -> d.docs().get(id)).filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    private void replyDone(HttpExchange ex) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("code", 0);
        o.addProperty("msg", "");
        JsonObject detail = new JsonObject();
        detail.addProperty("logid", ex.getResponseHeaders().getFirst("x-tt-logid"));
        o.add("detail", detail);
        http.json(ex, 200, o);
    }

    /** Coze answers int64 ids as numbers unless asked for strings with `Agw-Js-Conv: str`. */
    private static JsonObject ids(HttpExchange ex, JsonObject info) {
        if ("str".equals(ex.getRequestHeaders().getFirst("Agw-Js-Conv"))) return info;
        JsonObject o = info.deepCopy();
        o.add("document_id", new JsonPrimitive(new java.math.BigInteger(Json.str(info, "document_id"))));
        return o;
    }

}
