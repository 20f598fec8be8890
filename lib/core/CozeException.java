/**
 * A failure the user should see as one line on stderr, with the exit code the README's table assigns.
 * The message never carries a secret.
 */
class CozeException extends RuntimeException {
    static final int FAILED = 1, USAGE = 2, RATE_LIMITED = 3, AUTH = 4, NETWORK = 5, WAITING = 6, INTERRUPTED = 130;

    final int exitCode;
    final String hint;

    CozeException(int exitCode, String message) {
        this(exitCode, message, null, null);
    }

    CozeException(int exitCode, String message, String hint) {
        this(exitCode, message, hint, null);
    }

    CozeException(int exitCode, String message, String hint, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.hint = hint;
    }

    /** The single line printed after "error: ". */
    String line() {
        return hint == null ? getMessage() : getMessage() + "; " + hint;
    }
}
