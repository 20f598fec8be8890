package lib.audio;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lib.core.CozeException;
import lib.core.Json;
import lib.http.CozeHttp;

/**
 * Coze's audio API as coze-py's `audio` speaks to it: `GET /v1/audio/voices` (`voice_list`,
 * `has_more`), `POST /v1/audio/speech` (the audio itself back, not JSON) and `POST
 * /v1/audio/transcriptions` (multipart, field `file`; ogg, mp3 or wav up to 10 MB → `data.text`).
 */
public final class Audio {
    /** Coze speaks at most this many bytes of UTF-8 text at once. */
    public static final int MAX_TEXT_BYTES = 1024;
    static final int MAX_PAGES = 100;

    private final CozeHttp http;

    public Audio(CozeHttp http) {
        this.http = http;
    }

    /** System voices and the account's cloned ones: `voice_id`, `name`, `language_code`, … */
    public List<JsonObject> voices() {
        List<JsonObject> all = new ArrayList<>();
        for (int page = 1; page <= MAX_PAGES; page++) {
            JsonObject data = http.api("GET", "/v1/audio/voices?page_num=" + page + "&page_size=100", null).getAsJsonObject();
            JsonElement list = data.get("voice_list");
            if (list == null || !list.isJsonArray() || list.getAsJsonArray().isEmpty()) break;
            for (JsonElement v : list.getAsJsonArray()) if (v.isJsonObject()) all.add(v.getAsJsonObject());
            if (!"true".equals(Json.str(data, "has_more"))) break;
        }
        return all;
    }

    /** Speaks `text` with `voiceId` in `format` (mp3, wav, ogg_opus, pcm), the audio copied to `to` as it arrives. */
    public void speak(String text, String voiceId, String format, OutputStream to) throws IOException {
        if (text.isBlank()) throw new CozeException(CozeException.USAGE, "nothing to say: the text is empty");
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_TEXT_BYTES)
            throw new CozeException(CozeException.USAGE, "the text is " + bytes + " bytes; Coze speaks at most " + MAX_TEXT_BYTES + " at once",
                    "split it, one coze-audio speak per part");
        JsonObject b = new JsonObject();
        b.addProperty("input", text);
        b.addProperty("voice_id", voiceId);
        b.addProperty("response_format", format);
        HttpResponse<InputStream> r = http.fetch("POST", "/v1/audio/speech", () -> HttpRequest.BodyPublishers.ofString(b.toString(), StandardCharsets.UTF_8),
                "application/json");
        try (InputStream in = r.body()) {
            in.transferTo(to);
        } catch (IOException e) {
            throw new CozeException(CozeException.NETWORK, "the connection broke while the audio came: " + e.getMessage(), null, e);
        }
    }

    /** The words spoken in an ogg, mp3 or wav file, streamed up from disk. */
    public String transcribe(Path file) {
        String boundary = "coze-jbang-" + Long.toHexString(System.nanoTime());
        String name = file.getFileName().toString().replaceAll("[\"\r\n\\\\]", "_");
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) throw new CozeException(CozeException.USAGE, "cannot read " + file);
        JsonObject reply = http.call("POST", "/v1/audio/transcriptions", () -> {
            try {
                return HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(head, StandardCharsets.UTF_8),
                        HttpRequest.BodyPublishers.ofFile(file), HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n"));
            } catch (java.io.FileNotFoundException e) {
                throw new CozeException(CozeException.USAGE, "cannot read " + file + ": " + e.getMessage());
            }
        }, "multipart/form-data; boundary=" + boundary);
        String text = Json.str(Json.obj(reply, "data"), "text");
        if (text == null) throw new CozeException(CozeException.FAILED, "Coze transcribed " + name + " but sent no text");
        return text;
    }

    /** A voice's line for the list: ID, name, language. */
    public static String[] fields(JsonObject v) {
        return new String[] {Json.str(v, "voice_id"), Json.str(v, "name"), Json.str(v, "language_name") != null ? Json.str(v, "language_name") : Json.str(v, "language_code")};
    }
}
