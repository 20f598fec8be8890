package lib.workflow;

import com.google.gson.JsonObject;
import java.util.function.Consumer;
import lib.core.CozeCli;
import lib.core.CozeException;
import lib.core.Interrupts;
import lib.core.Json;
import lib.core.Os;
import lib.http.CozeHttp;

/**
 * A run as coze-workflow makes it (started for --async, whole for --no-stream, else streamed with
 * Ctrl-C cancelling it), its output on stdout, how it ended said on stderr, and the exit code.
 */
public final class WorkflowRunner {
    private final CozeHttp http;
    private final WorkflowOutput out;
    private final Consumer<String> say;

    /** `say` gets each line for stderr, without the command's name. */
    public WorkflowRunner(CozeHttp http, WorkflowOutput out, Consumer<String> say) {
        this.http = http;
        this.out = out;
        this.say = say;
    }

    /** --async: the run started, its execute id printed, and the command that follows it. */
    public int start(String workflowId, JsonObject body) {
        JsonObject started = RunHistory.start(http, body);
        out.started(started);
        say.accept("started; follow it with: coze-workflow status " + Os.current().shellWord(workflowId) + " "
                + Os.current().shellWord(Json.str(started, "execute_id")) + " --wait");
        return 0;
    }

    /** --no-stream: the whole run's answer at once. */
    public int whole(JsonObject body) {
        JsonObject reply = WorkflowRun.whole(http, body);
        out.whole(reply);
        return done(Json.str(reply, "debug_url"));
    }

    /** A run (WorkflowRun.RUN) or a resumption (WorkflowRun.RESUME) streamed to its end, a question node, or Ctrl-C. */
    public int stream(String path, JsonObject body, CozeCli.Streaming streaming) {
        WorkflowRun run = new WorkflowRun(http, say);
        Interrupts.onCtrlC(() -> {
            run.cancel();
            return true;
        });
        WorkflowRun.Outcome outcome;
        try {
            outcome = run.run(path, body, out, streaming.idleTimeout, streaming.stallTimeout);
        } finally {
            out.endLine();
        }
        if (outcome.cancelled()) {
            say.accept("cancelled");
            return CozeException.INTERRUPTED;
        }
        if (outcome.waiting() != null) {
            say.accept(outcome.waiting().line(Os.current()));
            return CozeException.WAITING;
        }
        return done(outcome.debugUrl());
    }

    private int done(String trace) {
        if (trace != null) say.accept("done; its trace: " + trace);
        return 0;
    }
}
