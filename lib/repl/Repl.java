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
    /** The conversation the REPL drives; a CozeException from any of these is shown and the chat goes on. */
    interface Session {
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
            try {
                followUps = step(session, followUps);
                if (followUps == null) return 0;
            } catch (CozeException e) {
                err.println(command + ": error: " + Terminal.visible(e.line()));
                if (e.exitCode == CozeException.AUTH) return e.exitCode;
            }
        }
    }

    /** One line, or one block: a command, or a message; the follow-ups to offer next, or null for Ctrl-D and /exit. */
    private List<String> step(Session session, List<String> followUps) throws IOException {
        String text = prompt("you> ");
        if (text == null) {
            err.println();
            return null;
        }
        text = text.strip();
        if (text.isEmpty()) return followUps;
        if (text.equals("\"\"\"")) {
            text = block();
            if (text == null) return null;
            if (text.isBlank()) return followUps;
        } else if (text.equals("/exit") || text.equals("/quit")) return null;
        else if (text.equals("/help")) {
            err.println("/new  start a new conversation\n/1 /2 …  send a suggested follow-up\n/bots  list your bots\n"
                    + "/bot NAME  talk to another bot (id or name)\n/history  this conversation so far\n"
                    + "/clear  clear the conversation's context on Coze\n/attach FILE|URL  send it with your next message\n"
                    + "\"\"\"  start and end a multi-line message\n"
                    + "/exit  leave (or Ctrl-D)");
            return followUps;
        } else if (text.equals("/new")) {
            session.newConversation();
            err.println("(new conversation)");
            return List.of();
        } else if (text.equals("/bots")) {
            session.listBots();
            return followUps;
        } else if (text.startsWith("/bot ")) {
            err.println("(new conversation with " + Terminal.visible(session.switchBot(text.substring(5).strip())) + ")");
            return List.of();
        } else if (text.equals("/history")) {
            session.history();
            return followUps;
        } else if (text.startsWith("/attach ")) {
            session.attach(text.substring(8).strip());
            err.println("(attached to your next message)");
            return followUps;
        } else if (text.equals("/clear")) {
            session.clear();
            err.println("(the conversation's context is cleared on Coze)");
            return List.of();
        } else if (text.matches("/\\d+")) {
            int n = Integer.parseInt(text.substring(1));
            if (n < 1 || n > followUps.size()) {
                err.println("(no follow-up /" + n + ")");
                return followUps;
            }
            text = followUps.get(n - 1);
            err.println("you> " + text);
        } else if (text.startsWith("/")) {
            err.println("(unknown command " + text + "; /help lists them)");
            return followUps;
        }
        return session.send(text);
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
