package lib.repl;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import lib.chat.ChatOutput;
import lib.chat.ChatSession;
import lib.chat.ToolCall;
import lib.chat.TurnNotes;
import lib.core.Style;
import lib.core.Terminal;
import lib.discover.Listing;

/**
 * coze-chat's interactive chat: the Repl's lines and / commands handed to a ChatSession. A local
 * plugin no --tool answers is asked of the user at the prompt; Ctrl-C stops the answer, never the chat.
 */
public final class ChatRepl implements Repl.Session {
    private final ChatSession session;
    private final PrintWriter err;
    private final Function<IntSupplier, ChatOutput> output;
    private final Supplier<TurnNotes> notes;
    private Repl repl;

    /** output and notes: how each turn is shown (on the terminal, as in the REPL; output given the terminal's width). */
    public ChatRepl(ChatSession session, PrintWriter err, Function<IntSupplier, ChatOutput> output, Supplier<TurnNotes> notes) {
        this.session = session;
        this.err = err;
        this.output = output;
        this.notes = notes;
    }

    /** Runs the chat until /exit or Ctrl-D; returns the exit code. */
    public int run(Path history, String siteName, Style style) throws IOException {
        repl = Repl.onTerminal(history, err, "coze-chat", style, session::cancel);
        err.println(style.dim("Chatting with bot " + session.bot() + " on " + siteName + ".\n"
                + "Ctrl-C stops an answer, Ctrl-D or /exit leaves, /help lists the commands."));
        return repl.run(this);
    }

    @Override
    public List<String> send(String message) {
        return session.turn(message, output.apply(repl::columns), notes.get(), this::typed).followUps;
    }

    /** A local plugin no --tool answers: the user types its output (nothing, or Ctrl-D: it stays unanswered). */
    private String typed(ToolCall call) {
        String line = repl.readAside("output of " + Terminal.visible(call.name() + " " + call.arguments()) + "> ");
        return line == null || line.isBlank() ? null : line;
    }

    @Override
    public void newConversation() {
        session.newConversation();
    }

    @Override
    public void listBots() {
        new Listing(err, false, true).botColumns(session.directory().bots());
    }

    @Override
    public String switchBot(String name) {
        return "bot " + session.useBot(name);
    }

    @Override
    public void history() {
        if (session.conversation() == null) err.println("(no conversation yet)");
        else new Listing(err, false, true).history(session.directory().history(session.conversation()));
    }

    @Override
    public void attach(String fileOrUrl) {
        session.attach(List.of(fileOrUrl));
    }

    @Override
    public void clear() {
        session.clear();
    }
}
