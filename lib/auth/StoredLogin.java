package lib.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import lib.core.CozeConfig;
import lib.core.CozeException;
import lib.http.Bearer;

/**
 * The login in token.json as a Bearer, with the one renewal mechanism every kind of stored login
 * shares: under the cross-process lock, re-read the file, use a sibling's fresh token if there is
 * one, otherwise renew once (the kind's Renewal) and save before anyone can use the result.
 */
public final class StoredLogin implements Bearer {
    private final TokenStore store;
    private final String apiBase;
    private final Duration margin;
    private final Consumer<String> debug;
    /** The token this process last got from a renewal (its own or a sibling's): fresh, however short its life. */
    private volatile String renewedHere;

    /** How to stop asking for another site, as the user asked for it: "drop --api-base" or "unset COZE_API_BASE". */
    private final String dropBase;

    /** apiBase: the site the command talks to, which must be the login's (null: any); fromEnvironment: COZE_API_BASE named it. */
    StoredLogin(TokenStore store, String apiBase, boolean fromEnvironment, Duration margin, Consumer<String> debug) {
        this.store = store;
        this.apiBase = apiBase;
        this.dropBase = fromEnvironment ? "unset COZE_API_BASE" : "drop --api-base";
        this.margin = margin;
        this.debug = debug;
    }

    /** The stored login, or exit 4 saying how to log in. */
    public TokenStore.Login require() {
        TokenStore.Login login = store.load();
        if (login == null)
            throw new CozeException(CozeException.AUTH, "not logged in", "run coze-login --client-id <id>.app.coze, or set COZE_API_TOKEN");
        if (login.ended() != null)
            throw new CozeException(CozeException.AUTH, "the " + CozeConfig.shortName(login.apiBase()) + " login has ended ("
                    + login.ended() + ")", "log in again with coze-login");
        if (apiBase != null && !apiBase.equals(login.apiBase()))
            throw new CozeException(CozeException.AUTH, "the stored login is for " + CozeConfig.shortName(login.apiBase())
                    + ", not " + CozeConfig.shortName(apiBase), "run coze-login --api-base " + apiBase + ", or " + dropBase);
        return login;
    }

    /** A token valid for at least the margin, renewed first when needed. */
    @Override
    public String token() {
        TokenStore.Login login = require();
        if (login.validFor(margin, Instant.now())) return login.accessToken();
        if (login.accessToken().equals(renewedHere) && login.validFor(Duration.ZERO, Instant.now())) return renewedHere;
        return renew(login.accessToken()).accessToken();
    }

    @Override
    public String afterRejection(String rejected) {
        require();
        return renew(rejected).accessToken();
    }

    /**
     * Replaces `stale`, the token this process found too old or had rejected (null: renew whatever
     * is stored). Once the lock is held, a stored token that is not `stale` and has not expired is a
     * sibling's fresh one and is used as it is, however short its life: so parallel processes make one
     * renewal, not one each.
     */
    public TokenStore.Login renew(String stale) {
        try (PrivateFiles.Held held = store.lock()) {
            TokenStore.Login current = require();
            if (stale != null && !stale.equals(current.accessToken()) && current.validFor(Duration.ZERO, Instant.now())) {
                if (debug != null) debug.accept("using the token another process refreshed");
                renewedHere = current.accessToken();
                return current;
            }
            Renewal renewal = renewalOf(current);
            if (renewal == null)
                throw new CozeException(CozeException.AUTH, "the stored login has expired and cannot be refreshed", "run coze-login");
            try (Reservation space = store.reserve()) {
                TokenStore.Login next = renewal.renew(current, space);
                try {
                    store.save(next, space);
                } catch (CozeException e) {
                    throw renewal.unsaved(e);
                }
                renewedHere = next.accessToken();
                return next;
            }
        }
    }

    /** Each kind of login that can renew itself; null for one that cannot (a personal access token). */
    private Renewal renewalOf(TokenStore.Login login) {
        if (login.app() != null) return new JwtGrant(store.warn(), debug);
        return login.refreshable() ? new OAuthRefresh(store, debug) : null;
    }

    @Override
    public String toString() {
        return "StoredLogin[" + store.file() + "]";
    }
}
