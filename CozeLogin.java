///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS com.google.code.gson:gson:2.13.1
//SOURCES lib/core/Folder.java lib/http/Folder.java lib/auth/Folder.java lib/discover/Folder.java
// Sources are UTF-8 whatever the locale (javac would read them as ASCII where LANG is unset);
// Ctrl-C handling uses sun.misc.Signal, which javac would warn about. String joins compile to
// StringBuilder calls: by default each shape spins a class at its first use, ~1 ms of start-up each.
//COMPILE_OPTIONS -encoding UTF-8 -XDignore.symbol.file -XDstringConcat=inline
// JBang archives the classes of this script's first run and maps them on later runs (faster start-up).
//CDS
// A short-lived CLI: C1 only, Serial GC and a small heap start faster and keep a long stream at a
// flat ~90 MB. JVM log lines stay off stdout and only errors reach stderr (JBang's //CDS training run
// warns a lot). The opened package lets QuickExit stop JDK 17's HttpClient selector, which otherwise
// delays every exit by ~330 ms (docs/PERFORMANCE.md). MaxRAM=128m sizes the heap to 64 MB the way
// -Xmx64m would, but as a default that an explicit -Xmx (the test runner's) still overrides.
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:MaxRAM=128m -Xlog:disable -Xlog:all=error:stderr
//JAVA_OPTIONS --add-opens=java.net.http/jdk.internal.net.http=ALL-UNNAMED
//DESCRIPTION Log in to Coze (coze.cn / coze.com): browser PKCE, device code, a personal access token or a service app (JWT); status and logout.

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import lib.auth.CozeOAuth;
import lib.auth.JwtGrant;
import lib.auth.Logout;
import lib.auth.PersonLogin;
import lib.auth.Pkce;
import lib.auth.PrivateFiles;
import lib.auth.RefreshRehearsal;
import lib.auth.ServiceAppLogin;
import lib.auth.TokenStore;
import lib.core.CozeApiException;
import lib.core.CozeCli;
import lib.core.CozeConfig;
import lib.core.CozeException;
import lib.core.Input;
import lib.core.Terminal;
import lib.discover.Directory;
import lib.discover.LoginStatus;
import lib.discover.SiteProbe;
import lib.http.Bearer;
import lib.http.CozeHttp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "coze-login", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
        subcommands = {LoginStatus.Show.class, Logout.class},
        description = {"Log in to Coze and keep the login in $${COZE_HOME:-~/.coze}/token.json (mode 0600).",
                "By default opens the browser for an OAuth PKCE login and receives Coze's redirect on loopback."},
        footer = {"", "Examples:", "  coze-login --client-id 1234.app.coze", "  coze-login --client-id 1234.app.coze --no-browser --paste",
                "  coze-login --device --client-id 5678.app.coze", "  coze-login --with-token < pat.txt",
                "  coze-login --jwt --client-id 1180.app.coze --key-id 9Ab_key \\", "      --private-key app.pem --session-name ci",
                "  coze-login status",
                "", "In CI, set COZE_JWT_OAUTH_CLIENT_ID, COZE_JWT_OAUTH_PUBLIC_KEY_ID and",
                "COZE_JWT_OAUTH_PRIVATE_KEY (or _FILE) instead: every command then mints its",
                "token in memory.",
                "", "Exit codes: 0 ok, 1 Coze error, 2 usage or a busy callback port, 4 login denied,",
                "timed out or rejected, 5 network, 130 interrupted."})
public class CozeLogin implements Callable<Integer> {
    static final String DEFAULT_REDIRECT = "http://127.0.0.1:8080/callback";

    @Option(names = "--client-id", defaultValue = "${env:COZE_CLIENT_ID}", paramLabel = "ID",
            description = "OAuth app client id (….app.coze; default: $$COZE_CLIENT_ID, else the stored login's).")
    String clientId;

    @Mixin
    CozeCli.Site site;

    @Option(names = "--redirect-uri", defaultValue = DEFAULT_REDIRECT, paramLabel = "URI",
            description = "Redirect URI registered on the OAuth app (default: ${DEFAULT-VALUE}).")
    URI redirectUri;

    @Option(names = "--no-browser", description = "Do not open a browser; print the URL to open.")
    boolean noBrowser;

    @Option(names = "--paste", description = "With --no-browser: paste the address the browser was sent to (for remote machines).")
    boolean paste;

    @Option(names = "--device", description = "Log in with a device code (needs a device-flow OAuth app).")
    boolean device;

    @Option(names = "--with-token", description = "Read a personal access token from stdin and store it.")
    boolean withToken;

    @Option(names = "--workspace", paramLabel = "ID",
            description = "Scope a browser or device login to this workspace (default: the stored login's workspace, if any).")
    String workspace;

