import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One turn of `/v3/chat` with stream=true: opens the stream (retrying only before it starts), parses
 * Coze's events as they arrive and hands answer text on at once, watches for a stalled body, and can
 * be cancelled from another thread (Ctrl-C), which also cancels the chat on the server.
 */
final class ChatStream {
    /** What the caller shows; every method is called on the reading thread, in stream order. */
    interface Events {
        void answer(String text);

        default void reasoning(String text) {}

        /** A finished message of any type (answer, verbose, follow_up, …). */
        default void message(JsonObject message) {}

        default void started(String conversationId, String chatId) {}
    }

    /** How a turn ended. */
    static final class Result {
        String conversationId, chatId, status;
        JsonObject usage;
        final List<String> followUps = new ArrayList<>();
        boolean cancelled;
    }

    /** One turn's question; onConversation is told the conversation id once Coze names it (reading thread, before any answer). */
    record Request(String botId, String userId, String conversationId, String text, Duration idleTimeout,
                   Duration stallTimeout, Consumer<String> onConversation) {
        JsonObject body(boolean stream) {
            JsonObject b = new JsonObject();
            b.addProperty("bot_id", botId);
            b.addProperty("user_id", userId);
            b.addProperty("stream", stream);
            b.addProperty("auto_save_history", true);
            JsonObject m = new JsonObject();
            m.addProperty("role", "user");
            m.addProperty("type", "question");
            m.addProperty("content", text);
            m.addProperty("content_type", "text");
            JsonArray msgs = new JsonArray();
            msgs.add(m);
            b.add("additional_messages", msgs);
            return b;
        }

        String path() {
            return "/v3/chat" + (conversationId == null ? "" : "?conversation_id=" + Urls.encode(conversationId));
        }
    }

    private final CozeHttp http;
    private final Consumer<String> notice;
    private volatile InputStream body;
    private Thread reader;
    private volatile boolean cancelled;
    /** Released once a cancel() has asked Coze to cancel (or found nothing to cancel yet). */
    private final CountDownLatch cancelFinished = new CountDownLatch(1);
    private volatile String stalled;
    private volatile String token;
    private volatile int eventCount;
    private final Result result = new Result();

    ChatStream(CozeHttp http, Consumer<String> notice) {
        this.http = http;
        this.notice = notice;
    }

    /**
     * Runs the turn. `tokens` gives the bearer token; `onRejected` is asked once for a new one when
     * Coze rejects it before the stream starts. Throws CozeException for every failure path.
     */
    Result run(Request req, String bearer, java.util.function.UnaryOperator<String> onRejected, Events events) {
        return attached(() -> stream(req, bearer, onRejected, events));
    }

    /** The same turn with stream=false: create, poll retrieve at most once a second, then list the messages. */
    Result runPolling(Request req, String bearer, java.util.function.UnaryOperator<String> onRejected, Events events) {
        return attached(() -> poll(req, bearer, onRejected, events));
    }

    private Result attached(java.util.function.Supplier<Result> turn) {
        attachReader();
        try {
            return cancelled ? finishCancelled() : turn.get();
        } finally {
            detachReader();
        }
    }

