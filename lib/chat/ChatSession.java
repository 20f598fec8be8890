package lib.chat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import lib.core.CozeApiException;
import lib.core.CozeException;
import lib.core.Params;
import lib.discover.BotNames;
import lib.discover.Directory;
import lib.http.CozeHttp;

/**
 * A chat as a person has it: a bot (or a chatflow), the conversation so far, what goes with the
 * next message, and turns, each run to its end with the local plugins the bot calls. coze-chat
 * makes one per command; a one-shot message and the REPL drive it the same way.
 */
public final class ChatSession {
    /**
     * What every turn shares: who asks, the bot's variables and parameters, polled or streamed, how
     * long to wait, and how many local plugin calls one turn may make (a bot that asks again after
     * every answer would otherwise run a command for ever).
     */
    public record Settings(String userId, JsonObject fields, boolean polled, Duration idleTimeout, Duration stallTimeout,
                           int maxToolCalls) {}

    private final CozeHttp http;
    private final String apiBase;
    private final ConversationMemory memory;
    private final Settings settings;
    private final LocalTools tools;
    private final Consumer<String> say, warn;
    private final Consumer<String> debug;
    /** chat.json could not be written: said once, not at every turn or name. */
    private final AtomicBoolean toldUnsaved = new AtomicBoolean();
    private String bot, workflow, conversation;
    /** The conversation is the remembered one (-c), not one the user named: if Coze has lost it, a new one starts. */
    private boolean remembered;
    private List<String> attach = List.of();
    private Attachments attachments = Attachments.of(List.of());
    private volatile ChatStream current;
    /** A Ctrl-C (or a client's cancellation) during this turn, also between its streams and commands. */
    private volatile boolean cancelled, inTurn;

    /** say: a note for the user ("coze-chat: …" on stderr, or nothing with -q); warn: a warning, even with -q; debug: null for none. */
    public ChatSession(CozeHttp http, String apiBase, ConversationMemory memory, Settings settings, LocalTools tools,
                       Consumer<String> say, Consumer<String> warn, Consumer<String> debug) {
        this.http = http;
        this.apiBase = apiBase;
        this.memory = memory;
        this.settings = settings;
        this.tools = tools;
        this.say = say;
        this.warn = warn;
        this.debug = debug;
    }

    /** --var as custom_variables (text for the prompt's {{KEY}}), --param as parameters (JSON where it is JSON). */
    public static JsonObject fields(List<String> vars, List<String> params) {
        JsonObject f = new JsonObject();
        if (!vars.isEmpty()) {
            JsonObject v = new JsonObject();
            for (var kv : Params.parse(vars, "--var").entrySet())
                v.addProperty(kv.getKey(), kv.getValue().isJsonPrimitive() ? kv.getValue().getAsString() : kv.getValue().toString());
            f.add("custom_variables", v);
        }
        if (!params.isEmpty()) f.add("parameters", Params.parse(params));
        return f;
    }

    /** The bot (by id or name; with neither it nor a chatflow, the bot used last), then the chatflow if one is given. */
    public void choose(String bot, String chatflow) {
        String given = bot == null && chatflow == null ? memory.defaultBot() : bot;
        if (given == null && chatflow == null) throw new CozeException(CozeException.USAGE, "no bot given", "use --bot ID or NAME, or set COZE_BOT_ID");
        if (given != null) useBot(given);
        if (chatflow != null) useWorkflow(chatflow);
    }

    /** The bot by id, or by name (looked up once, then remembered); a new conversation. */
    public String useBot(String idOrName) {
        bot = BotNames.resolve(idOrName, apiBase, settings.userId(), memory, this::directory, this::unsaved, debug);
        workflow = null;
        newConversation();
        return bot;
    }

    /** A chatflow, on behalf of the bot given before (if any). */
    public void useWorkflow(String id) {
        workflow = id;
    }

    public void useConversation(String id) {
        conversation = id;
        remembered = false;
    }

    /** Continues the last conversation with this bot or chatflow; false when there is none yet. */
    public boolean continueLast() {
        conversation = memory.lastConversation(apiBase, settings.userId(), target());
        remembered = conversation != null;
        return remembered;
    }

    public void newConversation() {
        conversation = null;
        remembered = false;
    }

    /** Files and links for the next message, checked now, uploaded when it is sent. */
    public void attach(List<String> filesOrUrls) {
        List<String> more = new ArrayList<>(attach);
        more.addAll(filesOrUrls);
        attachments = Attachments.of(more);
        attach = more;
    }

    public String bot() {
        return bot;
    }

    public String conversation() {
        return conversation;
    }

    /** Workspaces, bots, conversations and history, as this login. */
    public Directory directory() {
        return new Directory(http);
    }

    /** Starts the conversation's context again on Coze (its history stays). */
    public void clear() {
        if (conversation != null) directory().clear(conversation);
    }

    /**
     * One turn, to its end: the answer streams into `out`; when the bot waits for local plugins, the
     * --tool commands answer them, `typed` (or null) the others (null: none, and the turn ends
     * waiting), and the turn goes on.
     */
    public ChatStream.Result turn(String message, ChatOutput out, TurnNotes notes, Function<ToolCall, String> typed) {
        String contentType = attachments.isEmpty() ? "text" : "object_string";
        return turn(content(message), contentType, out, notes, typed);
    }

