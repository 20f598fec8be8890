package lib.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** What a command reads as its text: the arguments, stdin when it is not a terminal, or both. */
public final class Input {
    private Input() {}

    /**
     * The most text one message may carry, in UTF-8 bytes. Coze documents no limit; this one is far
     * above a prompt a model takes, and is checked before anything is sent (more used to fail
     * differently each time, mid-upload).
     */
    public static final int MAX_MESSAGE_BYTES = 1 << 20;

    /**
     * Arguments joined with spaces, stdin (unless told not to read it), or both: stdin, a blank line,
     * then the arguments; null for none (blank arguments, as `""`, are none, like empty stdin).
     */
    public static String message(List<String> words, boolean readStdin) throws IOException {
        String args = words == null || words.isEmpty() ? null : String.join(" ", words);
        if (args != null && args.isBlank()) args = null;
        String piped = readStdin && !Terminal.stdin() ? text(System.in, MAX_MESSAGE_BYTES, "stdin").replaceAll("[\\r\\n]+$", "") : null;
        if (piped != null && piped.isBlank()) piped = null;
        String message = piped != null && args != null ? piped + "\n\n" + args : piped != null ? piped : args;
        if (message != null && message.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) throw tooLong();
        return message;
    }

    private static CozeException tooLong() {
        return new CozeException(CozeException.USAGE, "the message is over " + (MAX_MESSAGE_BYTES >> 20) + " MiB, the most one message may carry",
                "send a shorter text, or attach the file with -a FILE");
    }

    /** All of `in` as UTF-8 text, refused past `maxBytes` (read no further) or when it is not UTF-8 (binary data). */
    static String text(InputStream in, int maxBytes, String what) throws IOException {
        byte[] bytes = in.readNBytes(maxBytes + 1);
        if (bytes.length > maxBytes) throw tooLong();
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new CozeException(CozeException.USAGE, what + " is not UTF-8 text (binary data?)",
                    "attach a file with -a FILE; convert other text to UTF-8 first (iconv)");
        }
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
