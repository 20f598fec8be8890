package lib.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import lib.chat.ChatStream;
import lib.core.CozeException;
import lib.core.Json;

/**
 * The answer of one completion as OpenAI shapes it: streamed as chat.completion.chunk events (the
 * headers go out once Coze has started the chat, so a refusal before that keeps its own status), or
 * gathered into one chat.completion. A write the client no longer reads throws, and the chat stops.
 */
final class Reply implements ChatStream.Events {
    /** Without a chunk for this long, a stream gets an SSE comment: the only way to notice a client that left while the bot thinks. */
    static final long PING_NANOS = 1_000_000_000L;

    private final HttpExchange ex;
    private final Completion completion;
    private final long created = System.currentTimeMillis() / 1000;
    private final StringBuilder answer = new StringBuilder(), reasoning = new StringBuilder();
    private String id = "chatcmpl-coze";
    private volatile OutputStream body;
    private volatile long lastWrite;
    private boolean gone;

    Reply(HttpExchange ex, Completion completion) {
        this.ex = ex;
        this.completion = completion;
    }

    @Override
    public void started(String conversationId, String chatId) {
        id = "chatcmpl-" + chatId;
        if (!completion.stream()) return;
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        try {
            ex.sendResponseHeaders(200, 0);
        } catch (IOException e) {
            throw goneNow();
        }
        body = ex.getResponseBody();
        JsonObject delta = new JsonObject();
        delta.addProperty("role", "assistant");
        delta.addProperty("content", "");
        chunk(delta, null);
    }

    @Override
    public void answer(String text) {
        if (body == null) answer.append(text);
        else chunk(delta("content", text), null);
    }

    @Override
    public void reasoning(String text) {
        if (body == null) reasoning.append(text);
        else chunk(delta("reasoning_content", text), null);
    }

    boolean streaming() {
        return body != null;
    }

    /** The end of a finished turn: the last chunk, the usage if asked for, [DONE]; or the whole chat.completion. */
    void finish(ChatStream.Result result) throws IOException {
        JsonObject usage = usage(result.usage());
        if (body == null) {
            JsonObject message = new JsonObject();
            message.addProperty("role", "assistant");
            message.addProperty("content", answer.toString());
            if (!reasoning.isEmpty()) message.addProperty("reasoning_content", reasoning.toString());
            JsonObject choice = new JsonObject();
            choice.addProperty("index", 0);
            choice.add("message", message);
            choice.add("logprobs", null);
            choice.addProperty("finish_reason", "stop");
            JsonObject o = envelope("chat.completion");
            o.add("choices", one(choice));
            o.add("usage", usage);
            OpenAiServer.json(ex, 200, o);
            return;
        }
        chunk(new JsonObject(), "stop");
        if (completion.includeUsage()) {
            JsonObject last = envelope("chat.completion.chunk");
            last.add("choices", new JsonArray());
            last.add("usage", usage);
            write("data: " + last + "\n\n");
        }
        write("data: [DONE]\n\n");
    }

    /** A failure once the stream has begun: an error event, which OpenAI's SDKs raise as an APIError. */
    void fail(OpenAiError e) {
        write("data: " + e.json() + "\n\n");
    }

    /** From the ping thread: false when this ping found the client gone (once: whoever finds it first stops the chat). */
    synchronized boolean ping() {
        if (gone || body == null || System.nanoTime() - lastWrite < PING_NANOS) return true;
        try {
            write(": ping\n\n");
            return true;
        } catch (CozeException e) {
            return false;
        }
    }

    private void chunk(JsonObject delta, String finishReason) {
        JsonObject choice = new JsonObject();
        choice.addProperty("index", 0);
        choice.add("delta", delta);
        choice.add("logprobs", null);
        if (finishReason == null) choice.add("finish_reason", null);
        else choice.addProperty("finish_reason", finishReason);
        JsonObject o = envelope("chat.completion.chunk");
        o.add("choices", one(choice));
        write("data: " + o + "\n\n");
    }

    private synchronized void write(String text) {
        if (gone) throw goneNow();
        try {
            body.write(text.getBytes(StandardCharsets.UTF_8));
            body.flush();
            lastWrite = System.nanoTime();
        } catch (IOException e) {
            gone = true;
            throw goneNow();
        }
    }

    /** ChatStream cancels the chat on Coze when its output says it is closed. */
    private static CozeException goneNow() {
        return new CozeException(CozeException.STDOUT_CLOSED, "the client went away");
    }

    private JsonObject envelope(String object) {
        JsonObject o = new JsonObject();
        o.addProperty("id", id);
        o.addProperty("object", object);
        o.addProperty("created", created);
        o.addProperty("model", completion.model());
        return o;
    }

    private static JsonObject delta(String name, String text) {
        JsonObject d = new JsonObject();
        d.addProperty(name, text);
        return d;
    }

    private static JsonArray one(JsonObject o) {
        JsonArray a = new JsonArray();
        a.add(o);
        return a;
    }

    /** Coze's {input_count, output_count, token_count} as OpenAI's usage. */
    private static JsonObject usage(JsonObject coze) {
        JsonObject u = new JsonObject();
        long in = Json.num(coze, "input_count", 0), out = Json.num(coze, "output_count", 0);
        u.addProperty("prompt_tokens", in);
        u.addProperty("completion_tokens", out);
        u.addProperty("total_tokens", Json.num(coze, "token_count", in + out));
        return u;
    }
}
