///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS com.google.code.gson:gson:2.13.1
// The interactive chat's line editing, history and paste; loaded only when the REPL starts.
//DEPS org.jline:jline:3.30.6
//SOURCES lib/core/Folder.java lib/http/Folder.java lib/auth/Folder.java lib/discover/Folder.java lib/chat/Folder.java lib/repl/Folder.java
// Sources are UTF-8 whatever the locale (javac would read them as ASCII where LANG is unset);
// Ctrl-C handling uses sun.misc.Signal, which javac would warn about.
//COMPILE_OPTIONS -encoding UTF-8 -XDignore.symbol.file
// JBang archives the classes of this script's first run and maps them on later runs (faster start-up).
//CDS
// A short-lived CLI: C1 only, Serial GC and a small heap start faster and keep a long stream at a
// flat ~90 MB. JVM log lines stay off stdout and only errors reach stderr (JBang's //CDS training run
// warns a lot). The opened package lets QuickExit stop JDK 17's HttpClient selector, which otherwise
// delays every exit by ~330 ms (docs/PERFORMANCE.md). MaxRAM=128m sizes the heap to 64 MB the way
// -Xmx64m would, but as a default that an explicit -Xmx (the test runner's) still overrides.
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:MaxRAM=128m -Xlog:disable -Xlog:all=error:stderr
//JAVA_OPTIONS --add-opens=java.net.http/jdk.internal.net.http=ALL-UNNAMED
// JLine reaches the terminal through a native library; JDK 24+ warns about that on stderr unless allowed.
//JAVA_OPTIONS --enable-native-access=ALL-UNNAMED
//DESCRIPTION Chat with a Coze bot: streams the answer to stdout; stdin, pipes, conversations and a REPL.

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import lib.auth.Credentials;
import lib.auth.TokenStore;
import lib.chat.Attachments;
import lib.chat.ChatOutput;
import lib.chat.ChatRehearsal;
import lib.chat.ChatStream;
import lib.chat.ConversationMemory;
import lib.chat.JsonOutput;
import lib.chat.LocalTools;
import lib.chat.TextOutput;
import lib.chat.TurnNotes;
import lib.core.CozeCli;
import lib.core.CozeConfig;
import lib.core.CozeException;
import lib.core.Interrupts;
import lib.core.Os;
import lib.core.Params;
import lib.core.Style;
import lib.core.Terminal;
import lib.discover.BotNames;
import lib.discover.Directory;
import lib.discover.Listing;
import lib.http.CozeHttp;
import lib.repl.Repl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "coze-chat", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
        description = {"Chat with a Coze bot. The answer streams to stdout; everything else goes to stderr.",
                "The message is the arguments, stdin when it is not a terminal, or both (stdin first).",
                "With no message and a terminal, starts an interactive chat."},
        footer = {"", "Examples:", "  coze-chat --bot 7443... \"hello\"", "  git diff | coze-chat --bot \"My Bot\" \"review this\"",
                "  coze-chat -c \"and in French?\"", "  coze-chat --list-bots", "  coze-chat --bot \"My Bot\" --history -c",
                "  coze-chat --workflow 7501... \"hello\"",
                "  while read -r q; do coze-chat -n --bot 7443... \"$q\"; done < questions.txt", "",
                "Exit codes: 0 ok, 1 chat or API failed, 2 usage, 3 rate limited, 4 login needed,",
                "5 network, 6 the bot waits for your reply (-c \"…\") or a local plugin (--tool),",
                "130 interrupted, 141 stdout was closed (| head; the chat is cancelled)."})
public class CozeChat implements Callable<Integer> {
    @Option(names = {"-b", "--bot"}, defaultValue = "${env:COZE_BOT_ID}", paramLabel = "ID|NAME",
            description = "Bot id, or its name (looked up once; default: $$COZE_BOT_ID, else the bot used last).")
    String bot;

    @Option(names = "--workflow", paramLabel = "ID", description = "Chat with this chatflow instead (a workflow with a conversation).")
    String workflow;

    @Option(names = "--list-workspaces", description = "Print your workspaces, one per line: ID, name, type.")
    boolean listWorkspaces;

    @Option(names = "--list-bots", description = "Print the bots you can see, one per line: ID, name, published or draft.")
    boolean listBots;

    @Option(names = "--workspace", paramLabel = "ID", description = "With --list-bots: only this workspace's bots.")
    String workspace;

    @Option(names = "--list-conversations", description = "Print the bot's conversations, newest first: ID, time.")
    boolean listConversations;

    @Option(names = "--history", description = "Print a conversation's messages, oldest first (the last one, or -c / --conversation).")
    boolean history;

    @Option(names = {"-c", "--continue"}, description = "Continue the last conversation with this bot.")
    boolean continueLast;

