package lib.auth;

import java.util.function.Consumer;
import lib.core.CozeException;
import lib.http.CozeHttp;

/**
 * An OAuth login's renewal (browser or device flow): the refresh token for a new pair. Coze's refresh
 * tokens rotate, so one that may have reached Coze is spent: never retried. Only invalid_grant ends
 * the login; any other error may pass, and the next command tries again.
 */
final class OAuthRefresh implements Renewal {
    private final TokenStore store;
    private final Consumer<String> debug;

    OAuthRefresh(TokenStore store, Consumer<String> debug) {
        this.store = store;
        this.debug = debug;
    }

    @Override
    public TokenStore.Login renew(TokenStore.Login current, Reservation space) {
        CozeOAuth.Token token;
        try {
            token = new CozeOAuth(new CozeHttp(current.apiBase(), debug)).refresh(current.clientId(), current.refreshToken());
        } catch (CozeOAuth.OAuthError e) {
            TokenStore.Login reread = store.load();
            if (reread != null && reread.refreshToken() != null && !reread.refreshToken().equals(current.refreshToken())) return reread;
            String why = "Coze rejected the refresh (" + e.errorCode + ")";
            if (!"invalid_grant".equals(e.errorCode)) throw new CozeException(CozeException.AUTH, why, "try again, or run coze-login", e);
            try {
                store.save(current.endedBecause(why), space);
            } catch (CozeException unsaved) {
                // The next command then finds out from Coze again.
            }
            throw new CozeException(CozeException.AUTH, why + "; the login has ended", "log in again with coze-login", e);
        }
        return current.withTokens(token.accessToken(), token.refreshToken(), token.expiresAt());
    }

    @Override
    public CozeException unsaved(CozeException why) {
        return new CozeException(CozeException.AUTH, "refreshed, but " + why.getMessage() + "; the old refresh token is no longer valid",
                "fix the folder's permissions and run coze-login", why);
    }
}
