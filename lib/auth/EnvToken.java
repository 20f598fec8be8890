package lib.auth;

import lib.core.CozeException;
import lib.http.Bearer;

/** COZE_API_TOKEN: a personal access token given for this command alone; nothing to refresh, nothing stored. */
final class EnvToken implements Bearer {
    private final String token;

    EnvToken(String token) {
        this.token = token;
    }

    @Override
    public String token() {
        return token;
    }

    @Override
    public String afterRejection(String rejected) {
        throw new CozeException(CozeException.AUTH, "Coze rejected the token in COZE_API_TOKEN", "check it and --api-base cn/com");
    }

    @Override
    public String toString() {
        return "EnvToken[…]";
    }
}
