package mock;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import lib.core.Json;

/**
 * Files for multimodal bots: `POST /v1/files/upload` (multipart/form-data, field `file`) and the
 * `object_string` messages that name them, checked by Coze's rules: a JSON array of items of type
 * text, image, file or audio; at most one text; text only with a file or an image; a `file_id` that
 * was uploaded, or a `file_url`.
 */
final class MockFiles {
    /** Uploaded files: id → file name. */
    private final Map<String, String> files = new ConcurrentHashMap<>();

    private final MockState state;
    private final MockHttp http;

    MockFiles(MockState state, MockHttp http) {
        this.state = state;
        this.http = http;
    }

    void upload(HttpExchange ex) throws IOException {
        String type = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
        int b = type.indexOf("boundary=");
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
        }
        String text = new String(body, StandardCharsets.ISO_8859_1); // bytes kept one to one
        int part = b < 0 ? -1 : text.indexOf("name=\"file\"");
        int start = part < 0 ? -1 : text.indexOf("\r\n\r\n", part);
        int end = start < 0 ? -1 : text.indexOf("\r\n--" + type.substring(b + 9), start);
        if (!type.startsWith("multipart/form-data") || end < 0) {
            http.envelopeError(ex, 200, 4000, "invalid parameter: a multipart/form-data body with a field named file is required");
            return;
        }
        int nameAt = text.indexOf("filename=\"", part);
        String name = nameAt < 0 ? "file" : new String(text.substring(nameAt + 10, text.indexOf('"', nameAt + 10))
                .getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        String id = String.valueOf(state.nextId());
        files.put(id, name);
        state.bump("files.upload");
        JsonObject data = new JsonObject();
        data.addProperty("id", id);
        data.addProperty("bytes", end - start - 4);
        data.addProperty("created_at", Instant.now().getEpochSecond());
        data.addProperty("file_name", name);
        http.ok(ex, data);
    }

    /** What an object_string message says, for an echo ("what is this? [image photo.png] [file https://…]"), or null when Coze would refuse it. */
    String objectString(String content) {
        JsonArray items;
        try {
            JsonElement e = Json.parseStrict(content);
            if (!e.isJsonArray()) return null;
            items = e.getAsJsonArray();
        } catch (RuntimeException notJson) {
            return null;
        }
        StringBuilder said = new StringBuilder();
        int texts = 0, visuals = 0;
        for (JsonElement e : items) {
            if (!e.isJsonObject()) return null;
            JsonObject o = e.getAsJsonObject();
            String type = String.valueOf(Json.str(o, "type"));
            switch (type) {
                case "text" -> {
                    if (++texts > 1 || Json.str(o, "text") == null) return null;
                    said.insert(0, Json.str(o, "text"));
                }
                case "image", "file", "audio" -> {
                    String id = Json.str(o, "file_id"), url = Json.str(o, "file_url");
                    if (id != null && !files.containsKey(id)) return null;
                    if (id == null && url == null) return null;
                    if (!type.equals("audio")) visuals++;
                    said.append(" [").append(type).append(' ').append(id != null ? files.get(id) : url).append(']');
                }
                default -> {
                    return null;
                }
            }
        }
        if (texts > 0 && visuals == 0) return null;
        return said.toString().strip();
    }
}
