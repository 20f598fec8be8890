package lib.core;

import java.util.Map;

/**
 * How text is dressed for a terminal: ANSI dim, bold and colour, a spinner, rendered Markdown. Off
 * for pipes and files, under NO_COLOR (https://no-color.org) and on a dumb terminal, where every
 * method gives the text back unchanged, so that callers never test for it.
 */
public record Style(boolean on) {
    public static final Style NONE = new Style(false);

    /** For a stream that is or is not a terminal, in this environment. */
    public static Style of(boolean terminal, Map<String, String> env) {
        String noColor = env.get("NO_COLOR"), term = env.get("TERM");
        return new Style(terminal && (noColor == null || noColor.isEmpty()) && !"dumb".equals(term));
    }

    public static Style stdout() {
        return of(Terminal.stdout(), System.getenv());
    }

    public static Style stderr() {
        return of(Terminal.stderr(), System.getenv());
    }

    public String dim(String s) {
        return wrap("2", s);
    }

    public String green(String s) {
        return wrap("32", s);
    }

    /** The escape that starts a style (empty when off), for text that streams in between. */
    public String start(String sgr) {
        return on ? "\u001b[" + sgr + "m" : "";
    }

    public String reset() {
        return on ? "\u001b[0m" : "";
    }

    private String wrap(String sgr, String s) {
        return on ? start(sgr) + s + reset() : s;
    }
}
