import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;

/**
 * The interactive chat at a terminal: reads a line (or a `"""` block), runs `/` commands, and hands
 * every message to the session, one turn at a time. Errors of a turn are shown and the chat goes on,
 * except a login that is needed, which ends it with its exit code.
 */
final class Repl {
    /** The conversation the REPL drives. */
    interface Session {
        /** Sends one message and returns the follow-ups Coze suggested (thrown failures are the turn's). */
        List<String> send(String message);

        void newConversation();
    }

    private final BufferedReader in;
    private final PrintWriter err;
    private final String command;

    Repl(BufferedReader in, PrintWriter err, String command) {
        this.in = in;
        this.err = err;
        this.command = command;
    }

    /** Runs until Ctrl-D or /exit (0), or a failed login (4). */
    int run(Session session) throws IOException {
        List<String> followUps = List.of();
        while (true) {
            String text = prompt("you> ");
            if (text == null) {
                err.println();
                return 0;
            }
            text = text.strip();
            if (text.isEmpty()) continue;
            if (text.equals("\"\"\"")) {
                text = block();
                if (text == null) return 0;
                if (text.isBlank()) continue;
            } else if (text.equals("/exit") || text.equals("/quit")) return 0;
            else if (text.equals("/help")) {
                err.println("/new  start a new conversation\n/1 /2 …  send a suggested follow-up\n"
                        + "\"\"\"  start and end a multi-line message\n/exit  leave (or Ctrl-D)");
                continue;
            } else if (text.equals("/new")) {
                session.newConversation();
                err.println("(new conversation)");
                continue;
            } else if (text.matches("/\\d+")) {
                int n = Integer.parseInt(text.substring(1));
                if (n < 1 || n > followUps.size()) {
                    err.println("(no follow-up /" + n + ")");
                    continue;
                }
                text = followUps.get(n - 1);
                err.println("you> " + text);
            } else if (text.startsWith("/")) {
                err.println("(unknown command " + text + "; /help lists them)");
                continue;
            }
            try {
                followUps = session.send(text);
            } catch (CozeException e) {
                err.println(command + ": error: " + Terminal.visible(e.line()));
                if (e.exitCode == CozeException.AUTH) return e.exitCode;
            }
        }
    }

    private String prompt(String prompt) throws IOException {
        err.print(prompt);
        err.flush();
        return in.readLine();
    }

    /** The lines up to the closing `"""`; null at end of input with nothing typed. */
    private String block() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            String line = prompt("...> ");
            if (line == null) return sb.length() == 0 ? null : sb.toString();
            if (line.strip().equals("\"\"\"")) return sb.toString();
            if (sb.length() > 0) sb.append('\n');
            sb.append(line);
        }
    }
}
