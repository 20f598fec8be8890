///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS com.google.code.gson:gson:2.13.1
//SOURCES lib/core/Folder.java lib/http/Folder.java lib/auth/Folder.java lib/chat/Folder.java lib/workflow/Folder.java
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
//DESCRIPTION Run a published Coze workflow from the shell: its messages stream to stdout; question nodes are answered with --resume.

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import lib.auth.Credentials;
import lib.auth.TokenStore;
import lib.chat.ChatRehearsal;
import lib.core.CozeApiException;
import lib.core.CozeCli;
import lib.core.CozeConfig;
import lib.core.CozeException;
import lib.core.Interrupts;
import lib.core.Json;
import lib.core.Params;
import lib.core.Terminal;
import lib.http.CozeHttp;
import lib.workflow.WorkflowRun;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "coze-workflow", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
        description = {"Run a published Coze workflow. Its messages stream to stdout as they come; everything else goes to stderr.",
                "A question node ends the run with exit code 6 and says how to answer it (--resume)."},
        footer = {"", "Examples:", "  coze-workflow 7501... --param city=北京 --param days=3",
                "  echo '{\"city\":\"Paris\"}' | coze-workflow 7501... --input -",
                "  coze-workflow 7501... --resume 7400... \"Beijing\"", "  coze-workflow 7501... --no-stream --json", "",
                "Exit codes: 0 done, 1 the workflow or the API failed, 2 usage, 3 rate limited,",
                "4 login needed, 5 network, 6 waiting at a question node, 130 interrupted,",
                "141 stdout was closed (| head)."})
