package lib.workflow;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import lib.core.CozeException;
import lib.core.Json;
import lib.core.Terminal;

/**
 * How a run is shown on stdout: each Message's content as it arrives, a line end after a node's
 * last; with --json, every event as one line. Server text is shown, not obeyed, at a terminal.
 */
public final class WorkflowOutput implements WorkflowRun.Events {
    private final PrintWriter out;
    private final boolean json;
    private final boolean terminal = Terminal.stdoutMayBe();
    private boolean atLineStart = true;

    public WorkflowOutput(PrintWriter out, boolean json) {
        this.out = out;
        this.json = json;
    }

    @Override
    public void message(String content, boolean nodeFinished) {
        if (json) return;
        out.print(terminal ? Terminal.visible(content) : content);
        if (!content.isEmpty()) atLineStart = content.endsWith("\n");
        if (nodeFinished) endLine();
        CozeException.ensureOpen(out);
    }

    @Override
    public void event(String type, String id, JsonObject data) {
        if (!json) return;
        JsonObject o = new JsonObject();
        o.addProperty("event", type);
        o.addProperty("id", id);
        o.add("data", data);
        out.println(Json.line(o));
        CozeException.ensureOpen(out);
    }

    /** --no-stream: the run's output, a JSON string in `data`, printed as it is (or the whole answer with --json). */
    public void whole(JsonObject reply) {
        if (json) out.println(Json.line(reply));
        else out.println(terminal ? Terminal.visible(Json.str(reply, "data")) : Json.str(reply, "data"));
        out.flush();
    }

    /** --async: the execute id alone, for `id=$(…)`, or Coze's whole answer with --json. */
    public void started(JsonObject reply) {
        out.println(json ? Json.line(reply) : Json.str(reply, "execute_id"));
        out.flush();
    }

    /** A run's record: Coze's own with --json; else the output of a run that is done, as it is. */
    public void history(RunHistory h) {
        if (json) out.println(Json.line(h.raw()));
        else if (h.status().equals(RunHistory.SUCCESS) && h.output() != null) out.println(terminal ? Terminal.visible(h.output()) : h.output());
        out.flush();
        CozeException.ensureOpen(out);
    }

    /** Ends a line a node left open. */
    public void endLine() {
        if (!atLineStart) out.print('\n');
        atLineStart = true;
        out.flush();
    }
}