    @Mixin
    ServiceAppLogin serviceApp;

    @Option(names = "--site-kind", paramLabel = "cloud|studio",
            description = "What the API base is, when finding out does not work: Coze's cloud, or a self-hosted Coze Studio (default: found out at login).")
    String siteKind;

    @Option(names = "--force", description = "Log in again even if a usable login is stored.")
    boolean force;

    @Option(names = "--timeout", defaultValue = "5m", converter = CozeCli.DurationConverter.class, paramLabel = "DURATION",
            description = "How long to wait for the browser or device approval (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--poll-interval", defaultValue = "5s", converter = CozeCli.DurationConverter.class, hidden = true)
    Duration pollInterval;

    @Mixin
    CozeCli.Common common;

    public static void main(String... args) {
        CozeCli.main(new CozeLogin(), args, RefreshRehearsal::run);
    }

    @Override
    public Integer call() throws IOException {
        TokenStore store = new TokenStore(CozeConfig.home(), common.warnSink());
        TokenStore.Login existing;
        try {
            existing = store.load();
        } catch (CozeException unreadable) {
            if (unreadable.exitCode != CozeException.AUTH) throw unreadable;
            common.say("coze-login: " + unreadable.getMessage() + "; logging in afresh");
            existing = null;
        }
        // Logging in again goes where the last login went, unless told otherwise.
        String base = site.apiBase == null || site.apiBase.isBlank() ? existing != null ? existing.apiBase() : CozeConfig.DEFAULT_API_BASE
                : CozeConfig.apiBase(site.apiBase, true);
        Boolean studio = siteKind();
        // Consent to plain http:// is given here once, kept with the login, and said each time it is used.
        boolean inClear = CozeConfig.inClear(base);
        if (inClear && !common.insecureHttp && !(existing != null && existing.apiBase().equals(base) && existing.site().insecureHttp()))
            throw new CozeException(CozeException.USAGE, "refusing " + base + ": over http:// your token would travel in clear",
                    "use https://, or pass --insecure-http if you accept that risk");
        if (inClear) common.warnSink().accept(CozeConfig.clearWarning(base));
        if (Boolean.TRUE.equals(studio) && !withToken)
            throw new CozeException(CozeException.USAGE, "Coze Studio takes personal access tokens only",
                    "make one in Studio's web UI, then: coze-login --api-base " + base + " --with-token");
        if (serviceApp.jwt) {
            if (workspace != null) throw new CozeException(CozeException.USAGE, "--workspace is for browser and device logins", "drop --workspace");
            return serviceAppLogin(store, base, existing);
        }
        if (!force && !withToken && existing != null && existing.apiBase().equals(base)
                && (workspace == null || workspace.strip().equals(existing.workspace()))
                && (existing.validFor(Duration.ZERO, Instant.now()) || existing.renewable())) {
            common.say("Already logged in to " + CozeConfig.shortName(base) + " (access token valid until "
                    + CozeCli.until(existing.expiresAt()) + "); use --force to log in again");
            return 0;
        }
        String userId = existing != null ? existing.userId() : "coze-jbang-" + Pkce.randomToken().substring(0, 16);
        TokenStore.Login login;
        Directory.Me me;
        if (withToken) {
            String token = readToken();
            SiteProbe.Found found = probe(base, token, studio);
            me = found.me();
            login = new TokenStore.Login("pat", base, null, token, null, 0, me != null && me.userId() != null ? me.userId() : userId)
                    .on(new TokenStore.Site(found.studio() ? TokenStore.Site.STUDIO : TokenStore.Site.CLOUD_KIND, inClear));
        } else {
            if (clientId == null || clientId.isBlank()) clientId = existing != null ? existing.clientId() : null;
            if (clientId == null || clientId.isBlank())
                throw new CozeException(CozeException.USAGE, "no OAuth client id", "pass --client-id <id>.app.coze or set COZE_CLIENT_ID");
            clientId = clientId.strip(); // pasted from the console with a space or a line end
            // A re-login keeps its workspace unless told another.
            String space = workspace != null ? workspace.strip() : existing != null ? existing.workspace() : null;
            if (space != null && !JwtGrant.ID.matcher(space).matches())
                throw new CozeException(CozeException.USAGE, "a workspace id is letters, digits, - and _ only", "coze-chat --list-workspaces shows them");
            CozeOAuth oauth = new CozeOAuth(new CozeHttp(base, common.debugSink()));
            PersonLogin person = new PersonLogin(oauth, base, clientId, space, common);
            CozeOAuth.Token t = device ? person.device(pollInterval, timeout) : person.browser(redirectUri, paste, noBrowser, timeout);
            me = whoIs(base, t.accessToken(), false);
            login = new TokenStore.Login(device ? "device" : "pkce", base, clientId, t.accessToken(), t.refreshToken(),
                    t.expiresAt(), me != null ? me.userId() : userId).inWorkspace(space).on(new TokenStore.Site(TokenStore.Site.CLOUD_KIND, inClear));
        }
        try (PrivateFiles.Held held = store.lock()) {
            store.save(login);
        }
        common.say("Logged in to " + (login.site().studio() ? "the Coze Studio at " + base : CozeConfig.shortName(base))
                + (me == null ? "" : " as " + Terminal.visible(me.shown()))
                + (login.clientId() == null ? " with a personal access token"
                : " (client " + login.clientId() + (login.workspace() == null ? "" : ", workspace " + login.workspace())
                + "); access token valid until " + CozeCli.until(login.expiresAt())));
        return 0;
    }

