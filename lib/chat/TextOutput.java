import com.google.gson.JsonObject;
import java.io.PrintWriter;

/** The answer text exactly as streamed, one flush per event, one trailing newline if missing. */
final class TextOutput implements ChatOutput {
    private final PrintWriter out, err;
    private final boolean showReasoning;
    private boolean atLineStart = true, answerEnded, printed;

    TextOutput(PrintWriter out, PrintWriter err, boolean showReasoning) {
        this.out = out;
        this.err = err;
        this.showReasoning = showReasoning;
    }

    @Override
    public void answer(String text) {
        if (answerEnded && !atLineStart) out.print('\n');
        answerEnded = false;
        out.print(text);
        out.flush();
        printed = true;
        atLineStart = text.endsWith("\n");
    }

    @Override
    public void reasoning(String text) {
        if (showReasoning) {
            err.print(text);
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
