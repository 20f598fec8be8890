///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS com.google.code.gson:gson:2.13.1
//SOURCES lib/core/Folder.java lib/http/Folder.java lib/auth/Folder.java lib/workflow/Folder.java
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

import com.google.gson.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import lib.auth.Credentials;
import lib.core.CozeCli;
import lib.core.CozeException;
import lib.core.Input;
import lib.core.Interrupts;
import lib.core.Json;
import lib.core.Os;
import lib.core.Terminal;
import lib.http.CozeHttp;
import lib.workflow.RunHistory;
import lib.workflow.WorkflowOutput;
import lib.workflow.WorkflowRehearsal;
import lib.workflow.WorkflowRequest;
import lib.workflow.WorkflowRun;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "coze-workflow", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
        subcommands = CozeWorkflow.Status.class,
        description = {"Run a published Coze workflow. Its messages stream to stdout as they come; everything else goes to stderr.",
                "A question node ends the run with exit code 6 and says how to answer it (--resume)."},
        footer = {"", "Examples:", "  coze-workflow 7501... --param city=北京 --param days=3",
                "  echo '{\"city\":\"Paris\"}' | coze-workflow 7501... --input -",
                "  coze-workflow 7501... --resume 7400... \"Beijing\"", "  coze-workflow 7501... --no-stream --json",
                "  coze-workflow 7501... --async", "  coze-workflow status 7501... 7402... --wait", "",
                "Exit codes: 0 done, 1 the workflow or the API failed, 2 usage, 3 rate limited,",
                "4 login needed, 5 network, 6 waiting at a question node, 130 interrupted,",
                "141 stdout was closed (| head)."})
public class CozeWorkflow implements Callable<Integer> {
    // Optional to picocli only: a required one would be required before the status subcommand too.
    @Parameters(index = "0", arity = "0..1", paramLabel = "WORKFLOW_ID", description = "The workflow (the number in its editor's address).")
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

    @Option(names = "--async", description = "Start the run and print its execute id at once; follow it with the status subcommand.")
    boolean async;

    @Mixin
    CozeCli.Site site;

    @Mixin
    CozeCli.Streaming streaming;

    @Mixin
    CozeCli.Common common;

    public static void main(String... args) {
        CozeCli.main(new CozeWorkflow(), args, WorkflowRehearsal::run);
    }

    @Override
    public Integer call() throws IOException {
        if (workflowId == null) throw new CozeException(CozeException.USAGE, "which workflow? Give its WORKFLOW_ID", "see coze-workflow --help");
        if (resume != null && answer == null)
            throw new CozeException(CozeException.USAGE, "--resume needs the answer", "coze-workflow " + workflowId + " --resume " + resume + " \"…\"");
        if (resume == null && answer != null)
            throw new CozeException(CozeException.USAGE, "an answer without --resume", "answer a question node with --resume EVENT_ID \"…\"");
        Credentials creds = Credentials.of(common);
        CozeHttp http = creds.http(creds.apiBase(site.apiBase, common.insecureHttp));
        WorkflowOutput out = new WorkflowOutput(common.out(), json);
        if (async) {
            if (resume != null) throw new CozeException(CozeException.USAGE, "--async starts a run; it cannot resume one");
            JsonObject started = RunHistory.start(http, runBody());
            out.started(started);
            common.say("coze-workflow: started; follow it with: coze-workflow status " + Os.current().shellWord(workflowId) + " "
                    + Os.current().shellWord(Json.str(started, "execute_id")) + " --wait");
            return 0;
        }
        if (noStream) {
            JsonObject reply = WorkflowRun.whole(http, runBody());
            out.whole(reply);
            return done(Json.str(reply, "debug_url"));
        }
        WorkflowRun run = new WorkflowRun(http, line -> common.say("coze-workflow: " + line));
        Interrupts.onCtrlC(() -> {
            run.cancel();
            return true;
        });
        WorkflowRun.Outcome outcome;
        try {
            outcome = run.run(resume != null ? WorkflowRun.RESUME : WorkflowRun.RUN,
                    resume != null ? WorkflowRequest.resume(workflowId, resume, answer, interruptType) : runBody(), out,
                    streaming.idleTimeout, streaming.stallTimeout);
        } finally {
            out.endLine();
        }
        if (outcome.cancelled()) {
            common.say("coze-workflow: cancelled");
            return CozeException.INTERRUPTED;
        }
        if (outcome.waiting() != null) {
            common.say("coze-workflow: " + outcome.waiting().line(Os.current()));
            return CozeException.WAITING;
        }
        return done(outcome.debugUrl());
    }

    private JsonObject runBody() throws IOException {
        return WorkflowRequest.run(workflowId, WorkflowRequest.parameters(input == null ? null : input.equals("-") ? Input.stdin() : input, params),
                owner == null ? null : owner.bot, owner == null ? null : owner.app);
    }

    private int done(String trace) {
        if (trace != null) common.say("coze-workflow: done; its trace: " + trace);
        return 0;
    }

    @Command(name = "status", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
            description = {"How an asynchronous run (--async) stands: its output once done (stdout), its error, or the question it waits at."},
            footer = {"", "Examples:", "  coze-workflow status 7501... 7402...", "  coze-workflow status 7501... 7402... --wait --json", "",
                    "Exit codes: 0 done (or still running, without --wait), 1 the run failed,",
                    "4 login needed, 5 network or --idle-timeout passed while waiting,",
                    "6 waiting at a question node, 130 interrupted."})
    static class Status implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "WORKFLOW_ID", description = "The workflow.")
        String workflowId;

        @Parameters(index = "1", paramLabel = "EXECUTE_ID", description = "The run, as --async printed it.")
        String executeId;

        @Option(names = "--wait", description = "Ask again, less and less often, until the run is over.")
        boolean await;

        @Option(names = "--json", description = "Print Coze's record of the run as one JSON object.")
        boolean json;

        @Option(names = "--idle-timeout", defaultValue = "10m", converter = CozeCli.DurationConverter.class, paramLabel = "DURATION",
                description = "With --wait: give up (exit 5) when the run still goes on after this long (default: ${DEFAULT-VALUE}).")
        Duration limit;

        @Mixin
        CozeCli.Site site;

        @Mixin
        CozeCli.Common common;

        @Override
        public Integer call() throws InterruptedException {
            Credentials creds = Credentials.of(common);
            CozeHttp http = creds.http(creds.apiBase(site.apiBase, common.insecureHttp));
            String again = "coze-workflow status " + Os.current().shellWord(workflowId) + " " + Os.current().shellWord(executeId);
            Interrupts.onCtrlC(() -> {
                common.say("coze-workflow: stopped waiting; the run goes on: " + again);
                return false;
            });
            RunHistory h = await ? RunHistory.await(http, workflowId, executeId, limit) : RunHistory.fetch(http, workflowId, executeId);
            new WorkflowOutput(common.out(), json).history(h);
            if (h.waiting() != null) {
                common.say("coze-workflow: " + h.waiting().line(Os.current()));
                return CozeException.WAITING;
            }
            if (h.status().equals(RunHistory.FAIL)) throw h.failure();
            if (h.running()) common.say("coze-workflow: " + Terminal.oneLine(h.status()) + "; wait for it with: " + again + " --wait");
            else if (h.debugUrl() != null) common.say("coze-workflow: done; its trace: " + h.debugUrl());
            return 0;
        }
    }
}
