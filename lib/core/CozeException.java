package lib.core;

/**
 * A failure the user should see as one line on stderr, with the exit code the README's table assigns.
 * The message never carries a secret.
 */
public class CozeException extends RuntimeException {
    public static final int FAILED = 1, USAGE = 2, RATE_LIMITED = 3, AUTH = 4, NETWORK = 5, WAITING = 6, INTERRUPTED = 130;
    /** What a shell reports for a writer killed by SIGPIPE: the reader of stdout (`| head`) left. Nothing is printed. */
    public static final int STDOUT_CLOSED = 141;

    /**
     * After writing to stdout: stop when its reader has gone (the JVM ignores SIGPIPE, so writes just
     * fail), thrown where output is written so that the stream stops and the chat is cancelled at once.
     */
    public static void ensureOpen(java.io.PrintWriter out) {
        if (out.checkError()) throw new CozeException(STDOUT_CLOSED, "stdout was closed");
    }

    public final int exitCode;
    public final String hint;

    public CozeException(int exitCode, String message) {
        this(exitCode, message, null, null);
    }

    public CozeException(int exitCode, String message, String hint) {
        this(exitCode, message, hint, null);
    }

    /** Message and hint on one line each, whatever text from Coze they carry. */
    public CozeException(int exitCode, String message, String hint, Throwable cause) {
        super(Terminal.oneLine(message), cause);
        this.exitCode = exitCode;
        this.hint = Terminal.oneLine(hint);
    }

    /** The single line printed after "error: ". */
    public String line() {
        return hint == null ? getMessage() : getMessage() + "; " + hint;
    }
}
