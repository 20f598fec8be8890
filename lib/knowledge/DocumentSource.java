package lib.knowledge;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.function.LongConsumer;
import lib.core.CozeException;

/**
 * One document to add: a local file, sent as `source_info.file_base64` with its extension as
 * `file_type`, or a web page (`web_url`, `document_source:1`). A file is encoded while it is sent,
 * never held in memory whole.
 */
public record DocumentSource(String name, Path file, String url) {
    /** Marks where the file's Base64 goes in the body; only the last occurrence is it (a name could hold this text too). */
    private static final String HOLE = "@@file_base64@@";

    /** An http(s) address is a web page; anything else a file that must be readable now. */
    public static DocumentSource of(String arg) {
        String lower = arg.toLowerCase(Locale.ROOT);
        if (lower.startsWith("https://") || lower.startsWith("http://")) return new DocumentSource(arg, null, arg);
        Path p;
        try {
            p = Path.of(arg);
        } catch (InvalidPathException e) {
            throw new CozeException(CozeException.USAGE, "not a file name: " + arg);
        }
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) throw new CozeException(CozeException.USAGE, "cannot read " + arg, "give a file or an http(s):// address");
        return new DocumentSource(p.getFileName().toString(), p, null);
    }

    /** The file's size in bytes; 0 for a web page or a file whose size cannot be told (then no progress is shown). */
    long size() {
        if (file == null) return 0;
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /** The file's extension, which Coze takes as its type (txt, md, pdf, docx, …). */
    String fileType() {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "txt" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** The body of `/open_api/knowledge/document/create` for this one document; `read` hears the file's bytes read so far, or is null. */
    HttpRequest.BodyPublisher body(String datasetId, LongConsumer read) {
        JsonObject info = new JsonObject();
        if (file == null) {
            info.addProperty("web_url", url);
            info.addProperty("document_source", 1);
        } else {
            info.addProperty("file_type", fileType());
            info.addProperty("file_base64", HOLE);
        }
        JsonObject doc = new JsonObject();
        doc.addProperty("name", name);
        doc.add("source_info", info);
        if (file == null) {
            JsonObject rule = new JsonObject();
            rule.addProperty("update_type", 0);
            rule.addProperty("update_interval", 24);
            doc.add("update_rule", rule);
        }
        JsonArray docs = new JsonArray();
        docs.add(doc);
        JsonObject b = new JsonObject();
        b.addProperty("dataset_id", datasetId);
        b.add("document_bases", docs);
        String text = b.toString();
        if (file == null) return HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8);
        int hole = text.lastIndexOf(HOLE);
        return HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(text.substring(0, hole), StandardCharsets.UTF_8),
                HttpRequest.BodyPublishers.ofInputStream(() -> base64(file, read)),
                HttpRequest.BodyPublishers.ofString(text.substring(hole + HOLE.length()), StandardCharsets.UTF_8));
    }

    /** The file's bytes as Base64 text, encoded a block at a time while it is read (`read` told how far, unless null). */
    static InputStream base64(Path file, LongConsumer read) {
        InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new InputStream() {
            private static final int BLOCK = 3 * 16 * 1024; // a multiple of 3: no padding until the end
            private byte[] chunk = new byte[0];
            private int at;
            private boolean end;
            private long done;

            private boolean fill() throws IOException {
                while (at == chunk.length) {
                    if (end) return false;
                    byte[] raw = in.readNBytes(BLOCK);
                    end = raw.length < BLOCK;
                    done += raw.length;
                    if (read != null) read.accept(done);
                    chunk = Base64.getEncoder().encode(raw);
                    at = 0;
                }
                return true;
            }

            @Override
            public int read() throws IOException {
                return fill() ? chunk[at++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) return 0;
                if (!fill()) return -1;
                int n = Math.min(len, chunk.length - at);
                System.arraycopy(chunk, at, b, off, n);
                at += n;
                return n;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }
}
