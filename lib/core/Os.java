package lib.core;

import java.util.List;
import java.util.Map;

/** The operating system as far as the toolkit cares: its name and environment. Tests pass another one. */
public record Os(String name, Map<String, String> env) {
    public static Os current() {
        return new Os(System.getProperty("os.name", ""), System.getenv());
    }

    /** The name alone: the environment holds COZE_API_TOKEN. */
    @Override
    public String toString() {
        return "Os[" + name + "]";
    }

    public boolean windows() {
        return name.startsWith("Windows");
    }

    /**
     * Text as one word for this system's shell, nothing in it expanded, for a command to copy and paste:
     * PowerShell's single quotes on Windows (it also takes the typographic ones as quotes), POSIX ones
     * elsewhere; a plain word (an id) as it is, easier to read.
     */
    public String shellWord(String text) {
        if (text.matches("[A-Za-z0-9_][A-Za-z0-9_.=-]*")) return text;
        if (windows()) return "'" + text.replaceAll("['\u2018\u2019\u201a\u201b]", "$0$0") + "'";
        return "'" + text.replace("'", "'\\''") + "'";
    }

    boolean mac() {
        return name.startsWith("Mac");
    }

    /** How to open a URL in the user's browser: a command, or why none is tried (the caller prints the URL either way). */
    public record Browser(List<String> command, String whyNot) {}

    public Browser browserFor(String url) {
        String chosen = env.get("BROWSER");
        if (chosen != null && !chosen.isBlank()) return new Browser(browserCommand(chosen.strip(), url), null);
        if (env.containsKey("SSH_CONNECTION") || env.containsKey("SSH_TTY"))
            return new Browser(null, "This looks like an SSH session, so no browser was opened: open the address on any machine and"
                    + " forward the port (ssh -L), or use --no-browser --paste or --device.");
        // Not `cmd /c start`: cmd would split the URL at its `&`s.
        if (windows()) return new Browser(List.of("rundll32", "url.dll,FileProtocolHandler", url), null);
        if (mac()) return new Browser(List.of("open", url), null);
        if (set("DISPLAY") || set("WAYLAND_DISPLAY")) return new Browser(List.of("xdg-open", url), null);
        // Said at once: the wait that follows ends only at the timeout.
        return new Browser(null, "No display found, so no browser was opened: open the address above in a browser here, or press"
                + " Ctrl-C and run coze-login again with --paste (a browser on another machine) or --device.");
    }

    private boolean set(String name) {
        String v = env.get(name);
        return v != null && !v.isBlank();
    }

    /**
     * $BROWSER as other tools take it: a program and its arguments split at spaces ("firefox
     * --new-window"), the URL last; a value that names an existing file is one word (a path with spaces).
     */
    private static List<String> browserCommand(String chosen, String url) {
        java.util.ArrayList<String> command = new java.util.ArrayList<>();
        boolean oneFile;
        try {
            oneFile = java.nio.file.Files.exists(java.nio.file.Path.of(chosen));
        } catch (java.nio.file.InvalidPathException e) {
            oneFile = false;
        }
        if (oneFile) command.add(chosen);
        else command.addAll(List.of(chosen.split("\\s+")));
        command.add(url);
        return List.copyOf(command);
    }
}
