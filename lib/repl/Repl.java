package lib.repl;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import lib.core.CozeException;
import lib.core.Style;
import lib.core.Terminal;
import org.jline.reader.Candidate;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.TerminalBuilder;

/**
 * The interactive chat at a terminal, on JLine: line editing, history kept across sessions,
 * bracketed paste (a pasted block is one message), completion of `/` commands and follow-ups.
 * Reads a line (or a `"""` block), runs `/` commands, and hands every message to the session, one
 * turn at a time. Errors of a turn are shown and the chat goes on, except a login that is needed,
 * which ends it with its exit code. Prompts and notes go to stderr; stdout carries only answers.
 */
public final class Repl {
    /** The conversation the REPL drives; a CozeException from any of these is shown and the chat goes on. */
    public interface Session {
        /** Sends one message and returns the follow-ups Coze suggested. */
        List<String> send(String message);

        void newConversation();

        /** Prints the bots the login can see. */
        void listBots();

        /** Talks to another bot (by id or name) from now on, in a new conversation; says which. */
        String switchBot(String bot);

        /** Prints this conversation's messages so far. */
        void history();

        /** Clears the conversation's context on Coze (its history stays). */
        void clear();

        /** Sends this file or link with the next message. */
        void attach(String fileOrUrl);
    }

    private static final String[][] COMMANDS = {
            {"/new", "start a new conversation"}, {"/bots", "list your bots"}, {"/bot", "talk to another bot (id or name)"},
            {"/history", "this conversation so far"}, {"/clear", "clear the conversation's context on Coze"},
            {"/attach", "send a file or link with your next message"}, {"/help", "list the commands"}, {"/exit", "leave (or Ctrl-D)"}};

    private final LineReader reader;
    private final PrintWriter err;
    private final String command;
    private final Style style;
    private volatile List<String> followUps = List.of();

    private Repl(LineReader reader, PrintWriter err, String command, Style style) {
        this.reader = reader;
        this.err = err;
        this.command = command;
        this.style = style;
    }

    /**
     * The REPL on this process's terminal (its stderr side), the history in `historyFile` (owner-only; null: none kept).
     * Ctrl-C while no line is being read (an answer streams) goes to `onCtrlC`.
     */
    public static Repl onTerminal(Path historyFile, PrintWriter err, String command, Style style, Runnable onCtrlC) throws IOException {
        org.jline.terminal.Terminal terminal = TerminalBuilder.builder().system(true).encoding(StandardCharsets.UTF_8)
                .systemOutput(TerminalBuilder.SystemOutput.SysErr).build();
        terminal.handle(org.jline.terminal.Terminal.Signal.INT, signal -> onCtrlC.run());
        // Created owner-only before JLine appends to it: what one types to a bot is nobody else's business.
        Consumer<String> warn = line -> err.println(command + ": warning: " + line);
        Path history = historyFile == null ? null : HistoryFile.prepare(historyFile, warn);
        Repl[] repl = new Repl[1];
        // Quotes and backslashes are text to a bot: never a reason to wait for a closing quote.
        DefaultParser parser = new DefaultParser();
        parser.setQuoteChars(new char[0]);
        parser.setEscapeChars(new char[0]);
        LineReaderBuilder builder = LineReaderBuilder.builder().terminal(terminal).appName(command).parser(parser)
                .history(new HistoryFile.Saved(warn));
        if (history != null) builder.variable(LineReader.HISTORY_FILE, history);
        LineReader reader = builder
                .completer((r, line, candidates) -> repl[0].complete(line.line(), candidates))
                // `!` is text to a bot, not history expansion; a line starting with a space stays out of the history.
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .option(LineReader.Option.HISTORY_IGNORE_SPACE, true)
                .build();
        repl[0] = new Repl(reader, err, command, style);
        return repl[0];
    }

    private void complete(String line, List<Candidate> candidates) {
        if (!line.startsWith("/") || line.contains(" ")) return;
        for (String[] c : COMMANDS) candidates.add(new Candidate(c[0], c[0], null, c[1], null, null, !c[0].equals("/bot") && !c[0].equals("/attach")));
        List<String> offered = followUps;
        for (int i = 0; i < offered.size(); i++)
            candidates.add(new Candidate("/" + (i + 1), "/" + (i + 1), null, Terminal.visible(offered.get(i)), null, null, true));
    }

    /** Runs until Ctrl-D or /exit (0), or a failed login (4). */
    public int run(Session session) {
        try {
            while (true) {
                try {
                    if (!step(session)) return 0;
                } catch (CozeException e) {
                    err.println(command + ": error: " + Terminal.visible(e.line()));
                    if (e.exitCode == CozeException.AUTH) return e.exitCode;
                }
            }
        } finally {
            try {
                reader.getHistory().save(); // HistoryFile.Saved says itself when this fails
                reader.getTerminal().close();
            } catch (IOException e) {
                err.println(command + ": warning: the terminal was not restored (" + e.getMessage() + ")");
            }
        }
    }

