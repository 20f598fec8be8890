package lib.mcp;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * The client's messages on their way from stdin to the MCP SDK, which neither tells a tool handler
 * its request's id nor acts on `notifications/cancelled`. So each `tools/call` gets its id in
 * `params._meta` (under {@link #ID_KEY}), and a cancellation runs what the handler of that id
 * registered: the chat or the workflow run is stopped, on Coze too. Every line goes on unchanged
 * otherwise; the end of stdin is the end of the session.
 */
public final class Requests extends InputStream {
    static final String ID_KEY = "io.github.coze-jbang/request-id";

    private final BufferedReader in;
    private final Map<String, Runnable> running = new ConcurrentHashMap<>();
    /** Cancelled before their handler registered (the SDK runs it on another thread). */
    private final Set<String> cancelledEarly = ConcurrentHashMap.newKeySet();
    private final CountDownLatch ended = new CountDownLatch(1);
    private byte[] line = new byte[0];
    private int pos;

    public Requests(InputStream stdin) {
        this.in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
    }

    /** Waits until the client closes stdin. */
    public void awaitEnd() throws InterruptedException {
        ended.await();
    }

    /** Runs `cancel` if the request `id` is cancelled while the handler runs; false when it already was. */
    boolean onCancel(String id, Runnable cancel) {
        if (id == null) return true;
        synchronized (running) {
            running.put(id, cancel);
            return !cancelledEarly.remove(id);
        }
    }

    void finished(String id) {
        if (id != null) running.remove(id);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (pos == line.length && !nextLine()) return -1;
        int n = Math.min(len, line.length - pos);
        System.arraycopy(line, pos, b, off, n);
        pos += n;
        return n;
    }

    private boolean nextLine() throws IOException {
        String text = in.readLine();
        if (text == null) {
            ended.countDown();
            return false;
        }
        line = (seen(text) + "\n").getBytes(StandardCharsets.UTF_8);
        pos = 0;
        return true;
    }

    /** The line as the SDK gets it: a tool call with its id in _meta; a cancellation acted on. */
    private String seen(String text) {
        JsonObject msg;
        try {
            JsonElement e = JsonParser.parseString(text);
            if (!e.isJsonObject()) return text;
            msg = e.getAsJsonObject();
        } catch (JsonParseException notJson) {
            return text; // the SDK answers it with its own parse error
        }
        JsonElement method = msg.get("method");
        if (method == null || !method.isJsonPrimitive()) return text;
        JsonObject params = msg.has("params") && msg.get("params").isJsonObject() ? msg.getAsJsonObject("params") : null;
        if (method.getAsString().equals("tools/call") && msg.has("id") && params != null) {
            JsonObject meta = params.has("_meta") && params.get("_meta").isJsonObject() ? params.getAsJsonObject("_meta") : new JsonObject();
            meta.addProperty(ID_KEY, msg.get("id").toString());
            params.add("_meta", meta);
            return msg.toString();
        }
        if (method.getAsString().equals("notifications/cancelled") && params != null && params.has("requestId")) {
            String id = params.get("requestId").toString();
            Runnable cancel;
            synchronized (running) {
                cancel = running.get(id);
                if (cancel == null) cancelledEarly.add(id);
            }
            // Cancelling asks Coze over the network: the client's next lines are not kept waiting for it.
            if (cancel != null) new Thread(cancel, "coze-mcp-cancel").start();
        }
        return text;
    }
}
