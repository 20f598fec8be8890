package lib.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import lib.core.CozeException;
import lib.core.Json;
import lib.http.CozeHttp;

/**
 * The image and file parts of the question, as Coze's object_string takes them: a link goes as
 * `file_url`; a data URL is uploaded first (`/v1/files/upload`) and goes as `file_id`.
 */
final class Parts {
    /** An upload no byte of which leaves for this long is given up: the line to Coze is gone. */
    private static final Duration UPLOAD_STALL = Duration.ofMinutes(1);
    /** One part: image, audio or file (Coze's types), its URL (https:, http: or data:) and the file name its client gave, if any. */
    record Part(String type, String url, String name) {}

    private Parts() {}

    /** The question's content: a JSON array of the text (when there is any) and one item per part. */
    static String objectString(String text, List<Part> parts, CozeHttp http) {
        JsonArray items = new JsonArray();
        if (!text.isBlank()) {
            JsonObject t = new JsonObject();
            t.addProperty("type", "text");
            t.addProperty("text", text);
            items.add(t);
        }
        for (Part p : parts) {
            JsonObject o = new JsonObject();
            o.addProperty("type", p.type());
            if (p.url().regionMatches(true, 0, "data:", 0, 5)) o.addProperty("file_id", upload(p, http));
            else o.addProperty("file_url", p.url());
            items.add(o);
        }
        return items.toString();
    }

    /** A data URL's bytes, through a file of their own (uploads stream from disk), deleted once sent. */
    private static String upload(Part p, CozeHttp http) {
        int comma = p.url().indexOf(',');
        String meta = comma < 0 ? "" : p.url().substring(5, comma).toLowerCase(Locale.ROOT);
        if (comma < 0 || !meta.endsWith(";base64")) throw OpenAiError.badRequest("a data URL must be base64: data:TYPE;base64,…");
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(p.url().substring(comma + 1));
        } catch (IllegalArgumentException e) {
            throw OpenAiError.badRequest("a data URL's base64 is broken: " + e.getMessage());
        }
        String mime = meta.substring(0, meta.length() - ";base64".length());
        // The client's name, without folders or characters a file system may refuse; else the type and the MIME subtype.
        String given = p.name() == null ? "" : p.name().replaceAll(".*[/\\\\]", "").replaceAll("[^\\p{L}\\p{N}._ -]", "_").strip();
        String name = !given.isEmpty() && !given.startsWith(".") ? given
                : p.type() + "." + (mime.contains("/") ? mime.substring(mime.indexOf('/') + 1).replaceAll("[^a-z0-9]", "") : "bin");
        Path dir = null, file = null;
        try {
            dir = Files.createTempDirectory("coze-serve");
            file = Files.write(dir.resolve(name), bytes);
            return Json.str(http.upload(file, UPLOAD_STALL), "id");
        } catch (IOException e) {
            throw new CozeException(CozeException.FAILED, "cannot keep an upload on disk: " + e.getMessage());
        } finally {
            try {
                if (file != null) Files.deleteIfExists(file);
                if (dir != null) Files.deleteIfExists(dir);
            } catch (IOException ignored) {
                // a temporary folder left behind is the system's to clear
            }
        }
    }
}