    /** The turn of a message as Coze takes it (attachments uploaded once, also when the turn starts again in a new conversation). */
    private ChatStream.Result turn(String content, String contentType, ChatOutput out, TurnNotes notes, Function<ToolCall, String> typed) {
        // Saved for -c as soon as Coze names it, on another thread: kept even if the answer then
        // fails, and the exit does not wait for the file.
        Thread[] saving = new Thread[1];
        ChatRequest req = new ChatRequest(bot, workflow, settings.userId(), conversation, content, contentType,
                settings.fields(), settings.idleTimeout(), settings.stallTimeout(), id -> {
            saving[0] = new Thread(() -> remember(id, notes), "coze-chat-remember");
            saving[0].start();
        });
        ChatStream.Result result;
        cancelled = false;
        tools.reset();
        inTurn = true;
        try {
            out.begin();
            ChatStream stream = stream();
            result = settings.polled() ? stream.runPolling(req, out) : stream.run(req, out);
            current = null;
            int calls = 0;
            for (JsonArray outputs; result.waiting(); result = submit(req, result, outputs, out)) {
                calls += result.toolCalls.size();
                if (calls > settings.maxToolCalls())
                    throw new CozeException(CozeException.FAILED, "the bot asked for more than " + settings.maxToolCalls()
                            + " local plugin calls in one answer", "raise --max-tool-calls if it should make more");
                if ((outputs = outputs(result, out, typed)) == null) break;
                if (cancelled) throw new CozeException(CozeException.INTERRUPTED, "cancelled");
            }
        } catch (CozeException e) {
            if (remembered && e instanceof CozeApiException api && api.missingConversation()) {
                say.accept("the last conversation (" + conversation + ") is gone on Coze; starting a new one");
                newConversation();
                out.aside();
                return turn(content, contentType, out, notes, typed);
            }
            out.failed(e);
            throw e;
        } finally {
            current = null;
            inTurn = false;
            awaitQuietly(saving[0]);
        }
        out.finished(result);
        remembered = false;
        conversation = result.conversationId;
        notes.ended(result);
        return result;
    }

    /**
     * From another thread (Ctrl-C): cancels the answer that is streaming (on Coze too), or stops the
     * --tool command that runs (a chat waiting for its output cannot be cancelled on Coze); false when neither is.
     */
    public boolean cancel() {
        cancelled = true;
        ChatStream s = current;
        if (s != null) s.cancel();
        return tools.cancel() || s != null || inTurn;
    }

    private ChatStream stream() {
        ChatStream s = new ChatStream(http, say);
        current = s;
        return s;
    }

    /** The message as Coze takes it: the text, or with attachments (uploaded now, and sent once) an object_string. */
    private String content(String message) {
        if (attachments.isEmpty()) return message;
        try {
            String content = attachments.content(message, http, settings.idleTimeout(), say);
            attach = List.of();
            attachments = Attachments.of(attach);
            return content;
        } catch (IOException e) {
            throw new CozeException(CozeException.USAGE, "cannot read an attachment: " + e.getMessage());
        }
    }

    /**
     * The outputs of the local plugins the bot waits for, or null when one stays unanswered (or it
     * waits for a reply). Decided before any command runs: typed outputs first, so that no command's
     * side effect is wasted on a call the user then leaves unanswered.
     */
    private JsonArray outputs(ChatStream.Result waiting, ChatOutput out, Function<ToolCall, String> typed) {
        if (waiting.toolCalls.isEmpty() || waiting.toolCalls.stream().anyMatch(ToolCall::isReply)) return null;
        java.util.Map<String, String> answered = new java.util.LinkedHashMap<>();
        for (ToolCall call : waiting.toolCalls) {
            if (tools.handles(call)) continue;
            if (typed == null) return null;
            out.aside();
            String output = typed.apply(call);
            if (output == null) return null;
            answered.put(call.id(), output);
        }
        JsonArray outputs = new JsonArray();
        for (ToolCall call : waiting.toolCalls) {
            String output = answered.get(call.id());
            if (output == null) {
                say.accept("tool " + call.name() + " " + call.arguments());
                LocalTools.Ran ran = tools.run(call);
                if (ran.failed()) warn.accept(ran.text());
                output = ran.forCoze();
            }
            JsonObject o = new JsonObject();
            o.addProperty("tool_call_id", call.id());
            o.addProperty("output", output);
            outputs.add(o);
        }
        return outputs;
    }

    /** Hands the outputs to Coze and streams the rest of the turn. */
    private ChatStream.Result submit(ChatRequest req, ChatStream.Result waiting, JsonArray outputs, ChatOutput out) {
        ChatRequest turn = new ChatRequest(req.botId(), req.workflowId(), req.userId(), waiting.conversationId,
                req.text(), req.contentType(), req.fields(), req.idleTimeout(), req.stallTimeout(), id -> { });
        ChatStream.Result next = stream().submit(turn, waiting.chatId, outputs, out);
        current = null;
        return next;
    }

    /** What -c remembers a conversation under: the bot, or the chatflow. */
    private String target() {
        return workflow != null ? "workflow:" + workflow : bot;
    }

    private void remember(String conversationId, TurnNotes notes) {
        try {
            memory.remember(apiBase, settings.userId(), target(), conversationId, workflow == null ? bot : null);
        } catch (CozeException e) {
            notes.unsaved();
            unsaved(e.getMessage() + " (-c will not find this conversation)");
        }
    }

    private void unsaved(String why) {
        if (!toldUnsaved.getAndSet(true)) warn.accept(why);
    }

    private static void awaitQuietly(Thread t) {
        boolean interrupted = false;
        while (t != null && t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