    @Option(names = "--conversation", paramLabel = "ID", description = "Continue this conversation.")
    String conversation;

    @Option(names = "--json", description = "Print one JSON object per event, then a summary object (for scripts).")
    boolean json;

    @Option(names = "--no-stream", description = "Wait for the whole answer (polls Coze at most once a second).")
    boolean noStream;

    @Option(names = "--reasoning", description = "Show the bot's reasoning on stderr (dim at a terminal), before the answer.")
    boolean reasoning;

    @Option(names = "--raw", description = "At a terminal, print the answer as sent, not as rendered Markdown.")
    boolean raw;

    @Option(names = {"-a", "--attach"}, paramLabel = "FILE|URL",
            description = "Send a file (uploaded first) or a link with the message (repeatable): images, audio and files.")
    List<String> attach = new java.util.ArrayList<>();

    @Option(names = "--var", paramLabel = "KEY=VALUE", description = "A variable for the bot's prompt, {{KEY}} (repeatable).")
    List<String> vars = new java.util.ArrayList<>();

    @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE",
            description = "A chatflow start node's parameter (repeatable); VALUE is JSON when it is JSON, else text.")
    List<String> params = new java.util.ArrayList<>();

    @Option(names = "--user-id", defaultValue = "${env:COZE_USER_ID}", paramLabel = "ID",
            description = "The user whose memory the bot uses (default: $$COZE_USER_ID, else the login's user).")
    String userIdOption;

    @Option(names = "--tool", paramLabel = "NAME=COMMAND",
            description = "Answer the bot's local plugin NAME with COMMAND (repeatable): arguments JSON on its stdin, its stdout is the output.")
    List<String> toolSpecs = new java.util.ArrayList<>();

    @Option(names = {"-n", "--no-stdin"}, description = "Do not read stdin: the message is the arguments (for loops that read a file).")
    boolean noStdin;

    @Parameters(paramLabel = "MESSAGE", description = "The message (words are joined with spaces).")
    List<String> words;

    @Mixin
    CozeCli.Streaming streaming;

    @Mixin
    CozeCli.Common common;

    private Credentials creds;
    private ConversationMemory state;
    private CozeHttp http;
    private String base;
    private String userId;
    private LocalTools tools;
    private Attachments attachments;
    private Repl repl;
    private volatile ChatStream current;
    private volatile boolean replRunning;
    /** How turns are shown, known once: what stdout and stderr are does not change while the command runs. */
    private TextOutput.Look look;

    public static void main(String... args) {
        CozeCli.main(new CozeChat(), args, ChatRehearsal::run);
    }

    @Override
    public Integer call() throws IOException {
        try {
            return chat();
        } catch (CozeException e) {
            // A script that asked for JSON gets its failure as JSON too, whenever it happens.
            if (json && e.exitCode != CozeException.STDOUT_CLOSED) JsonOutput.print(common.out(), e);
            throw e;
        }
    }

    private int chat() throws IOException {
        look = new TextOutput.Look(reasoning && !common.quiet, Terminal.stdout(), raw ? Style.NONE : Style.stdout(),
                common.quiet ? Style.NONE : Style.stderr());
        creds = new Credentials(new TokenStore(CozeConfig.home(), common.warnSink()), System.getenv(), common.debugSink());
        state = new ConversationMemory(CozeConfig.home());
        base = creds.apiBase(streaming.apiBase, common.insecureHttp);
        http = new CozeHttp(base, common.debugSink());
        userId = userIdOption != null && !userIdOption.isBlank() ? userIdOption.strip() : creds.userId();
        tools = LocalTools.parse(toolSpecs, Os.current());
        attachments = Attachments.of(attach);
        if (listWorkspaces) return list(l -> l.workspaces(directory().workspaces()));
        if (listBots) return list(l -> l.bots(workspace == null ? directory().bots() : directory().bots(workspace)));
        String message = listConversations || history ? null : message();
        chooseBot();
        if (conversation == null && (continueLast || history)) {
            conversation = state.lastConversation(base, userId, target());
            if (conversation == null && history) throw new CozeException(CozeException.USAGE, "no conversation with this bot yet",
                    "name one with --conversation ID (see --list-conversations)");
            if (conversation == null) common.say("coze-chat: no earlier conversation with this bot; starting a new one");
        }
        if (listConversations) return list(l -> l.conversations(directory().conversations(bot)));
        if (history) return list(l -> l.history(directory().history(conversation)));
        Interrupts.onCtrlC(this::interrupted);
        if (message != null) return oneShot(message);
        if (!Terminal.stdin())
            throw new CozeException(CozeException.USAGE, "no message: give one as arguments or on stdin", "see coze-chat --help");
        if (json) throw new CozeException(CozeException.USAGE, "--json is for scripts, not the interactive chat", "give a message too");
        return repl();
    }

    /** The bot, by id or by name (looked up once, then remembered), or the chatflow of --workflow. */
    private void chooseBot() {
        if (bot != null && bot.isBlank() && common.spec.commandLine().getParseResult().hasMatchedOption("--bot"))
            throw new CozeException(CozeException.USAGE, "--bot is empty", "give a bot id (is the variable you passed unset?)");
        if (bot != null && bot.isBlank()) bot = null;
        if (workflow != null) {
            if (noStream) throw new CozeException(CozeException.USAGE, "a chatflow only streams", "drop --no-stream");
            if (listConversations) throw new CozeException(CozeException.USAGE, "--list-conversations lists a bot's conversations",
                    "drop --workflow, or give the conversation to --history with --conversation ID");
        } else {
            if (bot == null) bot = state.defaultBot();
            if (bot == null) throw new CozeException(CozeException.USAGE, "no bot given", "use --bot ID or NAME, or set COZE_BOT_ID");
        }
        if (bot != null) bot = BotNames.resolve(bot, base, userId, state, this::directory, common.debugSink());
    }

    /** --var as custom_variables (text for the prompt's {{KEY}}), --param as parameters (JSON where it is JSON). */
    private JsonObject fields() {
        JsonObject f = new JsonObject();
        if (!vars.isEmpty()) {
            JsonObject v = new JsonObject();
            for (var kv : Params.parse(vars).entrySet())
                v.addProperty(kv.getKey(), kv.getValue().isJsonPrimitive() ? kv.getValue().getAsString() : kv.getValue().toString());
            f.add("custom_variables", v);
        }
        if (!params.isEmpty()) f.add("parameters", Params.parse(params));
        return f;
    }

    /** The message as Coze takes it: the text, or with attachments (uploaded now, and sent once) an object_string. */
    private String content(String message) {
        if (attachments.isEmpty()) return message;
        try {
            String content = attachments.content(message, http, creds.accessToken(base, Duration.ofMinutes(1)), common::say);
            attach = List.of();
            attachments = Attachments.of(attach);
            return content;
        } catch (IOException e) {
            throw new CozeException(CozeException.USAGE, "cannot read an attachment: " + e.getMessage());
        }
    }

    /** What -c remembers a conversation under: the bot, or the chatflow. */
    private String target() {
        return workflow != null ? "workflow:" + workflow : bot;
    }

    private Directory directory() {
        return new Directory(http, creds.accessToken(base, Duration.ofMinutes(1)));
    }

    private int list(Consumer<Listing> what) {
        what.accept(new Listing(common.out(), json, look.toTerminal()));
        return 0;
    }

    /** Arguments, stdin when it is not a terminal, or both: stdin, a blank line, then the arguments. */
    private String message() throws IOException {
        String args = words == null || words.isEmpty() ? null : String.join(" ", words);
        String piped = null;
        if (!noStdin && !Terminal.stdin()) {
            piped = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("[\\r\\n]+$", "");
            if (piped.isBlank()) piped = null;
        }
        if (piped != null && args != null) return piped + "\n\n" + args;
        return piped != null ? piped : args;
    }

    private int oneShot(String message) {
        ChatStream.Result r = turn(message, json ? new JsonOutput(common.out()) : textOutput(), this::byCommand);
        return r.cancelled ? CozeException.INTERRUPTED : r.waiting() ? CozeException.WAITING : 0;
    }

    private TextOutput textOutput() {
        return new TextOutput(common.out(), common.err(), look, line -> notes().line("coze-chat: " + line));
    }

    /** One turn; `answer` gives a local plugin's output (null: none, and the turn ends waiting for it). */
    private ChatStream.Result turn(String message, ChatOutput out, Function<ChatStream.ToolCall, String> answer) {
        // Saved for -c as soon as Coze names it, on another thread: kept even if the answer then
        // fails, and the exit does not wait for the file.
        Thread[] saving = new Thread[1];
        String contentType = attachments.isEmpty() ? "text" : "object_string";
        ChatStream.Request req = new ChatStream.Request(bot, workflow, userId, conversation, content(message), contentType, fields(),
                streaming.idleTimeout, streaming.stallTimeout, id -> {
            saving[0] = new Thread(() -> remember(id), "coze-chat-remember");
            saving[0].start();
        });
        ChatStream stream = new ChatStream(http, line -> common.say("coze-chat: " + line));
        current = stream;
        ChatStream.Result result;
        try {
            String token = creds.accessToken(base, Duration.ofMinutes(1));
            out.begin();
            result = noStream ? stream.runPolling(req, token, rejected -> creds.afterRejection(base, rejected), out)
                    : stream.run(req, token, rejected -> creds.afterRejection(base, rejected), out);
            for (JsonArray outputs; result.waiting() && (outputs = outputs(result, answer)) != null; )
                result = submit(req, result, outputs, out);
        } catch (CozeException e) {
            out.failed(e);
            throw e;
        } finally {
            current = null;
            awaitQuietly(saving[0]);
        }
        out.finished(result);
        conversation = result.conversationId;
        notes().ended(result);
        return result;
    }

    /** The outputs of the local plugins the bot waits for, or null when one has none (or it waits for a reply). */
    private JsonArray outputs(ChatStream.Result waiting, Function<ChatStream.ToolCall, String> answer) {
        JsonArray outputs = new JsonArray();
        for (ChatStream.ToolCall call : waiting.toolCalls) {
            String output = call.isReply() ? null : answer.apply(call);
            if (output == null) return null;
            JsonObject o = new JsonObject();
            o.addProperty("tool_call_id", call.id());
            o.addProperty("output", output);
            outputs.add(o);
        }
        return outputs.isEmpty() ? null : outputs;
    }

    /** Hands the outputs to Coze and streams the rest of the turn. */
    private ChatStream.Result submit(ChatStream.Request req, ChatStream.Result waiting, JsonArray outputs, ChatOutput out) {
        ChatStream next = new ChatStream(http, line -> common.say("coze-chat: " + line));
        current = next;
        ChatStream.Request turn = new ChatStream.Request(req.botId(), req.workflowId(), req.userId(), waiting.conversationId,
                req.text(), req.contentType(), req.fields(), req.idleTimeout(), req.stallTimeout(), id -> { });
        return next.submit(turn, waiting.chatId, outputs, creds.accessToken(base, Duration.ofMinutes(1)), out);
    }

    /** A local plugin answered by its --tool command, or null. */
    private String byCommand(ChatStream.ToolCall call) {
        if (!tools.handles(call)) return null;
        common.say("coze-chat: tool " + call.name() + " " + call.arguments());
        return tools.run(call);
    }

    /** In the REPL, a local plugin no --tool answers: the user types its output (nothing, or Ctrl-D: it stays unanswered). */
    private String typed(ChatStream.ToolCall call) {
        String line = repl.readLine("output of " + call.name() + " " + Terminal.visible(call.arguments()) + "> ");
        return line == null || line.isBlank() ? null : line;
    }

    private void remember(String conversationId) {
        try {
            state.remember(base, userId, target(), conversationId, workflow == null ? bot : null);
        } catch (CozeException e) {
            common.err().println("coze-chat: warning: " + Terminal.visible(e.getMessage()) + " (-c will not find this conversation)");
        }
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

    private TurnNotes notes() {
        return new TurnNotes(common.err(), common.quiet ? null : look.meta(), replRunning, json, System.getenv("COZE_HOME_IS_TEMPORARY") != null);
    }

    /** Ctrl-C cancels the answer that is streaming (and the chat on Coze); at the REPL it never quits (JLine clears the line). */
    private boolean interrupted() {
        ChatStream s = current;
        if (s != null) s.cancel();
        return s != null || replRunning;
    }

    private int repl() throws IOException {
        replRunning = true;
        Style style = look.meta();
        repl = Repl.onTerminal(CozeConfig.home().resolve("history"), common.err(), "coze-chat", style, this::interrupted);
        common.err().println(style.dim("Chatting with bot " + bot + " on " + CozeConfig.shortName(base)
                + ". Ctrl-C stops an answer, Ctrl-D or /exit leaves, /help lists commands, Tab completes them."));
        return repl.run(new Repl.Session() {
            @Override
            public List<String> send(String message) {
                return turn(message, textOutput(), call -> {
                    String output = byCommand(call);
                    return output != null ? output : typed(call);
                }).followUps;
            }

            @Override
            public void newConversation() {
                conversation = null;
            }

            @Override
            public void listBots() {
                new Listing(common.err(), false, true).bots(directory().bots());
            }

            @Override
            public String switchBot(String name) {
                String id = BotNames.resolve(name, base, userId, state, CozeChat.this::directory, common.debugSink());
                bot = id;
                workflow = null;
                conversation = null;
                return "bot " + id;
            }

            @Override
            public void history() {
                if (conversation == null) common.err().println("(no conversation yet)");
                else new Listing(common.err(), false, true).history(directory().history(conversation));
            }

            @Override
            public void attach(String fileOrUrl) {
                List<String> more = new java.util.ArrayList<>(attach);
                more.add(fileOrUrl);
                attachments = Attachments.of(more);
                attach = more;
            }

            @Override
            public void clear() {
                if (conversation != null) directory().clear(conversation);
            }
        });
    }
}
