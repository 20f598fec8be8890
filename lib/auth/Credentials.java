package lib.auth;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import lib.core.CozeCli;
import lib.core.CozeConfig;
import lib.http.Bearer;
import lib.http.CozeHttp;

/**
 * Where a command's requests get their bearer token, decided once per command: COZE_API_TOKEN, or
 * the stored login of whatever kind (StoredLogin, which renews it under the cross-process lock).
 * Every command builds one of these and asks it for its site and its CozeHttp.
 */
public final class Credentials {
    /** How long coze-refresh wants a token to stay valid, unless told. */
    public static final Duration DEFAULT_MARGIN = Duration.ofMinutes(5);
    /** How long a token must stay valid when a request goes out with it. */
    static final Duration REQUEST_MARGIN = Duration.ofMinutes(1);

    private final TokenStore store;
    private final String envToken;
    private final Consumer<String> debug;

    public Credentials(TokenStore store, Map<String, String> env, Consumer<String> debug) {
        this.store = store;
        String t = env.get("COZE_API_TOKEN");
        this.envToken = t == null || t.isBlank() ? null : t.trim();
        this.debug = debug;
    }

    /** A command's credentials: the token file under COZE_HOME, its environment, its --debug and its warnings. */
    public static Credentials of(CozeCli.Common common) {
        return new Credentials(new TokenStore(CozeConfig.home(), common.warnSink()), System.getenv(), common.debugSink());
    }

    public boolean fromEnvironment() {
        return envToken != null;
    }

    public String envToken() {
        return envToken;
    }

    /** The stored login, for what only a stored login has (coze-refresh); apiBase null: whichever site it is for. */
    public StoredLogin stored(String apiBase) {
        return new StoredLogin(store, apiBase, REQUEST_MARGIN, debug);
    }

    /** The stored login, or exit 4 saying how to log in. */
    public TokenStore.Login requireLogin() {
        return stored(null).require();
    }

    /** A stable user_id for chats: the login's own, or one derived from the personal token (never the token). */
    public String userId() {
        if (envToken == null) return requireLogin().userId();
        return "coze-jbang-" + Pkce.s256(envToken).substring(0, 16);
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

    /** Who requests to `apiBase` go out as. */
    public Bearer bearer(String apiBase) {
        return envToken != null ? new EnvToken(envToken) : stored(apiBase);
    }

    /** Coze at `apiBase`, as this login: every call renews the token once after a rejection. */
    public CozeHttp http(String apiBase) {
        return new CozeHttp(apiBase, bearer(apiBase), debug);
    }
}
