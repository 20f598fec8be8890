package lib.chat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import lib.core.CozeException;
import lib.core.Json;
import lib.core.ProgressLine;
import lib.http.CozeHttp;

/**
 * Files and links sent with a message (`-a`): files are checked before anything is sent and uploaded
 * first; links go as `file_url`. The message then becomes `object_string`: a JSON string of items,
 * at most one of them text, as Coze's multimodal bots take it.
 */
public final class Attachments {
    static final long MAX_BYTES = 512L * 1024 * 1024;
    /** Big enough to be worth a line while it goes up (and, at a terminal, its progress). */
    static final long ANNOUNCE_BYTES = ProgressLine.MIN_BYTES;

    record Item(Path file, String url, String type) {}

    private final List<Item> items;

    private Attachments(List<Item> items) {
        this.items = items;
    }

    /** FILE or URL each; a file that is missing, unreadable or over 512 MB is a usage error now, before anything is sent. */
    public static Attachments of(List<String> given) {
        List<Item> items = new ArrayList<>();
        for (String g : given) {
            if (g.startsWith("https://") || g.startsWith("http://")) {
                items.add(new Item(null, g, type(g)));
                continue;
            }
            Path p = Path.of(g);
            long size;
            try {
                if (!Files.isRegularFile(p) || !Files.isReadable(p)) throw new IOException("no such readable file");
                size = Files.size(p);
            } catch (IOException e) {
                throw new CozeException(CozeException.USAGE, "cannot attach " + g + ": " + e.getMessage(), "check the path");
            }
            if (size > MAX_BYTES) throw new CozeException(CozeException.USAGE, "cannot attach " + g + ": it is over 512 MB, Coze's limit");
            items.add(new Item(p, null, type(g)));
        }
        return new Attachments(items);
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    /** image, audio or file, from how the name ends. */
    static String type(String name) {
        String n = name.toLowerCase(Locale.ROOT).replaceAll("[?#].*$", "");
        if (n.matches(".*\\.(png|jpe?g|gif|webp|bmp|tiff?|heic)$")) return "image";
        if (n.matches(".*\\.(mp3|wav|m4a|ogg|flac|aac|opus)$")) return "audio";
        return "file";
    }

    /**
     * Uploads the files (saying so on `say` for big ones) and returns the message's content: a JSON
     * string of `{type:"text",text}` (when there is text) and one item per attachment.
     */
    public String content(String text, CozeHttp http, Duration stall, Consumer<String> say) throws IOException {
        JsonArray array = new JsonArray();
        if (text != null && !text.isBlank()) {
            JsonObject t = new JsonObject();
            t.addProperty("type", "text");
            t.addProperty("text", text);
            array.add(t);
        }
        for (Item item : items) {
            JsonObject o = new JsonObject();
            o.addProperty("type", item.type());
            if (item.url() != null) o.addProperty("file_url", item.url());
            else {
                long size = Files.size(item.file());
                if (size >= ANNOUNCE_BYTES) say.accept("uploading " + item.file().getFileName() + " (" + size / (1024 * 1024) + " MB)…");
                ProgressLine line = ProgressLine.of("uploading " + item.file().getFileName(), size, ProgressLine.onStderr());
                try {
                    o.addProperty("file_id", Json.str(http.upload(item.file(), stall, line == null ? null : line::sent), "id"));
                } finally {
                    if (line != null) line.close();
                }
            }
            array.add(o);
        }
        return array.toString();
    }
}
