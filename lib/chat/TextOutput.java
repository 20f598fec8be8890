package lib.chat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import lib.core.CozeException;
import lib.core.Json;
import lib.core.Style;
import lib.core.Terminal;

/**
 * The answer text exactly as streamed, one flush per event, one trailing newline if missing. An
 * answer that came with no deltas is printed whole from its completed message, a card as readable
 * text, never as JSON. At a terminal control characters are shown, not obeyed (Terminal.visible),
 * and with a Style that is on the answer is rendered Markdown and a spinner waits for it on stderr;
 * pipes and files get every byte as sent. Reasoning goes to stderr, dim or labelled, and ends its
 * line before the answer begins; plugin calls, their answers and knowledge recalls are one line
 * each for `note` (stderr, unless -q).
 */
public final class TextOutput implements ChatOutput {
    /** How the turn is shown: reasoning or not, stdout a terminal or not, its Markdown styling and stderr's, the terminal's width for tables. */
    public record Look(boolean reasoning, boolean toTerminal, Style answer, Style meta, IntSupplier columns) {
        public Look inColumns(IntSupplier columns) {
            return new Look(reasoning, toTerminal, answer, meta, columns);
        }
    }

    private final PrintWriter out, err;
    private final Look look;
    private final Consumer<String> note;
    private final MarkdownStream markdown;
    private final Spinner spinner;
    private boolean atLineStart = true, answerEnded, printed, deltasOfThisAnswer, inReasoning, reasoningAtLineStart = true;

    public TextOutput(PrintWriter out, PrintWriter err, Look look, Consumer<String> note) {
        this.out = out;
        this.err = err;
        this.look = look;
        this.markdown = look.answer().on() ? new MarkdownStream(look.answer(), look.columns()) : null;
        this.spinner = new Spinner(err, look.meta().on());
        this.note = line -> {
            spinner.stop();
            endReasoning();
            note.accept(line);
        };
    }

    @Override
    public void begin() {
        spinner.start();
    }

    @Override
    public void aside() {
        spinner.stop();
        endReasoning();
        out.flush();
    }

    @Override
    public void answer(String text) {
        spinner.stop();
        endReasoning();
        if (answerEnded && !atLineStart) out.print(markdown != null ? markdown.feed("\n") : "\n");
        answerEnded = false;
        deltasOfThisAnswer = true;
        String shown = look.toTerminal() ? Terminal.visible(text) : text;
        out.print(markdown != null ? markdown.feed(shown) : shown);
        CozeException.ensureOpen(out);
        printed = true;
        atLineStart = text.endsWith("\n");
    }

    @Override
    public void reasoning(String text) {
        if (!look.reasoning() || text.isEmpty()) return; // hidden reasoning is still waiting: the spinner goes on
        spinner.stop();
        if (!inReasoning) {
            err.print(look.meta().on() ? look.meta().start("2") : "reasoning: ");
            inReasoning = true;
        }
        err.print(Terminal.visible(text));
        err.flush();
        reasoningAtLineStart = text.endsWith("\n");
    }

    /** The reasoning is over (the answer, a note or the end came): its style off, and its own line ended. */
    private void endReasoning() {
        if (!inReasoning) return;
        err.print(look.meta().reset());
        if (!reasoningAtLineStart) err.print('\n');
        err.flush();
        inReasoning = false;
        reasoningAtLineStart = true;
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
        spinner.stop();
        endReasoning();
        if (markdown != null) out.print(markdown.finish());
        if (printed && !atLineStart) out.print('\n');
        atLineStart = true;
        out.flush();
    }
}
