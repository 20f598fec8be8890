///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS com.google.code.gson:gson:2.13.1
// The official MCP Java SDK (its Jackson 3 mapper and Reactor come with it); built for Java 17.
//DEPS io.modelcontextprotocol.sdk:mcp:2.1.0
//SOURCES lib/core/Folder.java lib/http/Folder.java lib/auth/Folder.java lib/discover/Folder.java lib/workflow/Folder.java lib/chat/Folder.java lib/mcp/Folder.java
// Sources are UTF-8 whatever the locale (javac would read them as ASCII where LANG is unset);
// Ctrl-C handling uses sun.misc.Signal, which javac would warn about. String joins compile to
// StringBuilder calls: by default each shape spins a class at its first use, ~1 ms of start-up each.
//COMPILE_OPTIONS -encoding UTF-8 -XDignore.symbol.file -XDstringConcat=inline
// JBang archives the classes of this script's first run and maps them on later runs (faster start-up).
//CDS
// A long-lived server, but one per MCP client: C1, Serial GC and a small heap keep it light. JVM log
// lines stay off stdout, which carries only the protocol. The opened package lets QuickExit stop
// JDK 17's HttpClient selector at exit (docs/PERFORMANCE.md).
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:MaxRAM=128m -Xlog:disable -Xlog:all=error:stderr
//JAVA_OPTIONS --add-opens=java.net.http/jdk.internal.net.http=ALL-UNNAMED
// The SDK logs through SLF4J, which has no provider here and would warn so at every start.
//JAVA_OPTIONS -Dslf4j.internal.verbosity=ERROR
//DESCRIPTION Coze bots and workflows as tools for any MCP client (Claude Desktop, Claude Code, VS Code, Cursor), over stdio.

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import lib.auth.Credentials;
import lib.chat.ConversationMemory;
import lib.core.CozeCli;
import lib.core.CozeConfig;
import lib.core.CozeException;
import lib.mcp.CozeTools;
import lib.mcp.McpServe;
import lib.mcp.Requests;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "coze-mcp", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
        description = {"An MCP server over stdio: Coze bots and workflows as tools for an MCP client, as the login of coze-login.",
                "Tools: coze_list_bots, coze_chat, coze_run_workflow, coze_resume_workflow, and one per --bot and --workflow.",
                "stdout carries only the protocol; notes go to stderr. An MCP client starts it; it ends when the client closes stdin."},
        footer = {"", "Examples (as an MCP client's command):", "  coze-mcp", "  coze-mcp --bot \"Travel Helper\" --bot 7443...",
                "  coze-mcp --only --workflow 7501...", "  coze-mcp --api-base com", "",
                "Exit codes: 0 the client closed stdin, 2 usage."})
public class CozeMcp implements Callable<Integer> {
    @Option(names = "--bot", paramLabel = "ID|NAME", description = "Offer a tool for this bot, named and described from it (repeatable).")
    List<String> bots = new ArrayList<>();

    @Option(names = "--workflow", paramLabel = "ID", description = "Offer a tool that runs this workflow (repeatable).")
    List<String> workflows = new ArrayList<>();

    @Option(names = "--only", description = "Offer only the tools of --bot and --workflow, not the generic ones.")
    boolean only;

    @Mixin
    CozeCli.Site site;

    @Mixin
    CozeCli.Streaming streaming;

    @Mixin
    CozeCli.Common common;

    public static void main(String... args) {
        CozeCli.main(new CozeMcp(), args);
    }

    @Override
    public Integer call() throws InterruptedException {
        if (only && bots.isEmpty() && workflows.isEmpty())
            throw new CozeException(CozeException.USAGE, "--only leaves no tool", "give --bot or --workflow too");
        Credentials creds = Credentials.of(common);
        String base = creds.apiBase(site.apiBase, common.insecureHttp);
        Requests requests = new Requests(System.in);
        ConversationMemory memory = creds.keepsNothingOnDisk() ? ConversationMemory.inMemory() : new ConversationMemory(CozeConfig.home());
        CozeTools tools = new CozeTools(new CozeTools.Context(creds.http(base), base, creds::userId, memory, streaming.idleTimeout,
                streaming.stallTimeout, common.err()), requests);
        var offered = new ArrayList<>(only ? List.of() : tools.generic());
        offered.addAll(tools.forBots(bots));
        offered.addAll(tools.forWorkflows(workflows));
        common.say("coze-mcp: serving " + offered.size() + " tools for " + CozeConfig.shortName(base) + " on stdio");
        McpServe.serve(requests, offered, CozeConfig.VERSION);
        return 0;
    }
}