public class CozeWorkflow implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "WORKFLOW_ID", description = "The workflow (the number in its editor's address).")
    String workflowId;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ANSWER", description = "With --resume: the answer to the question node.")
    String answer;

    @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE",
            description = "A parameter of the start node (repeatable); VALUE is taken as JSON when it is JSON (3, true, [1,2]), else as text.")
    List<String> params = new ArrayList<>();

    @Option(names = "--input", paramLabel = "JSON|-", description = "All parameters as a JSON object, or - to read it from stdin; --param adds to it.")
    String input;

    @ArgGroup
    Owner owner;

    /** A workflow that uses a bot's or an app's resources runs on its behalf. */
    static class Owner {
        @Option(names = "--bot", paramLabel = "ID", description = "Run on behalf of this bot.")
        String bot;

        @Option(names = "--app", paramLabel = "ID", description = "Run on behalf of this app.")
        String app;
    }

    @Option(names = "--resume", paramLabel = "EVENT_ID", description = "Answer the question node that ended an earlier run (give the ANSWER too).")
    String resume;

    @Option(names = "--interrupt-type", defaultValue = "2", paramLabel = "N", description = "The interrupt's type, as the earlier run said (default: ${DEFAULT-VALUE}, a question node).")
    int interruptType;

    @Option(names = "--json", description = "Print one JSON object per event (with --no-stream: the whole answer).")
    boolean json;

    @Option(names = "--no-stream", description = "Wait for the whole run (/v1/workflow/run) and print its output.")
    boolean noStream;

    @Mixin
    CozeCli.Streaming streaming;

    @Mixin
    CozeCli.Common common;

    private volatile WorkflowRun current;

    public static void main(String... args) {
        CozeCli.main(new CozeWorkflow(), args, ChatRehearsal::run);
    }

    @Override
    public Integer call() throws IOException {
        if (resume != null && answer == null)
            throw new CozeException(CozeException.USAGE, "--resume needs the answer", "coze-workflow " + workflowId + " --resume " + resume + " \"…\"");
        if (resume == null && answer != null)
            throw new CozeException(CozeException.USAGE, "an answer without --resume", "answer a question node with --resume EVENT_ID \"…\"");
        Credentials creds = new Credentials(new TokenStore(CozeConfig.home(), common.warnSink()), System.getenv(), common.debugSink());
        String base = creds.apiBase(streaming.apiBase, common.insecureHttp);
        CozeHttp http = new CozeHttp(base, common.debugSink());
        String token = creds.accessToken(base, Duration.ofMinutes(1));
        if (noStream) return whole(http, token, creds, base);
        WorkflowRun run = new WorkflowRun(http, line -> common.say("coze-workflow: " + line));
        current = run;
        Interrupts.onCtrlC(() -> {
            WorkflowRun r = current;
            if (r != null) r.cancel();
            return r != null;
        });
        Output out = new Output();
        WorkflowRun.Outcome outcome;
        try {
            outcome = run.run(resume != null ? WorkflowRun.RESUME : WorkflowRun.RUN, resume != null ? resumeBody() : runBody(), token,
                    rejected -> creds.afterRejection(base, rejected), out, streaming.idleTimeout, streaming.stallTimeout);
        } finally {
            current = null;
            out.endLine();
        }
        if (outcome.cancelled()) {
            common.say("coze-workflow: cancelled");
            return CozeException.INTERRUPTED;
        }
        if (outcome.waiting()) {
            common.say("coze-workflow: the workflow is waiting for your answer: coze-workflow " + workflowId + " --resume "
                    + outcome.eventId() + (outcome.interruptType() == 2 ? "" : " --interrupt-type " + outcome.interruptType()) + " \"…\"");
            return CozeException.WAITING;
        }
        if (outcome.debugUrl() != null) common.say("coze-workflow: done; its trace: " + outcome.debugUrl());
        return 0;
    }

    private JsonObject runBody() throws IOException {
        JsonObject b = new JsonObject();
        b.addProperty("workflow_id", workflowId);
        b.add("parameters", parameters());
        if (owner != null && owner.bot != null) b.addProperty("bot_id", owner.bot);
        if (owner != null && owner.app != null) b.addProperty("app_id", owner.app);
        return b;
    }

    private JsonObject resumeBody() {
        JsonObject b = new JsonObject();
        b.addProperty("workflow_id", workflowId);
        b.addProperty("event_id", resume);
        b.addProperty("resume_data", answer);
        b.addProperty("interrupt_type", interruptType);
        return b;
    }

    /** --input (a JSON object, or stdin), then each --param over it. */
    private JsonObject parameters() throws IOException {
        JsonObject p = new JsonObject();
        if (input != null) {
            String text = input.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : input;
            JsonElement e = Params.value(text.strip());
            if (!e.isJsonObject()) throw new CozeException(CozeException.USAGE, "--input is not a JSON object", "e.g. --input '{\"city\":\"北京\"}'");
            p = e.getAsJsonObject();
        }
        for (var kv : Params.parse(params).entrySet()) p.add(kv.getKey(), kv.getValue());
        return p;
    }

    /** --no-stream: the run's output, a JSON string in `data`, printed as it is (or the whole answer with --json). */
    private int whole(CozeHttp http, String token, Credentials creds, String base) throws IOException {
        JsonObject body = runBody();
        JsonObject reply;
        try {
            reply = CozeHttp.checkEnvelope(http.send("POST", "/v1/workflow/run", body, token));
        } catch (CozeApiException e) {
            if (!e.isAuthError()) throw e;
            reply = CozeHttp.checkEnvelope(http.send("POST", "/v1/workflow/run", body, creds.afterRejection(base, token)));
        }
        if (json) common.out().println(reply);
        else common.out().println(Terminal.stdout() ? Terminal.visible(Json.str(reply, "data")) : Json.str(reply, "data"));
        common.out().flush();
        if (Json.str(reply, "debug_url") != null) common.say("coze-workflow: done; its trace: " + Json.str(reply, "debug_url"));
        return 0;
    }

    /** Each Message's content as it arrives, a line end after a node's last; with --json, every event as one line. */
    private final class Output implements WorkflowRun.Events {
        private final boolean terminal = Terminal.stdout();
        private boolean atLineStart = true;

        @Override
        public void message(String content, boolean nodeFinished) {
            if (json) return;
            common.out().print(terminal ? Terminal.visible(content) : content);
            if (!content.isEmpty()) atLineStart = content.endsWith("\n");
            if (nodeFinished) endLine();
            CozeException.ensureOpen(common.out());
        }

        @Override
        public void event(String type, String id, JsonObject data) {
            if (!json) return;
            JsonObject o = new JsonObject();
            o.addProperty("event", type);
            o.addProperty("id", id);
            o.add("data", data);
            common.out().println(o);
            CozeException.ensureOpen(common.out());
        }

        void endLine() {
            if (!atLineStart) common.out().print('\n');
            atLineStart = true;
            common.out().flush();
        }
    }
}
