package lib.chat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import lib.core.CozeApiException;
import lib.core.CozeCli;
import lib.core.CozeException;
import lib.core.Json;
import lib.core.Urls;
import lib.http.CozeHttp;
import lib.http.EventStream;

/**
 * One turn of `/v3/chat`: streamed over an EventStream (retried only before it starts, watched for
 * stalls) with Coze's chat events handed on as they arrive, or polled with stream=false. It can be
 * cancelled from another thread (Ctrl-C), which also cancels the chat on the server.
 */
public final class ChatStream {
    /** What the caller shows; every method is called on the reading thread, in stream order. */
    public interface Events {
        void answer(String text);

        default void reasoning(String text) {}

        /** A finished message of any type (answer, verbose, follow_up, …). */
        default void message(JsonObject message) {}

        default void started(String conversationId, String chatId) {}
    }

    /** How a turn ended. */
    public static final class Result {
        public String conversationId, chatId, status;
        JsonObject usage;
        public final List<String> followUps = new ArrayList<>();
        /** Coze suggests three; a server that sends endless ones does not fill the heap. */
        public static final int MAX_FOLLOW_UPS = 100;
        /** With status requires_action: what the bot waits for (a reply to a question node, or local plugins). */
        public final List<ToolCall> toolCalls = new ArrayList<>();
        public boolean cancelled;
        /** Coze confirmed the cancel; false when it had nothing left to cancel or could not be told. */
        public volatile boolean cancelledOnCoze;

        /** Keeps a suggested follow-up, the first MAX_FOLLOW_UPS of a turn only. */
        public void followUp(String text) {
            if (followUps.size() < MAX_FOLLOW_UPS) followUps.add(text);
        }

        public boolean waiting() {
            return "requires_action".equals(status);
        }

        /** Coze's token counts (token_count, input_count, output_count), or null when it sent none. */
        public JsonObject usage() {
            return usage;
        }
    }

    /** Coze's answer to a cancel of a chat that is no longer running. */
    private static final int CANNOT_CANCEL = 4104;
    private final CozeHttp http;
    private final Consumer<String> notice;
    private final EventStream stream;
    private Thread reader;
    private volatile boolean cancelled;
    /** Released once a cancel() has asked Coze to cancel (or found nothing to cancel yet). */
    private final CountDownLatch cancelFinished = new CountDownLatch(1);
    private final Result result = new Result();

    public ChatStream(CozeHttp http, Consumer<String> notice) {
        this.http = http;
        this.notice = notice;
        this.stream = new EventStream(http, notice);
    }

    /** Runs the turn. Throws CozeException for every failure path. */
    public Result run(ChatRequest req, Events events) {
        return attached(() -> stream(req, events));
    }

    /** The same turn with stream=false: create, poll retrieve at most once a second, then list the messages. */
    public Result runPolling(ChatRequest req, Events events) {
        return attached(() -> poll(req, events));
    }

    private Result attached(java.util.function.Supplier<Result> turn) {
        attachReader();
        try {
            return cancelled ? finishCancelled() : turn.get();
        } finally {
            detachReader();
        }
    }

    /**
     * After the bot's local plugins ran: their outputs go to Coze, and the same turn streams on with
     * the same events (`/v3/chat/submit_tool_outputs`). outputs: `[{tool_call_id, output}]`.
     */
    public Result submit(ChatRequest req, String chatId, JsonArray outputs, Events events) {
        return attached(() -> {
            result.conversationId = req.conversationId();
            result.chatId = chatId;
            JsonObject body = new JsonObject();
            body.add("tool_outputs", outputs);
            body.addProperty("stream", true);
            return streamed("/v3/chat/submit_tool_outputs?conversation_id=" + Urls.encode(req.conversationId()) + "&chat_id="
                    + Urls.encode(chatId), body, events, req);
        });
    }

    private Result stream(ChatRequest req, Events events) {
        result.conversationId = req.conversationId();
        return streamed(req.path(), req.body(true), events, req);
    }

    private Result streamed(String path, JsonObject body, Events events, ChatRequest req) {
        stream.open(path, body);
        if (cancelled) return finishCancelled();
        ChatEvents handler = new ChatEvents(result, events, req.onConversation(), () -> {
            if (cancelled) cancel(); // a Ctrl-C before Coze named the chat cancels it now
        });
        boolean read;
        try {
            read = stream.read(handler, req.idleTimeout(), req.stallTimeout());
        } catch (CozeException e) {
            // Nobody reads the answer any more (`| head`): the bot should not go on writing it either.
            if (e.exitCode == CozeException.STDOUT_CLOSED) cancel();
            throw e;
        }
        if (!read || cancelled) return finishCancelled();
        if (handler.failure != null) throw handler.failure;
        if (result.status == null) throw new CozeException(CozeException.FAILED, "stream ended early, before Coze said the chat was complete");
        return result;
    }

