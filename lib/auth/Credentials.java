package lib.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import lib.core.CozeConfig;
import lib.core.CozeException;
import lib.http.CozeHttp;

/**
 * Where an access token comes from — COZE_API_TOKEN or the stored login — and the one refresh
 * mechanism every script uses: under the cross-process lock, re-read the file, use a sibling's fresh
 * token if there is one, otherwise refresh once and persist before anyone can use the result.
 * Coze's refresh tokens rotate, so a refresh token is never sent twice.
 */
public final class Credentials {
    public static final Duration DEFAULT_MARGIN = Duration.ofMinutes(5);

    private final TokenStore store;
    private final String envToken;
    private final Consumer<String> debug;
    /** The token this process last got from a refresh (its own or a sibling's): fresh, however short its life. */
    private volatile String refreshedHere;

    public Credentials(TokenStore store, Map<String, String> env, Consumer<String> debug) {
        this.store = store;
        String t = env.get("COZE_API_TOKEN");
        this.envToken = t == null || t.isBlank() ? null : t.trim();
        this.debug = debug;
    }

    public boolean fromEnvironment() {
        return envToken != null;
    }

    public String envToken() {
        return envToken;
    }

    /** A stable user_id for chats: the login's own, or one derived from the personal token (never the token). */
    public String userId() {
        if (envToken == null) return requireLogin().userId();
        return "coze-jbang-" + Pkce.s256(envToken).substring(0, 16);
    }

    /** The stored login, or exit 4 saying how to log in. */
    public TokenStore.Login requireLogin() {
        TokenStore.Login login = store.load();
        if (login == null)
            throw new CozeException(CozeException.AUTH, "not logged in", "run coze-login --client-id <id>.app.coze, or set COZE_API_TOKEN");
        if (login.ended() != null)
            throw new CozeException(CozeException.AUTH, "the " + CozeConfig.shortName(login.apiBase()) + " login has ended ("
                    + login.ended() + ")", "log in again with coze-login");
        return login;
    }

    /** The API base to use: the flag or COZE_API_BASE, else the stored login's, else the default. */
    public String apiBase(String given, boolean insecureHttp) {
        if (given != null && !given.isBlank()) return CozeConfig.apiBase(given, insecureHttp);
        if (envToken == null) {
            TokenStore.Login login = store.load();
            if (login != null) return login.apiBase();
        }
        return CozeConfig.DEFAULT_API_BASE;
    }

    /** A token valid for at least `margin`, refreshed first when needed. */
    public String accessToken(String apiBase, Duration margin) {
        if (envToken != null) return envToken;
        TokenStore.Login login = requireLogin();
        checkSameServer(login, apiBase);
        if (login.validFor(margin, Instant.now())) return login.accessToken();
        if (login.accessToken().equals(refreshedHere) && login.validFor(Duration.ZERO, Instant.now())) return refreshedHere;
        return refresh(login.accessToken()).accessToken();
    }

    /** Called once after Coze rejected `rejected`: a sibling's newer token, or one fresh refresh. */
    public String afterRejection(String apiBase, String rejected) {
        if (envToken != null)
            throw new CozeException(CozeException.AUTH, "Coze rejected the token in COZE_API_TOKEN", "check it and --api-base cn/com");
        checkSameServer(requireLogin(), apiBase);
        return refresh(rejected).accessToken();
    }

    /**
     * Replaces `stale`, the token this process found too old or had rejected (null: refresh whatever
     * is stored). Once the lock is held, a stored token that is not `stale` and has not expired is a
     * sibling's fresh one and is used as it is, however short its life: so parallel processes make one
     * refresh, not one each. Never retried: a refresh that may have reached Coze has consumed the
     * refresh token.
     */
    public TokenStore.Login refresh(String stale) {
        try (PrivateFiles.Held held = store.lock()) {
            TokenStore.Login current = requireLogin();
            if (stale != null && !stale.equals(current.accessToken()) && current.validFor(Duration.ZERO, Instant.now())) {
                if (debug != null) debug.accept("using the token another process refreshed");
                refreshedHere = current.accessToken();
                return current;
            }
            if (!current.refreshable())
                throw new CozeException(CozeException.AUTH, "the stored login has expired and cannot be refreshed", "run coze-login");
            try (PrivateFiles.Reservation space = store.reserve()) {
                CozeOAuth.Token token;
                try {
                    token = new CozeOAuth(new CozeHttp(current.apiBase(), debug)).refresh(current.clientId(), current.refreshToken());
                } catch (CozeOAuth.OAuthError e) {
                    TokenStore.Login reread = store.load();
                    if (reread != null && reread.refreshToken() != null && !reread.refreshToken().equals(current.refreshToken())) {
                        refreshedHere = reread.accessToken();
                        return reread;
                    }
                    String why = "Coze rejected the refresh (" + e.errorCode + ")";
                    // Only invalid_grant says the refresh token is dead; any other error may pass, and the next command tries again.
                    if (!"invalid_grant".equals(e.errorCode)) throw new CozeException(CozeException.AUTH, why, "try again, or run coze-login", e);
                    try {
                        store.save(current.endedBecause(why), space);
                    } catch (CozeException unsaved) {
                        // The next command then finds out from Coze again.
                    }
                    throw new CozeException(CozeException.AUTH, why + "; the login has ended", "log in again with coze-login", e);
                }
                TokenStore.Login next = current.withTokens(token.accessToken(), token.refreshToken(), token.expiresAt());
                try {
                    store.save(next, space);
                    refreshedHere = next.accessToken();
                } catch (CozeException e) {
                    throw new CozeException(CozeException.AUTH, "refreshed, but " + e.getMessage()
                            + "; the old refresh token is no longer valid", "fix the folder's permissions and run coze-login", e);
                }
                return next;
            }
        }
    }

    private static void checkSameServer(TokenStore.Login login, String apiBase) {
        if (apiBase != null && !apiBase.equals(login.apiBase()))
            throw new CozeException(CozeException.AUTH, "the stored login is for " + CozeConfig.shortName(login.apiBase())
                    + ", not " + CozeConfig.shortName(apiBase), "run coze-login --api-base " + apiBase + ", or drop --api-base");
    }
}
