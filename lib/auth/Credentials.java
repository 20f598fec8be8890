package lib.auth;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import lib.core.CozeCli;
import lib.core.CozeConfig;
import lib.core.CozeException;
import lib.http.Bearer;
import lib.http.CozeHttp;

/**
 * Where a command's requests get their bearer token, decided once per command: COZE_API_TOKEN, a
 * service app in the environment (COZE_JWT_OAUTH_*), or the stored login of whatever kind (StoredLogin, which renews it under the cross-process lock).
 * Every command builds one of these and asks it for its site and its CozeHttp.
 */
public final class Credentials {
    /** How long coze-refresh wants a token to stay valid, unless told. */
    public static final Duration DEFAULT_MARGIN = Duration.ofMinutes(5);
    /** How long a token must stay valid when a request goes out with it. */
    static final Duration REQUEST_MARGIN = Duration.ofMinutes(1);

    private final TokenStore store;
    private final String envToken;
    /** A service app in the environment (COZE_JWT_OAUTH_*), when COZE_API_TOKEN is not set; else null. */
    private final EnvServiceApp.Settings envApp;
    private final Consumer<String> debug;
    private EnvServiceApp envAppBearer;
    /** The site COZE_API_BASE names, or null: a site equal to it came from there, not from --api-base. */
    private final String envBase;

    public Credentials(TokenStore store, Map<String, String> env, Consumer<String> debug) {
        this.store = store;
        String t = env.get("COZE_API_TOKEN");
        this.envToken = t == null || t.isBlank() ? null : t.trim();
        this.envApp = envToken == null ? EnvServiceApp.Settings.of(env) : null;
        this.envBase = siteOf(env.get("COZE_API_BASE"));
        this.debug = debug;
    }

    /** A command's credentials: the token file under COZE_HOME, its environment, its --debug and its warnings. */
    public static Credentials of(CozeCli.Common common) {
        return new Credentials(new TokenStore(CozeConfig.home(), common.warnSink()), System.getenv(), common.debugSink());
    }

    /** Whether the token comes from the environment (COZE_API_TOKEN or a service app's COZE_JWT_OAUTH_*), not token.json. */
    public boolean fromEnvironment() {
        return envToken != null || envApp != null;
    }

    /** A service app from the environment (CI): its commands write nothing under COZE_HOME. */
    public boolean keepsNothingOnDisk() {
        return envApp != null;
    }

    /** Which: "COZE_API_TOKEN" or "COZE_JWT_OAUTH_CLIENT_ID"; null for the stored login. */
    public String environmentSource() {
        return envToken != null ? "COZE_API_TOKEN" : envApp != null ? EnvServiceApp.CLIENT_ID : null;
    }

    /** The environment's token valid for at least `wanted` (a service app's is minted in memory); only when fromEnvironment(). */
    public String envToken(String apiBase, Duration wanted) {
        return envToken != null ? envToken : envApp(apiBase).token(wanted);
    }

    /** The stored login, for what only a stored login has (coze-refresh); apiBase null: whichever site it is for. */
    public StoredLogin stored(String apiBase) {
        return new StoredLogin(store, apiBase, apiBase != null && apiBase.equals(envBase), REQUEST_MARGIN, debug);
    }

    /** The stored login, or exit 4 saying how to log in. */
    public TokenStore.Login requireLogin() {
        return stored(null).require();
    }

    /** A stable user_id for chats: the login's own, or one derived from the personal token (never the token). */
    public String userId() {
        if (envApp != null) return "coze-jbang-" + Pkce.s256(envApp.clientId()).substring(0, 16);
        if (envToken == null) return requireLogin().userId();
        return "coze-jbang-" + Pkce.s256(envToken).substring(0, 16);
    }

    /**
     * The API base to use: the flag or COZE_API_BASE, else the stored login's, else the default. Plain
     * http:// off this machine needs --insecure-http now or the consent kept with the login for that
     * base, and is then said on stderr each time.
     */
    public String apiBase(String given, boolean insecureHttp) {
        String base;
        if (given != null && !given.isBlank()) {
            try {
                base = CozeConfig.apiBase(given, insecureHttp);
            } catch (CozeException refused) {
                base = consented(given, refused);
            }
        } else {
            TokenStore.Login login = fromEnvironment() ? null : store.load();
            base = login == null ? CozeConfig.DEFAULT_API_BASE : login.apiBase();
            if (login != null && CozeConfig.inClear(base) && !insecureHttp && !login.site().insecureHttp())
                throw new CozeException(CozeException.USAGE, "refusing " + base + ": over http:// your token would travel in clear",
                        "log in with coze-login --api-base " + base + " --insecure-http if you accept that risk");
        }
        if (CozeConfig.inClear(base)) store.warn().accept(CozeConfig.clearWarning(base));
        return base;
    }

    /** The flag's http:// base when the stored login for it was given --insecure-http; else the refusal. */
    private String consented(String given, CozeException refused) {
        TokenStore.Login login = fromEnvironment() ? null : store.load();
        if (login == null || !login.site().insecureHttp() || !login.apiBase().equals(CozeConfig.apiBase(given, true))) throw refused;
        return login.apiBase();
    }

    /** Whether the stored login is for a Coze Studio (as coze-login found out, or was told with --site-kind). */
    public boolean studio() {
        if (fromEnvironment()) return false;
        TokenStore.Login login = store.load();
        return login != null && login.site().studio();
    }

    private static String siteOf(String given) {
        if (given == null || given.isBlank()) return null;
        try {
            return CozeConfig.apiBase(given, true);
        } catch (RuntimeException unusable) {
            return null; // the command says so when it uses it
        }
    }

    /** Who requests to `apiBase` go out as. */
    public Bearer bearer(String apiBase) {
        if (envToken != null) return new EnvToken(envToken);
        return envApp != null ? envApp(apiBase) : stored(apiBase);
    }

    /** One in-memory service app per command and site, so every CozeHttp of the command shares its token. */
    private synchronized EnvServiceApp envApp(String apiBase) {
        if (envAppBearer == null || !envAppBearer.apiBase().equals(apiBase))
            envAppBearer = new EnvServiceApp(apiBase, envApp, REQUEST_MARGIN, store.warn(), debug);
        return envAppBearer;
    }

    /** Coze at `apiBase`, as this login: every call renews the token once after a rejection. */
    public CozeHttp http(String apiBase) {
        return new CozeHttp(apiBase, bearer(apiBase), debug);
    }
}
