package lib.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** What a command reads as its text: the arguments, stdin when it is not a terminal, or both. */
public final class Input {
    private Input() {}

    /** Arguments joined with spaces, stdin (unless told not to read it), or both: stdin, a blank line, then the arguments; null for none. */
    public static String message(List<String> words, boolean readStdin) throws IOException {
        String args = words == null || words.isEmpty() ? null : String.join(" ", words);
        String piped = readStdin && !Terminal.stdin() ? stdin().replaceAll("[\\r\\n]+$", "") : null;
        if (piped != null && piped.isBlank()) piped = null;
        if (piped != null && args != null) return piped + "\n\n" + args;
        return piped != null ? piped : args;
    }

    /** All of stdin, as UTF-8 whatever the locale. */
    public static String stdin() throws IOException {
        return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