    private Result poll(ChatRequest req, Events events) {
        try {
            JsonObject chat = http.api("POST", req.path(), req.body(false)).getAsJsonObject();
            result.chatId = Json.str(chat, "id");
            result.conversationId = Json.str(chat, "conversation_id");
            events.started(result.conversationId, result.chatId);
            req.onConversation().accept(result.conversationId);
            String ids = "?conversation_id=" + Urls.encode(result.conversationId) + "&chat_id=" + Urls.encode(result.chatId);
            String status = Json.str(chat, "status");
            // --idle-timeout as the streamed turn has it: a chat whose state (status, usage, anything) stays the same that long is stuck.
            long idle = req.idleTimeout().toNanos(), changed = System.nanoTime();
            while ("created".equals(status) || "in_progress".equals(status)) {
                if (cancelled) return finishCancelled();
                long left = idle - (System.nanoTime() - changed);
                if (left <= 0) throw new CozeException(CozeException.NETWORK, "the chat stayed " + status + " on Coze for "
                        + CozeCli.human(req.idleTimeout().toSeconds()), "try again, or raise --idle-timeout");
                Thread.sleep(Math.max(1, Math.min(1000, left / 1_000_000)));
                JsonObject next = retrieve(ids);
                if (!next.equals(chat)) changed = System.nanoTime();
                chat = next;
                status = Json.str(chat, "status");
            }
            if ("failed".equals(status)) {
                JsonObject err = Json.obj(chat, "last_error");
                throw new CozeApiException((int) Json.num(err, "code", 0), "the chat failed: " + Json.str(err, "msg"), 200, null);
            }
            if (!"completed".equals(status) && !"requires_action".equals(status)) return finishCancelled();
            result.toolCalls.addAll(ToolCall.of(chat));
            for (JsonElement e : http.api("GET", "/v3/chat/message/list" + ids, null).getAsJsonArray()) {
                JsonObject m = e.getAsJsonObject();
                String type = Json.str(m, "type");
                if ("answer".equals(type) && Json.str(m, "reasoning_content") != null) events.reasoning(Json.str(m, "reasoning_content"));
                if ("answer".equals(type)) events.answer(Json.str(m, "content"));
                if ("follow_up".equals(type)) result.followUp(Json.str(m, "content"));
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

    /** What --no-stream needs and a Coze Studio before v0.5.1 lacks: one line, exit 2. */
    public static CozeException noPolling() {
        return new CozeException(CozeException.USAGE, "this Coze Studio has no non-streaming chat (added in Coze Studio v0.5.1)",
                "upgrade it, or drop --no-stream");
    }

    private JsonObject retrieve(String ids) {
        try {
            return http.api("GET", "/v3/chat/retrieve" + ids, null).getAsJsonObject();
        } catch (CozeHttp.NoSuchRoute e) {
            throw noPolling();
        }
    }

    /** From another thread (Ctrl-C): stop reading now and ask Coze to cancel the chat. */
    public void cancel() {
        cancelled = true;
        String conversation = result.conversationId, chat = result.chatId;
        closeBody();
        try {
            if (conversation != null && chat != null) {
                JsonObject b = new JsonObject();
                b.addProperty("conversation_id", conversation);
                b.addProperty("chat_id", chat);
                try {
                    http.api("POST", "/v3/chat/cancel", b);
                    result.cancelledOnCoze = true;
                } catch (CozeApiException e) {
                    // 4104: the chat is over on Coze (completed, failed, or waiting for the user): nothing to cancel, nothing to say.
                    if (e.code != CANNOT_CANCEL && notice != null) notice.accept("could not cancel the chat on Coze: " + e.getMessage());
                } catch (CozeHttp.NoSuchRoute e) {
                    if (notice != null) notice.accept("this Coze Studio cannot cancel a chat (that came in v0.3.0): the bot may still finish its answer there");
                } catch (CozeException e) {
                    if (notice != null) notice.accept("could not cancel the chat on Coze: " + e.getMessage());
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

    /** Closes the stream and wakes the reader (waiting between polls), unless the turn is already over. */
    private synchronized void closeBody() {
        stream.close();
        if (reader != null && reader != Thread.currentThread()) reader.interrupt();
    }

    /** After this no cancel or watchdog can interrupt the caller's thread, and a pending interrupt is cleared. */
    private synchronized void detachReader() {
        reader = null;
        Thread.interrupted();
    }
}
