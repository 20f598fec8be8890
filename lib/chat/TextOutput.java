import com.google.gson.JsonObject;
import java.io.PrintWriter;

/**
 * The answer text exactly as streamed, one flush per event, one trailing newline if missing. At a
 * terminal its control characters are shown, not obeyed (Terminal.visible); pipes and files get
 * every byte as sent. Reasoning goes to stderr, always made visible.
 */
final class TextOutput implements ChatOutput {
    private final PrintWriter out, err;
    private final boolean showReasoning, toTerminal;
    private boolean atLineStart = true, answerEnded, printed;

    TextOutput(PrintWriter out, PrintWriter err, boolean showReasoning, boolean toTerminal) {
        this.out = out;
        this.err = err;
        this.showReasoning = showReasoning;
        this.toTerminal = toTerminal;
    }

    @Override
    public void answer(String text) {
        if (answerEnded && !atLineStart) out.print('\n');
        answerEnded = false;
        out.print(toTerminal ? Terminal.visible(text) : text);
        out.flush();
        printed = true;
        atLineStart = text.endsWith("\n");
    }

    @Override
    public void reasoning(String text) {
        if (showReasoning) {
            err.print(Terminal.visible(text));
            err.flush();
        }
    }

    @Override
    public void message(JsonObject m) {
        if ("answer".equals(Json.str(m, "type"))) answerEnded = true;
    }

    @Override
    public void finished(ChatStream.Result r) {
        endLine();
    }

    @Override
    public void failed(CozeException e) {
        endLine();
    }

    private void endLine() {
        if (printed && !atLineStart) out.print('\n');
        atLineStart = true;
        out.flush();
    }
}
