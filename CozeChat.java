///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS com.google.code.gson:gson:2.13.1
// The interactive chat's line editing, history and paste; loaded only when the REPL starts.
//DEPS org.jline:jline:3.30.6
//SOURCES lib/core/Folder.java lib/http/Folder.java lib/auth/Folder.java lib/discover/Folder.java lib/chat/Folder.java lib/repl/Folder.java
// Sources are UTF-8 whatever the locale (javac would read them as ASCII where LANG is unset);
// Ctrl-C handling uses sun.misc.Signal, which javac would warn about. String joins compile to
// StringBuilder calls: by default each shape spins a class at its first use, ~1 ms of start-up each.
//COMPILE_OPTIONS -encoding UTF-8 -XDignore.symbol.file -XDstringConcat=inline
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

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import lib.auth.Credentials;
import lib.chat.ChatRehearsal;
import lib.chat.ChatSession;
import lib.chat.ChatStream;
import lib.chat.ConversationMemory;
import lib.chat.JsonOutput;
import lib.chat.LocalTools;
import lib.chat.TurnView;
import lib.core.CozeCli;
import lib.core.CozeConfig;
import lib.core.CozeException;
import lib.core.Input;
import lib.core.Interrupts;
import lib.core.Os;
import lib.core.Terminal;
import lib.discover.Listing;
import lib.discover.SiteProbe;
import lib.http.CozeHttp;
import lib.repl.ChatRepl;
import lib.repl.NativeTty;
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
                "  coze-chat --workflow 7501... \"hello\"", "  coze-chat --duplicate-template 7418... --workspace 7000...",
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

    @Mixin
    Listing.Options lists;

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
    List<String> attach = new ArrayList<>();

    @Option(names = "--var", paramLabel = "KEY=VALUE", description = "A variable for the bot's prompt, {{KEY}} (repeatable).")
    List<String> vars = new ArrayList<>();

    @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE",
            description = "A chatflow start node's parameter (repeatable); VALUE is JSON when it is JSON, else text.")
    List<String> params = new ArrayList<>();

    @Option(names = "--user-id", defaultValue = "${env:COZE_USER_ID}", paramLabel = "ID",
            description = "The user whose memory the bot uses (default: $$COZE_USER_ID, else the login's user).")
    String userIdOption;

    @Mixin
    LocalTools.Options tools;

    @Option(names = {"-n", "--no-stdin"}, description = "Do not read stdin: the message is the arguments (for loops that read a file).")
    boolean noStdin;

    @Parameters(paramLabel = "MESSAGE", description = "The message (words are joined with spaces).")
    List<String> words;

    @Option(names = "--no-continue-hints", defaultValue = "${env:COZE_NO_CONTINUE_HINTS:-false}",
            description = "Do not suggest -c commands, for a COZE_HOME thrown away after the command (coze-mock exec sets $$COZE_NO_CONTINUE_HINTS).")
    boolean noContinueHints;

    @Mixin
    CozeCli.Site site;

    @Mixin
    CozeCli.Streaming streaming;

    @Mixin
    CozeCli.Common common;

    private ChatSession session;
    private TurnView view;

    public static void main(String... args) {
        Terminal.useNative(new NativeTty());
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

    /** Words that are subcommands of the other commands (coze-login status, coze-mock exec): a lone one here is likely a slip. */
    private static final java.util.Set<String> OTHER_COMMANDS = java.util.Set.of("help", "status", "logout", "login", "exec", "refresh", "version");

    private int chat() throws IOException {
        if (continueLast && conversation != null)
            throw new CozeException(CozeException.USAGE, "-c and --conversation both choose the conversation", "give one of them");
        view = new TurnView(common, reasoning, raw, json);
        Credentials creds = Credentials.of(common);
        String base = creds.apiBase(site.apiBase, common.insecureHttp);
        CozeHttp http = creds.http(base);
        if (creds.studio()) { // what Coze Studio does not offer
            lists.refuseOnStudio(bot);
            tools.refuseOnStudio();
            // Asked before the message goes: a chat sent that then cannot be polled would answer unseen.
            if (noStream && SiteProbe.lacks(http, "GET", "/v3/chat/retrieve?conversation_id=0&chat_id=0")) throw ChatStream.noPolling();
        }
        String userId = userIdOption != null && !userIdOption.isBlank() ? userIdOption.strip() : creds.userId();
        ConversationMemory memory = creds.keepsNothingOnDisk() ? ConversationMemory.inMemory() : new ConversationMemory(CozeConfig.home());
        view.continuable(!noContinueHints && !creds.keepsNothingOnDisk());
        session = new ChatSession(http, base, memory, new ChatSession.Settings(userId, ChatSession.fields(vars, params), noStream, streaming.idleTimeout,
                streaming.stallTimeout, tools.maxCalls), tools.tools(Os.current()),
                line -> common.say("coze-chat: " + line), line -> view.notes().warning(line), common.debugSink());
        session.attach(attach);
        if (lists.ofAccount()) return list(l -> lists.printAccount(http, l, common::say));
        String message = lists.ofBot() ? null : Input.message(words, !noStdin);
        if (words != null && words.size() == 1 && OTHER_COMMANDS.contains(words.get(0)))
            common.say("coze-chat: sending \"" + words.get(0) + "\" to the bot as a message; coze-chat has no subcommands (coze-chat --help)");
        chooseBot();
        if (conversation != null) session.useConversation(conversation);
        else if ((continueLast || lists.history) && !session.continueLast()) {
            if (lists.history) throw new CozeException(CozeException.USAGE, "no conversation with this bot yet",
                    "name one with --conversation ID (see --list-conversations)");
            common.say("coze-chat: no earlier conversation with this bot; starting a new one");
        }
        if (lists.ofBot()) return list(l -> lists.printBot(session.directory(), session.bot(), session.conversation(), l));
        Interrupts.onCtrlC(() -> session.cancel() || view.inRepl());
        if (message != null) return oneShot(message);
        if (!attach.isEmpty()) return oneShot(""); // the files alone, as Coze takes them
        if (!Terminal.stdin())
            throw new CozeException(CozeException.USAGE, "no message: give one as arguments or on stdin", "see coze-chat --help");
        if (json) throw new CozeException(CozeException.USAGE, "--json is for scripts, not the interactive chat", "give a message too");
        view.enterRepl();
        return new ChatRepl(session, common.err(), view::text, view::notes).run(creds.keepsNothingOnDisk() ? null : CozeConfig.home().resolve("history"),
                CozeConfig.shortName(base), view.meta());
    }

    /** The bot, by id or by name (looked up once, then remembered), or the chatflow of --workflow. */
    private void chooseBot() {
        if (bot != null && bot.isBlank() && common.spec.commandLine().getParseResult().hasMatchedOption("--bot"))
            throw new CozeException(CozeException.USAGE, "--bot is empty", "give a bot id (is the variable you passed unset?)");
        if (workflow != null && noStream) throw new CozeException(CozeException.USAGE, "a chatflow only streams", "drop --no-stream");
        if (workflow != null && lists.conversations) throw new CozeException(CozeException.USAGE, "--list-conversations lists a bot's conversations",
                "drop --workflow, or give the conversation to --history with --conversation ID");
        session.choose(bot == null || bot.isBlank() ? null : bot, workflow);
    }

    private int list(Consumer<Listing> what) {
        what.accept(view.listing());
        return 0;
    }

    private int oneShot(String message) {
        var r = session.turn(message, view.output(), view.notes(), null);
        return r.cancelled ? CozeException.INTERRUPTED : r.waiting() ? CozeException.WAITING : 0;
    }
}
