package lib.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the toolkit asks of the terminal: is a stream one, and text from a server made safe to show on it. */
public final class Terminal {
    private Terminal() {}

    /** Whether stdin is a terminal: /proc when there is one, else what JBang's launcher saw, else the console. */
    public static boolean stdin() {
        Boolean proc = procSays(0);
        if (proc != null) return proc;
        String notty = System.getenv("JBANG_STDIN_NOTTY");
        if (notty != null) return !"true".equals(notty);
        return System.console() != null;
    }

    /** Whether stdout is a terminal: /proc when there is one, else the console. */
    public static boolean stdout() {
        Boolean proc = procSays(1);
        return proc != null ? proc : System.console() != null;
    }

    /** Whether stderr is a terminal (where a spinner and dim notes belong). */
    static boolean stderr() {
        Boolean proc = procSays(2);
        return proc != null ? proc : System.console() != null;
    }

    private static Boolean procSays(int fd) {
        if (!Files.exists(Path.of("/proc/self"))) return null;
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * Text from a server with its control characters shown, not obeyed, as `cat -v` shows them: C0
     * (but newline and tab) as `^[`, DEL as `^?`, C1 as `M-^[`. A bot steered by someone else's prompt
     * could otherwise set the clipboard (OSC 52), retitle the terminal or overwrite a line with `ESC[2K`.
     */
    public static String visible(String s) {
        if (s == null) return null;
        int i = 0;
        while (i < s.length() && !hidden(s.charAt(i))) i++;
        if (i == s.length()) return s;
        StringBuilder sb = new StringBuilder(s.length() + 8).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!hidden(c)) sb.append(c);
            else if (c == 0x7f) sb.append("^?");
            else if (c < 0x20) sb.append('^').append((char) (c + 0x40));
            else sb.append("M-^").append((char) (c - 0x80 + 0x40));
        }
        return sb.toString();
    }

    /**
     * Text meant for one line (an error, a note) kept on one: each line break (CR, LF, CRLF, VT, FF,
     * NEL, U+2028, U+2029) becomes a space, so text from Coze cannot start a line that looks like ours.
     */
    public static String oneLine(String s) {
        return s == null ? null : LINE_BREAK.matcher(s).replaceAll(" ");
    }

    private static final java.util.regex.Pattern LINE_BREAK = java.util.regex.Pattern.compile("\\R");

    private static boolean hidden(char c) {
        return (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f);
    }
}