    /** A service app's login, always afresh (ServiceAppLogin makes the grant now). */
    private int serviceAppLogin(TokenStore store, String base, TokenStore.Login existing) {
        if (device || withToken || paste || noBrowser)
            throw new CozeException(CozeException.USAGE, "--jwt takes none of --device, --with-token, --paste or --no-browser");
        ServiceAppLogin.Granted app = serviceApp.grant(base, clientId, common.warnSink(), common.debugSink());
        Directory.Me me = whoIs(base, app.token().accessToken(), false);
        String userId = me != null ? me.userId() : existing != null ? existing.userId() : "coze-jbang-" + Pkce.randomToken().substring(0, 16);
        try (PrivateFiles.Held held = store.lock()) {
            store.save(TokenStore.Login.serviceApp(base, app.clientId(), app.app(), app.token().accessToken(), app.token().expiresAt(), userId)
                    .on(new TokenStore.Site(TokenStore.Site.CLOUD_KIND, CozeConfig.inClear(base))));
        }
        common.say("Logged in to " + CozeConfig.shortName(base) + " as the service app " + app.clientId()
                + (app.app().sessionName() == null ? "" : " (session " + Terminal.visible(app.app().sessionName()) + ")")
                + "; token valid until " + CozeCli.until(app.token().expiresAt()) + ", then renewed with the key in " + app.app().keyFile());
        return 0;
    }

    /**
     * Who the token belongs to (`/v1/users/me`); their Coze user id is the chats' user_id, so a new
     * token keeps the bot's memory of them. A pasted token Coze refuses is not stored; after an OAuth
     * login a failed look-up only leaves the user unnamed (null).
     */
    private Directory.Me whoIs(String base, String token, boolean required) {
        try {
            return new Directory(new CozeHttp(base, Bearer.of(token), common.debugSink())).me();
        } catch (CozeException e) {
            if (required && e instanceof CozeApiException api && api.isAuthError())
                throw new CozeException(CozeException.AUTH, "Coze refused this token (" + api.code + "); nothing was stored",
                        "check that you copied the whole token, and --api-base cn/com");
            if (required) throw e;
            if (common.debugSink() != null) common.debugSink().accept("could not ask who is logged in: " + e.getMessage());
            return null;
        }
    }

    /** --site-kind as the user gave it: true for studio, false for cloud, null to find out. */
    private Boolean siteKind() {
        if (siteKind == null) return null;
        return switch (siteKind.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "studio" -> true;
            case "cloud" -> false;
            default -> throw new CozeException(CozeException.USAGE, "--site-kind is cloud or studio", "e.g. --site-kind studio");
        };
    }

    /** The site's kind and the token's owner; a token the site refuses is not stored. */
    private SiteProbe.Found probe(String base, String token, Boolean studio) {
        try {
            return SiteProbe.probe(base, token, studio, common.debugSink());
        } catch (CozeApiException api) {
            if (!api.isAuthError()) throw api;
            throw new CozeException(CozeException.AUTH, "Coze refused this token (" + api.code + (api.getMessage() == null ? "" : ": "
                    + Terminal.visible(api.getMessage())) + "); nothing was stored",
                    "check that you copied the whole token, and --api-base (cn, com, or your Coze Studio's address)");
        }
    }

    /** Far above any token Coze issues; more on the line is not one. */
    static final int MAX_TOKEN_BYTES = 16 << 10;

    private String readToken() throws IOException {
        String token;
        java.io.Console console = System.console();
        if (Terminal.stdin() && console != null) {
            // Read without echo, as a password: a token on the screen ends up in scrollback and screen shares.
            char[] typed = console.readPassword("Paste your personal access token and press Enter (it is not shown): ");
            token = typed == null ? null : new String(typed);
        } else token = Input.line(System.in, MAX_TOKEN_BYTES, "the token on stdin");
        if (token == null || token.isBlank())
            throw new CozeException(CozeException.USAGE, "no token on stdin", "e.g. coze-login --with-token < token.txt");
        return token.strip();
    }


}
