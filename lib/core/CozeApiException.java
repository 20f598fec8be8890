package lib.core;

/** Coze answered with its error envelope `{code,msg,detail.logid}` (often with HTTP 200). */
public final class CozeApiException extends CozeException {
    static final int BAD_REQUEST = 4000, RATE_LIMIT = 4013, CHAT_IN_PROGRESS = 4016,
            AUTH_INVALID = 4100, TOKEN_INCORRECT = 4101, NOT_FOUND = 4200, TOKEN_INVALID = 700012006;

    public final int code;
    final int httpStatus;
    final String logId;

    public CozeApiException(int code, String msg, int httpStatus, String logId) {
        super(exitCodeFor(code, httpStatus), describe(code, msg), hintFor(code, msg));
        this.code = code;
        this.httpStatus = httpStatus;
        this.logId = logId;
    }

    /** The token is bad or expired, so a fresh one may help (not a token that only lacks a permission). */
    public boolean isAuthError() {
        return (isAuthCode(code) || httpStatus == 401) && !lacksPermission(code, getMessage());
    }

    /** The conversation named in the request is not there (deleted on Coze): 4000 or 4200, naming the conversation. */
    public boolean missingConversation() {
        return (code == BAD_REQUEST || code == NOT_FOUND) && getMessage().toLowerCase(java.util.Locale.ROOT).contains("conversation");
    }

    /** Coze answers 4101 also when the token is fine but lacks the permission the call needs. */
    private static boolean lacksPermission(int code, String msg) {
        return code == TOKEN_INCORRECT && msg != null && msg.toLowerCase(java.util.Locale.ROOT).contains("permission");
    }

    static boolean isAuthCode(int code) {
        return code == AUTH_INVALID || code == TOKEN_INCORRECT || code == TOKEN_INVALID;
    }

    @Override
    public String line() {
        String where = code != 0 ? " (" + code + (logId == null ? "" : ", logid " + logId) + ")"
                : (logId == null ? "" : " (logid " + logId + ")");
        return hint == null ? getMessage() + where : getMessage() + where + "; " + hint;
    }

    /**
     * Coze Studio's text of a Go error, as its stream's `error` event and its 400s carry it: "code=N
     * message=M", then the cause and a stack on more lines. Only M is for the user.
     */
    private static final java.util.regex.Pattern STUDIO_ERROR = java.util.regex.Pattern.compile("code=\\d+ message=([^\\n]*)(?s:.*)");

    private static String describe(int code, String msg) {
        if (msg != null) msg = STUDIO_ERROR.matcher(msg).replaceFirst("$1");
        if (code == NOT_FOUND)
            return "not found, or not published to the API channel" + (msg == null || msg.isBlank() ? "" : ": " + msg);
        return msg == null || msg.isBlank() ? "Coze error" : msg;
    }

    private static int exitCodeFor(int code, int httpStatus) {
        if (isAuthCode(code) || httpStatus == 401) return AUTH;
        if (code == RATE_LIMIT || httpStatus == 429) return RATE_LIMITED;
        return FAILED;
    }

    private static String hintFor(int code, String msg) {
        if (lacksPermission(code, msg))
            return "give your OAuth app or personal token that permission on Coze (the README lists them); logging in again will not help";
        if (code == CHAT_IN_PROGRESS) return "wait for it to finish, or start a new conversation (without -c)";
        if (isAuthCode(code)) return "run coze-login (and check --api-base cn/com)";
        if (code == NOT_FOUND) return "check the id and --api-base cn/com, and publish it to the API channel";
        // Coze Studio's words when the token's owner did not create the bot, or the bot is not on the API channel.
        String words = msg == null ? "" : msg.toLowerCase(java.util.Locale.ROOT);
        if (words.contains("agent not match") || words.contains("agent not exists") || words.contains("agent not published"))
            return "on Coze Studio, use a token of the account that made the bot, and publish the bot to the API channel";
        return null;
    }
}