    /** The terminal's width now (it may have been resized); 80 when it cannot tell. */
    public int columns() {
        int width = reader.getTerminal().getWidth();
        return width > 0 ? width : 80;
    }

    /** A line the user types for something else than the bot (a plugin's output): kept out of the history. */
    public String readAside(String prompt) {
        reader.variable(LineReader.DISABLE_HISTORY, true);
        try {
            return readLine(prompt);
        } finally {
            reader.variable(LineReader.DISABLE_HISTORY, false);
        }
    }

    /** A line typed at the prompt, or null for Ctrl-D. Ctrl-C clears what was typed. */
    private String readLine(String prompt) {
        while (true) {
            try {
                return reader.readLine(prompt);
            } catch (UserInterruptException cleared) {
                err.println(style.dim("(Ctrl-D or /exit to leave)"));
            } catch (EndOfFileException end) {
                return null;
            } catch (java.io.IOError terminalGone) {
                err.println(command + ": the terminal is gone; leaving");
                return null;
            }
        }
    }

    /** One line, one paste, or one block: a command, or a message. False for Ctrl-D and /exit. */
    private boolean step(Session session) {
        String text = readLine(style.green("you> "));
        if (text == null) return false;
        text = text.replace("\r\n", "\n").replace('\r', '\n').strip(); // a paste keeps its lines as lines
        if (text.isEmpty()) return true;
        if (text.equals("\"\"\"")) {
            text = block();
            if (text == null || text.isBlank()) return true;
        } else if (text.equals("/exit") || text.equals("/quit")) return false;
        else if (text.equals("/help")) {
            for (String[] c : COMMANDS) err.printf("%-13s %s%n", c[0] + (c[0].equals("/bot") ? " NAME" : c[0].equals("/attach") ? " FILE" : ""), c[1]);
            err.printf("%-13s %s%n%-13s %s%n", "/1 /2 …", "send a suggested follow-up", "\"\"\"", "start and end a multi-line message (or paste it)");
            return true;
        } else if (text.equals("/bot") || text.equals("/attach")) {
            err.println("(" + text + (text.equals("/bot") ? " NAME: a bot's id or name; /bots lists them)" : " FILE: a file or a link)"));
            return true;
        } else if (text.equals("/new")) {
            session.newConversation();
            err.println("(new conversation)");
            followUps = List.of();
            return true;
        } else if (text.equals("/bots")) {
            session.listBots();
            return true;
        } else if (text.startsWith("/bot ")) {
            err.println("(new conversation with " + Terminal.visible(session.switchBot(text.substring(5).strip())) + ")");
            followUps = List.of();
            return true;
        } else if (text.equals("/history")) {
            session.history();
            return true;
        } else if (text.startsWith("/attach ")) {
            session.attach(text.substring(8).strip());
            err.println("(attached to your next message)");
            return true;
        } else if (text.equals("/clear")) {
            session.clear();
            err.println("(the conversation's context is cleared on Coze)");
            followUps = List.of();
            return true;
        } else if (text.matches("/\\d+")) {
            int n = Integer.parseInt(text.substring(1));
            if (n < 1 || n > followUps.size()) {
                err.println("(no follow-up /" + n + ")");
                return true;
            }
            text = followUps.get(n - 1);
            err.println("you> " + Terminal.visible(text));
        } else if (text.startsWith("/") && !text.contains("\n")) {
            err.println("(unknown command " + Terminal.visible(text) + "; /help lists them)");
            return true;
        }
        followUps = List.copyOf(session.send(text));
        return true;
    }

    /** The lines up to the closing `"""`, one entry of the history; null when Ctrl-C or Ctrl-D dropped it (and the user is told). */
    private String block() {
        reader.variable(LineReader.DISABLE_HISTORY, true);
        String text;
        try {
            text = blockLines();
        } finally {
            reader.variable(LineReader.DISABLE_HISTORY, false);
        }
        if (text != null && !text.isBlank()) reader.getHistory().add(text); // recalled, it is sent whole again
        return text;
    }

    private String blockLines() {
        StringBuilder sb = new StringBuilder();
        while (true) {
            String line;
            try {
                line = reader.readLine("...> ");
            } catch (UserInterruptException | EndOfFileException dropped) {
                err.println("(the multi-line message was dropped; nothing was sent)");
                return null;
            } catch (java.io.IOError terminalGone) {
                return null;
            }
            if (line.strip().equals("\"\"\"")) return sb.toString();
            if (sb.length() > 0) sb.append('\n');
            sb.append(line);
        }
    }
}
