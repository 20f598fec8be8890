package lib.chat;

import java.io.PrintWriter;
import lib.core.Json;
import lib.core.Os;
import lib.core.Style;
import lib.core.Terminal;

/**
 * What coze-chat says on stderr about a turn, beside its answer: that it was cancelled or waits for
 * the user, the follow-ups as this mode sends them (`/1` in the REPL, a command line otherwise) and
 * the conversation. Dim at a terminal, nothing with -q (no style). No "-c" where it cannot work: in
 * the REPL, or in a home thrown away after this command (--no-continue-hints, which coze-mock exec sets).
 */
public final class TurnNotes {
    private final PrintWriter err;
    private final Style style;
    private final boolean inRepl, json;
    /** Whether -c can continue this turn's conversation: false in the REPL, in a temporary home, and once it could not be saved. */
    private boolean continuable;
    private final Os shell;

    /** `style` null: -q, say nothing; `shell`: whose quoting the commands it suggests use. */
    public TurnNotes(PrintWriter err, Style style, boolean inRepl, boolean json, boolean homeIsTemporary, Os shell) {
        this.err = err;
        this.shell = shell;
        this.style = style;
        this.inRepl = inRepl;
        this.json = json;
        this.continuable = !inRepl && !homeIsTemporary;
    }

    public void line(String line) {
        if (style != null) err.println(style.dim(Terminal.visible(Terminal.oneLine(line))));
    }

    /** The conversation could not be saved for -c: no command suggests -c. */
    void unsaved() {
        continuable = false;
    }

    /** A warning: shown even with -q. */
    public void warning(String line) {
        err.println("coze-chat: warning: " + Terminal.visible(Terminal.oneLine(line)));
    }

    public void ended(ChatStream.Result r) {
        if (r.cancelled) line("coze-chat: cancelled" + (r.cancelledOnCoze ? " (the chat was cancelled on Coze too)" : ""));
        else if (r.waiting()) waiting(r);
        else if (!json) summary(r);
    }

    /** A question node's reply, or a local plugin no --tool answers. */
    private void waiting(ChatStream.Result r) {
        for (ToolCall call : r.toolCalls) line("coze-chat: " + call.waiting().line(inRepl ? null : shell));
    }

    private void summary(ChatStream.Result r) {
        for (int i = 0; i < r.followUps.size(); i++)
            line(inRepl ? "  /" + (i + 1) + " " + r.followUps.get(i)
                    : continuable ? "  coze-chat -c " + shell.shellWord(r.followUps.get(i)) : "  " + r.followUps.get(i));
        String usage = r.usage == null ? "" : ", tokens " + Json.num(r.usage, "token_count", 0)
                + " (in " + Json.num(r.usage, "input_count", 0) + ", out " + Json.num(r.usage, "output_count", 0) + ")";
        if (r.conversationId != null) line("conversation " + r.conversationId + usage + (continuable ? "  (continue with -c)" : ""));
    }
}