    private Result stream(Request req, String bearer, java.util.function.UnaryOperator<String> onRejected, Events events) {
        token = bearer;
        result.conversationId = req.conversationId();
        CozeHttp.Retry retry = new CozeHttp.Retry(3, Duration.ofSeconds(30), notice);
        HttpResponse<InputStream> response;
        try {
            response = http.openStream(req.path(), req.body(true), token, retry);
        } catch (CozeApiException e) {
            if (!e.isAuthError() || onRejected == null) throw e;
            token = onRejected.apply(token);
            response = http.openStream(req.path(), req.body(true), token, retry);
        }
        body = response.body();
        if (cancelled) return finishCancelled();
        Handler handler = new Handler(events, req.onConversation());
        SseParser parser = new SseParser(handler);
        handler.parser = parser;
        Watchdog watchdog = new Watchdog(req.idleTimeout(), req.stallTimeout());
        watchdog.start();
        try (InputStream in = body) {
            byte[] buf = new byte[16 * 1024];
            int n;
            while (!parser.stopped() && (n = in.read(buf)) > 0) {
                watchdog.bytes();
                parser.feed(buf, 0, n);
            }
            parser.end();
        } catch (IOException e) {
            if (cancelled) return finishCancelled();
            if (stalled != null)
                throw new CozeException(CozeException.NETWORK, stalled, "try again, or raise --idle-timeout / --stall-timeout");
            throw new CozeException(CozeException.NETWORK, "connection lost while the answer was streaming: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), null, e);
        } catch (SseParser.SseException e) {
            throw new CozeException(CozeException.FAILED, "Coze sent an unreadable stream: " + e.getMessage());
        } finally {
            watchdog.stopWatching();
        }
        if (cancelled) return finishCancelled();
        if (handler.failure != null) throw handler.failure;
        if (result.status == null) throw new CozeException(CozeException.FAILED, "stream ended early, before Coze said the chat was complete");
        return result;
    }

    private Result poll(Request req, String bearer, java.util.function.UnaryOperator<String> onRejected, Events events) {
        token = bearer;
        try {
            JsonElement created;
            try {
                created = http.api("POST", req.path(), req.body(false), token);
            } catch (CozeApiException e) {
                if (!e.isAuthError() || onRejected == null) throw e;
                token = onRejected.apply(token);
                created = http.api("POST", req.path(), req.body(false), token);
            }
            JsonObject chat = created.getAsJsonObject();
            result.chatId = Json.str(chat, "id");
            result.conversationId = Json.str(chat, "conversation_id");
            events.started(result.conversationId, result.chatId);
            req.onConversation().accept(result.conversationId);
            String ids = "?conversation_id=" + Urls.encode(result.conversationId) + "&chat_id=" + Urls.encode(result.chatId);
            String status = Json.str(chat, "status");
            while ("created".equals(status) || "in_progress".equals(status)) {
                if (cancelled) return finishCancelled();
                Thread.sleep(1000);
                chat = http.api("GET", "/v3/chat/retrieve" + ids, null, token).getAsJsonObject();
                status = Json.str(chat, "status");
            }
            if ("failed".equals(status)) {
                JsonObject err = Json.obj(chat, "last_error");
                throw new CozeApiException((int) Json.num(err, "code", 0), "the chat failed: " + Json.str(err, "msg"), 200, null);
            }
            if ("requires_action".equals(status))
                throw new CozeException(CozeException.FAILED, "the bot asked to run a local plugin (requires_action), which coze-chat does not support yet");
            if (!"completed".equals(status)) return finishCancelled();
            for (JsonElement e : http.api("GET", "/v3/chat/message/list" + ids, null, token).getAsJsonArray()) {
                JsonObject m = e.getAsJsonObject();
                String type = Json.str(m, "type");
                if ("answer".equals(type)) events.answer(Json.str(m, "content"));
                if ("follow_up".equals(type)) result.followUps.add(Json.str(m, "content"));
                events.message(m);
            }
            result.status = status;
            result.usage = Json.obj(chat, "usage");
            return result;
        } catch (InterruptedException e) {
            return finishCancelled();
        } catch (CozeException e) {
            if (cancelled) return finishCancelled();
            throw e;
        }
    }

    /** From another thread (Ctrl-C): stop reading now and ask Coze to cancel the chat. */
    void cancel() {
        cancelled = true;
        String conversation = result.conversationId, chat = result.chatId;
        closeBody();
        try {
            if (conversation != null && chat != null) {
                JsonObject b = new JsonObject();
                b.addProperty("conversation_id", conversation);
                b.addProperty("chat_id", chat);
                try {
                    http.api("POST", "/v3/chat/cancel", b, token);
                } catch (CozeException e) {
                    if (notice != null) notice.accept("could not cancel the chat on the server: " + e.getMessage());
                }
            }
        } finally {
            cancelFinished.countDown();
        }
    }

    /** On the turn's own thread: lets the cancel request finish (up to 10 s), so that exiting does not cut it off. */
    private Result finishCancelled() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (cancelled && cancelFinished.getCount() > 0 && deadline - System.nanoTime() > 0) {
            try {
                cancelFinished.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException fromCancel) {
                // cancel() closes the stream and then interrupts this thread, which may already be waiting here.
            }
        }
        result.cancelled = true;
        result.status = "canceled";
        return result;
    }

    private synchronized void attachReader() {
        reader = Thread.currentThread();
    }

    /** Closes the stream and wakes the reader, unless the turn is already over. */
    private synchronized void closeBody() {
        InputStream b = body;
        if (b != null) CozeHttp.closeQuietly(b);
        if (reader != null && reader != Thread.currentThread()) reader.interrupt();
    }

    /** After this no cancel or watchdog can interrupt the caller's thread, and a pending interrupt is cleared. */
    private synchronized void detachReader() {
        reader = null;
        Thread.interrupted();
    }

    /** Coze's events (https://www.coze.cn/open/docs/developer_guides/chat_v3); unknown ones are ignored. */
    private final class Handler implements SseParser.Listener {
        final Events events;
        final Consumer<String> onConversation;
        SseParser parser;
        CozeException failure;

