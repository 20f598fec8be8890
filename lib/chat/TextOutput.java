import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The answer text exactly as streamed, one flush per event, one trailing newline if missing. An
 * answer that came with no deltas is printed whole from its completed message, a card as readable
 * text, never as JSON. At a terminal control characters are shown, not obeyed (Terminal.visible);
 * pipes and files get every byte as sent. Reasoning goes to stderr, always made visible; plugin
 * calls, their answers and knowledge recalls are one line each for `note` (stderr, unless -q).
 */
final class TextOutput implements ChatOutput {
    private final PrintWriter out, err;
    private final boolean showReasoning, toTerminal;
    private final Consumer<String> note;
    private boolean atLineStart = true, answerEnded, printed, deltasOfThisAnswer;

    TextOutput(PrintWriter out, PrintWriter err, boolean showReasoning, boolean toTerminal, Consumer<String> note) {
        this.out = out;
        this.err = err;
        this.showReasoning = showReasoning;
        this.toTerminal = toTerminal;
        this.note = note;
    }

    @Override
    public void answer(String text) {
        if (answerEnded && !atLineStart) out.print('\n');
        answerEnded = false;
        deltasOfThisAnswer = true;
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
        String content = Json.str(m, "content");
        switch (String.valueOf(Json.str(m, "type"))) {
            case "answer" -> {
                if (!deltasOfThisAnswer && content != null && !content.isEmpty())
                    answer("card".equals(Json.str(m, "content_type")) ? readableCard(content) : content);
                deltasOfThisAnswer = false;
                answerEnded = true;
            }
            case "function_call" -> note.accept("[plugin call] " + brief(content));
            case "tool_output", "tool_response" -> note.accept("[plugin answer] " + brief(content));
            case "verbose" -> {
                if ("knowledge_recall".equals(Json.str(Json.objectOrEmpty(content), "msg_type"))) note.accept("[knowledge recalled]");
            }
            default -> { }
        }
    }

    /** A card's words and links, one per line (its JSON is for --json, not for reading). */
    static String readableCard(String json) {
        List<String> lines = new ArrayList<>();
        collect(Json.objectOrEmpty(json), lines);
        return lines.isEmpty() ? "[a card; see it with --json]" : String.join("\n", lines);
    }

    private static void collect(JsonElement e, List<String> lines) {
        if (e.isJsonObject()) {
            for (var field : e.getAsJsonObject().entrySet()) {
                JsonElement v = field.getValue();
                if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isString()
                        && List.of("title", "text", "content", "description", "url", "link").contains(field.getKey()))
                    lines.add(v.getAsString());
                else collect(v, lines);
            }
        } else if (e.isJsonArray()) {
            for (JsonElement v : e.getAsJsonArray()) collect(v, lines);
        }
    }

    private static String brief(String s) {
        String one = s == null ? "" : s.replaceAll("\\s+", " ").strip();
        return one.length() > 100 ? one.substring(0, 100) + "…" : one;
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
