package lib.core;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** What the toolkit asks of the terminal: is a stream one, and text from a server made safe to show on it. */
public final class Terminal {
    private Terminal() {}

    /** One way to tell whether file descriptor 0, 1 or 2 is a terminal: true, false, or null when it cannot tell. */
    public interface Probe {
        Boolean says(int fd);
    }

    /** A native isatty a command brings (coze-chat's JLine; lib.core cannot use it), asked when /proc cannot tell. */
    private static volatile Probe nativeProbe = fd -> null;

    public static void useNative(Probe probe) {
        nativeProbe = probe;
    }

    /** Whether stdin is a terminal: when nothing can tell, what JBang's launcher saw, else not. */
    public static boolean stdin() {
        return Boolean.TRUE.equals(ask(0, probes(System.getenv())));
    }

    /** Whether stdout surely is a terminal, to style it; an unsure answer styles nothing, as for a pipe. */
    public static boolean stdout() {
        return Boolean.TRUE.equals(ask(1, probes(System.getenv())));
    }

    /** Whether stdout may be a terminal, so server text goes to it shown, not obeyed: unsure is yes. */
    public static boolean stdoutMayBe() {
        return mayBe(ask(1, probes(System.getenv())));
    }

    /** Whether stderr is a terminal (where a spinner and dim notes belong). */
    public static boolean stderr() {
        return Boolean.TRUE.equals(ask(2, probes(System.getenv())));
    }

    /** The answer of the first probe that can tell, or null. */
    public static Boolean ask(int fd, List<Probe> probes) {
        for (Probe probe : probes) {
            Boolean said = probe.says(fd);
            if (said != null) return said;
        }
        return null;
    }

    /** Whether server text written there is escaped: unless a probe is sure it is no terminal. */
    public static boolean mayBe(Boolean said) {
        return !Boolean.FALSE.equals(said);
    }

    /** In the order asked: /proc (exact, Linux), the native probe (every OS), the console, then JBang's note on stdin. */
    static List<Probe> probes(Map<String, String> env) {
        return probes(Terminal::proc, nativeProbe, env);
    }

    /** The same with /proc and the native probe passed in: tests are a system without them by construction. */
    public static List<Probe> probes(Probe proc, Probe nativ, Map<String, String> env) {
        return List.of(proc, nativ, Terminal::console, fd -> jbangSaw(fd, env));
    }

    private static Boolean proc(int fd) {
        if (!Files.exists(Path.of("/proc/self"))) return null;
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * A console that is a terminal means stdin and stdout are (and stderr, as good as always); anything
     * else says nothing about one stream. Before JDK 22 there is a console only then; from 22 on there
     * always is one and isTerminal(), called by reflection as we compile for 17, tells.
     */
    private static Boolean console(int fd) {
        Console console = System.console();
        if (console == null) return null;
        try {
            Object terminal = Console.class.getMethod("isTerminal").invoke(console);
            return Boolean.TRUE.equals(terminal) ? Boolean.TRUE : null;
        } catch (NoSuchMethodException e) {
            return Boolean.TRUE;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Boolean jbangSaw(int fd, Map<String, String> env) {
        String notty = env.get("JBANG_STDIN_NOTTY");
        return fd != 0 || notty == null ? null : !"true".equals(notty);
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

    private static final java.util.regex.Pattern SGR = java.util.regex.Pattern.compile("\u001b\\[[0-9;]*m");

    /**
     * How many columns a terminal gives this text: East Asian wide and fullwidth characters (CJK, Hangul,
     * fullwidth forms, most emoji) take two, combining marks and zero-width joiners none; Style's escapes none.
     */
    public static int width(String s) {
        String text = SGR.matcher(s).replaceAll("");
        int width = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            int type = Character.getType(cp);
            if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT) continue;
            width += wide(cp) ? 2 : 1;
        }
        return width;
    }

    /** The terminal's width where nothing better can ask it (a one-shot answer): `COLUMNS` if exported, else 80. */
    public static int columns(Map<String, String> env) {
        try {
            int columns = Integer.parseInt(env.getOrDefault("COLUMNS", "").strip());
            return columns > 0 ? columns : 80;
        } catch (NumberFormatException unset) {
            return 80;
        }
    }

    private static boolean wide(int cp) {
        return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF)
                || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF)
                || (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F)
                || (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F)
                || (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
    }

    private static boolean hidden(char c) {
        return (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f);
    }
}
