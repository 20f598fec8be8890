///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS com.google.code.gson:gson:2.13.1
//SOURCES lib/core/Folder.java lib/http/Folder.java lib/auth/Folder.java lib/workflow/Folder.java
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
//DESCRIPTION Run a published Coze workflow from the shell: its messages stream to stdout; question nodes are answered with --resume.

import java.io.IOException;
import java.util.concurrent.Callable;
import lib.auth.Credentials;
import lib.core.CozeCli;
import lib.core.CozeException;
import lib.workflow.WorkflowOutput;
import lib.workflow.WorkflowRehearsal;
import lib.workflow.WorkflowRequest;
import lib.workflow.WorkflowRun;
import lib.workflow.WorkflowRunner;
import lib.workflow.WorkflowStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "coze-workflow", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
        subcommands = WorkflowStatus.class,
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

    @Mixin
    WorkflowRequest.Start start;

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
        if (resume != null && (async || noStream))
            throw new CozeException(CozeException.USAGE, (async ? "--async" : "--no-stream") + " starts a run; it cannot resume one");
        Credentials creds = Credentials.of(common);
        WorkflowRunner runner = new WorkflowRunner(creds.http(creds.apiBase(site.apiBase, common.insecureHttp)),
                new WorkflowOutput(common.out(), json), line -> common.say("coze-workflow: " + line));
        if (async) return runner.start(workflowId, start.body(workflowId));
        if (noStream) return runner.whole(start.body(workflowId));
        if (resume != null) return runner.stream(WorkflowRun.RESUME, WorkflowRequest.resume(workflowId, resume, answer, interruptType), streaming);
        return runner.stream(WorkflowRun.RUN, start.body(workflowId), streaming);
    }
}