        Handler(Events events, Consumer<String> onConversation) {
            this.events = events;
            this.onConversation = onConversation;
        }

        @Override
        public void onEvent(String type, String data, String id) {
            eventCount++;
            switch (type) {
                case "conversation.message.delta": {
                    String[] m = deltaFields(data);
                    if (m == null || !"answer".equals(m[0])) return;
                    if (m[2] != null && !m[2].isEmpty()) events.reasoning(m[2]);
                    if (m[1] != null && !m[1].isEmpty()) events.answer(m[1]);
                    return;
                }
                case "conversation.message.completed": {
                    JsonObject m = object(data);
                    if ("follow_up".equals(Json.str(m, "type"))) result.followUps.add(Json.str(m, "content"));
                    events.message(m);
                    return;
                }
                case "conversation.chat.created":
                case "conversation.chat.in_progress": {
                    JsonObject c = object(data);
                    boolean first = result.chatId == null;
                    result.chatId = Json.str(c, "id");
                    result.conversationId = Json.str(c, "conversation_id");
                    if (first) {
                        events.started(result.conversationId, result.chatId);
                        onConversation.accept(result.conversationId);
                    }
                    if (cancelled) cancel();
                    return;
                }
                case "conversation.chat.completed": {
                    JsonObject c = object(data);
                    result.status = "completed";
                    result.usage = Json.obj(c, "usage");
                    return;
                }
                case "conversation.chat.failed": {
                    JsonObject err = Json.obj(object(data), "last_error");
                    failure = new CozeApiException((int) Json.num(err, "code", 0), "the chat failed: "
                            + (Json.str(err, "msg") == null ? "no reason given" : Json.str(err, "msg")), 200, null);
                    parser.stop();
                    return;
                }
                case "conversation.chat.requires_action":
                    failure = new CozeException(CozeException.FAILED, "the bot asked to run a local plugin (requires_action),"
                            + " which coze-chat does not support yet");
                    parser.stop();
                    return;
                case "error": {
                    JsonObject err = object(data);
                    failure = new CozeApiException((int) Json.num(err, "code", 0), "Coze reported an error: "
                            + (Json.str(err, "msg") == null ? data : Json.str(err, "msg")), 200, null);
                    parser.stop();
                    return;
                }
                case "done":
                    if (result.status == null && failure == null) result.status = "completed";
                    parser.stop();
                    return;
                default:
            }
        }

        /** type, content and reasoning_content of a delta, or null when it is not a JSON object (ignored, as object() does). */
        private String[] deltaFields(String data) {
            try {
                return Json.strings(data, "type", "content", "reasoning_content");
            } catch (JsonParseException e) {
                return null;
            }
        }

        private JsonObject object(String data) {
            try {
                JsonElement e = Json.parseStrict(data);
                return e.isJsonObject() ? e.getAsJsonObject() : new JsonObject();
            } catch (JsonParseException e) {
                return new JsonObject();
            }
        }
    }

    /**
     * Two clocks: no byte at all for idleTimeout, or no event for stallTimeout
     * (keep-alive comments reset only the first). Either one closes the stream.
     */
    private final class Watchdog extends Thread {
        private final long idleNanos, stallNanos;
        private volatile long lastByte = System.nanoTime();
        private volatile boolean done;
        private long lastProgressCheck = System.nanoTime();
        private int progressMark = -1;

        Watchdog(Duration idle, Duration stall) {
            super("coze-chat-watchdog");
            setDaemon(true);
            this.idleNanos = idle.toNanos();
            this.stallNanos = stall.toNanos();
        }

        void bytes() {
            lastByte = System.nanoTime();
        }

        void stopWatching() {
            done = true;
            interrupt();
        }

        @Override
        public void run() {
            while (!done) {
                try {
                    Thread.sleep(Math.max(10, Math.min(1000, Math.min(idleNanos, stallNanos) / 4_000_000)));
                } catch (InterruptedException e) {
                    return;
                }
                long now = System.nanoTime();
                int progress = eventCount;
                if (progress != progressMark) {
                    progressMark = progress;
                    lastProgressCheck = now;
                }
                if (now - lastByte > idleNanos) stalled = "no data from Coze for " + secs(idleNanos) + " s";
                else if (now - lastProgressCheck > stallNanos) stalled = "no answer from Coze for " + secs(stallNanos) + " s";
                if (stalled != null && !done) {
                    closeBody();
                    return;
                }
            }
        }
    }

    private static String secs(long nanos) {
        return String.valueOf(Math.max(1, Math.round(nanos / 1e9)));
    }
}
