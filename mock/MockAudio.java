package mock;

import static mock.MockHttp.body;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import lib.core.Json;

/**
 * Coze's audio API as coze-py's `audio` describes it: `GET /v1/audio/voices` (`voice_list`,
 * `has_more`), `POST /v1/audio/speech` (audio bytes with the format's content type; the mock's
 * audio is a marker and the text, so that transcribing it gives the text back) and `POST
 * /v1/audio/transcriptions` (multipart field `file`; ogg, mp3 or wav, at most 10 MB → `data.text`).
 */
final class MockAudio {
    static final String VOICE = "7426720361733046281", OTHER_VOICE = "7426720361733046282";
    /** What starts every file the mock speaks. */
    static final String MARKER = "COZE-MOCK-AUDIO\n";
    private static final Map<String, String> TYPES = Map.of("mp3", "audio/mpeg", "wav", "audio/wav", "ogg_opus", "audio/ogg", "pcm", "audio/pcm");

    private final MockState state;
    private final MockHttp http;

    MockAudio(MockState state, MockHttp http) {
        this.state = state;
        this.http = http;
    }

    void voices(HttpExchange ex) throws IOException {
        JsonArray list = new JsonArray();
        list.add(voice(VOICE, "Mock Female", "zh", "中文"));
        list.add(voice(OTHER_VOICE, "Mock Male", "en", "English"));
        JsonObject data = new JsonObject();
        data.add("voice_list", list);
        data.addProperty("has_more", false);
        http.ok(ex, data);
    }

    /** `POST /v1/audio/speech {input, voice_id, response_format, speed?, sample_rate?}`. */
    void speech(HttpExchange ex) throws IOException {
        JsonObject req = Json.object(body(ex));
        String input = Json.str(req, "input"), voice = Json.str(req, "voice_id");
        String format = Json.str(req, "response_format") == null ? "mp3" : Json.str(req, "response_format");
        if (MockHttp.blank(input) || input.getBytes(StandardCharsets.UTF_8).length > 1024) {
            http.envelopeError(ex, 200, 4000, "invalid parameter: input must be 1 to 1024 bytes");
            return;
        }
        if (!VOICE.equals(voice) && !OTHER_VOICE.equals(voice)) {
            http.envelopeError(ex, 200, 4000, "invalid parameter: voice_id " + voice + " does not exist");
            return;
        }
        if (!TYPES.containsKey(format)) {
            http.envelopeError(ex, 200, 4000, "invalid parameter: response_format " + format);
            return;
        }
        state.bump("audio.speech");
        byte[] audio = (MARKER + input).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", TYPES.get(format));
        ex.sendResponseHeaders(200, audio.length);
        ex.getResponseBody().write(audio);
    }

    /** `POST /v1/audio/transcriptions`, multipart with the audio in field `file`. */
    void transcriptions(HttpExchange ex) throws IOException {
        String type = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
        int b = type.indexOf("boundary=");
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes((10 << 20) + 4096);
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
        String name = nameAt < 0 ? "" : text.substring(nameAt + 10, text.indexOf('"', nameAt + 10)).toLowerCase(Locale.ROOT);
        if (!(name.endsWith(".ogg") || name.endsWith(".mp3") || name.endsWith(".wav"))) {
            http.envelopeError(ex, 200, 4000, "invalid parameter: the audio must be ogg, mp3 or wav");
            return;
        }
        byte[] audio = Arrays.copyOfRange(body, start + 4, end);
        if (audio.length > 10 << 20) {
            http.envelopeError(ex, 200, 4000, "invalid parameter: the audio is larger than 10 MB");
            return;
        }
        state.bump("audio.transcriptions");
        String said = new String(audio, StandardCharsets.UTF_8);
        JsonObject data = new JsonObject();
        data.addProperty("text", said.startsWith(MARKER) ? said.substring(MARKER.length()) : "");
        http.ok(ex, data);
    }

    private static JsonObject voice(String id, String name, String code, String language) {
        JsonObject v = new JsonObject();
        v.addProperty("voice_id", id);
        v.addProperty("name", name);
        v.addProperty("is_system_voice", true);
        v.addProperty("language_code", code);
        v.addProperty("language_name", language);
        v.addProperty("preview_text", "你好");
        v.addProperty("preview_audio", "");
        v.addProperty("available_training_times", 0);
        v.addProperty("create_time", 1730000000);
        v.addProperty("update_time", 1730000000);
        return v;
    }
}
