package lib.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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

    /**
     * One line of `in` (UTF-8, its line end dropped), or null at its end. A line over `maxBytes` is a
     * usage error naming `what`, read no further: an endless one would otherwise fill the heap.
     */
    public static String line(InputStream in, int maxBytes, String what) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (line.size() == maxBytes)
                throw new CozeException(CozeException.USAGE, what + " is longer than " + maxBytes + " bytes", "give only the one line it asks for");
            line.write(b);
        }
        if (b == -1 && line.size() == 0) return null;
        return line.toString(StandardCharsets.UTF_8).replaceAll("\r$", "");
    }
}
