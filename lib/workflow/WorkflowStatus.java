package lib.workflow;

import java.time.Duration;
import java.util.concurrent.Callable;
import lib.auth.Credentials;
import lib.core.CozeCli;
import lib.core.CozeException;
import lib.core.Interrupts;
import lib.core.Os;
import lib.core.Terminal;
import lib.http.CozeHttp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `coze-workflow status`: how a run started with --async stands, asked once or until it is over (--wait). */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
        description = {"How an asynchronous run (--async) stands: its output once done (stdout), its error, or the question it waits at."},
        footer = {"", "Examples:", "  coze-workflow status 7501... 7402...", "  coze-workflow status 7501... 7402... --wait --json", "",
                "Exit codes: 0 done (or still running, without --wait), 1 the run failed,",
                "4 login needed, 5 network or --idle-timeout passed while waiting,",
                "6 waiting at a question node, 130 interrupted."})
public final class WorkflowStatus implements Callable<Integer> {
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
        RunHistory h = await ? RunHistory.await(http, creds.studio(), workflowId, executeId, limit) : RunHistory.fetch(http, creds.studio(), workflowId, executeId);
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
