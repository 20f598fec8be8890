package lib.discover;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import lib.auth.Credentials;
import lib.auth.TokenStore;
import lib.core.CozeApiException;
import lib.core.CozeCli;
import lib.core.CozeConfig;
import lib.core.CozeException;
import lib.core.Json;
import lib.core.Terminal;
import lib.http.Bearer;
import lib.http.CozeHttp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What `coze-login status` tells: where the login comes from (the environment or token.json), its
 * kind and site, whether it is usable (a token Coze or a Coze Studio rejects is not), and whom Coze
 * says it belongs to; never a token, only its last four characters.
 */
public final class LoginStatus {
    private LoginStatus() {}

    /** The `coze-login status` subcommand. */
    @Command(name = "status", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
            description = "Show the current login and whom Coze says it belongs to (never the token). Exit 0 when usable, 4 when not.")
    public static final class Show implements Callable<Integer> {
        @Option(names = "--json", description = "Print the status as JSON.")
        boolean json;

        @Mixin
        CozeCli.Site site;

        @Mixin
        CozeCli.Common common;

        @Override
        public Integer call() {
            TokenStore store = new TokenStore(CozeConfig.home(), common.warnSink());
            JsonObject o = of(store, new Credentials(store, System.getenv(), null), site.apiBase, common.insecureHttp, common.debugSink());
            common.out().println(json ? Json.line(o) : text(o));
            return o.get("usable").getAsBoolean() ? 0 : CozeException.AUTH;
        }
    }

    /** The status as JSON: where the login comes from, its kind and site, whether it is usable, and its user. */
    public static JsonObject of(TokenStore store, Credentials creds, String givenBase, boolean insecureHttp, Consumer<String> debug) {
        JsonObject o = new JsonObject();
        boolean usable;
        String token = null;
        if (creds.fromEnvironment()) {
            String source = creds.environmentSource();
            String base = creds.apiBase(givenBase, insecureHttp);
            o.addProperty("source", source);
            o.addProperty("kind", "COZE_API_TOKEN".equals(source) ? "token" : "service app");
            o.addProperty("api_base", base);
            token = creds.envToken(base, Duration.ZERO);
            o.addProperty("token_suffix", suffix(token));
            usable = true;
        } else {
            TokenStore.Login login = store.load();
            if (login == null) {
                o.addProperty("source", "none");
                usable = false;
            } else if (login.ended() != null) {
                usable = false;
                o.addProperty("source", "ended login");
                o.addProperty("file", store.file().toString());
                o.addProperty("api_base", login.apiBase());
                if (login.clientId() != null) o.addProperty("client_id", login.clientId());
                o.addProperty("ended", login.ended());
            } else {
                usable = login.validFor(Duration.ZERO, Instant.now()) || login.renewable();
                o.addProperty("source", "stored login");
                o.addProperty("file", store.file().toString());
                o.addProperty("kind", login.kind());
                o.addProperty("login", KINDS.getOrDefault(login.kind(), login.kind()));
                if (login.app() != null) {
                    o.addProperty("key_id", login.app().keyId());
                    o.addProperty("private_key_file", login.app().keyFile());
                    if (login.app().sessionName() != null) o.addProperty("session_name", login.app().sessionName());
                    if (login.app().accountId() != null) o.addProperty("account_id", login.app().accountId());
                    if (login.app().enterpriseId() != null) o.addProperty("enterprise_id", login.app().enterpriseId());
                }
                o.addProperty("api_base", login.apiBase());
                o.addProperty("site_kind", login.site().kind());
                if (login.site().insecureHttp()) o.addProperty("insecure_http", true);
                if (login.clientId() != null) o.addProperty("client_id", login.clientId());
                if (login.workspace() != null) o.addProperty("workspace_id", login.workspace());
                o.addProperty("token_suffix", suffix(login.accessToken()));
                o.addProperty("expires_at", login.expiresAt());
                o.addProperty("expired", !login.validFor(Duration.ZERO, Instant.now()));
                o.addProperty("has_refresh_token", login.refreshToken() != null);
                if (login.validFor(Duration.ZERO, Instant.now())) token = login.accessToken();
            }
        }
        // Coze Studio cannot say who a token belongs to (it has no /v1/users/me): it is asked whether it takes the token.
        boolean studio = TokenStore.Site.STUDIO.equals(Json.str(o, "site_kind"));
        JsonObject user = token == null || studio ? null : user(Json.str(o, "api_base"), token, debug);
        JsonObject check = token == null || !studio ? null : studioCheck(Json.str(o, "api_base"), token, debug);
        // A token the site rejects is not usable, whatever its expiry says.
        if (user != null && user.has("rejected") || check != null && check.has("rejected")) usable = false;
        o.addProperty("usable", usable);
        if (user != null) o.add("user", user);
        if (check != null && check.size() > 0) o.add("token_check", check);
        return o;
    }

    /** Whether a Coze Studio takes the token: empty when it does, else why not (`rejected` when it refused it). */
    private static JsonObject studioCheck(String base, String token, Consumer<String> debug) {
        JsonObject c = new JsonObject();
        try {
            SiteProbe.checkOnStudio(base, token, debug);
        } catch (CozeException e) {
            c.addProperty("error", e instanceof CozeApiException api ? api.code + ": " + e.getMessage() : e.getMessage());
            if (e.exitCode == CozeException.AUTH) c.addProperty("rejected", true);
        }
        return c;
    }

    /** Who Coze says the token belongs to, or why it could not say. */
    private static JsonObject user(String base, String token, Consumer<String> debug) {
        JsonObject u = new JsonObject();
        try {
            Directory.Me me = new Directory(new CozeHttp(base, Bearer.of(token), debug)).me();
            u.addProperty("id", me.userId());
            u.addProperty("name", me.userName());
            u.addProperty("nick_name", me.nickName());
        } catch (CozeException e) {
            u.addProperty("error", e.getMessage());
            if (e.exitCode == CozeException.AUTH) u.addProperty("rejected", true);
        }
        return u;
    }

    /** The status for a person. */
    public static String text(JsonObject o) {
        String source = Json.str(o, "source");
        if ("none".equals(source)) return "Not logged in. Run coze-login --client-id <id>.app.coze, or set COZE_API_TOKEN.";
        if ("ended login".equals(source))
            return "The " + CozeConfig.shortName(Json.str(o, "api_base")) + " login has ended: " + Terminal.visible(Json.str(o, "ended"))
                    + ".\nRun coze-login to log in again" + (o.has("client_id") ? " (client " + Json.str(o, "client_id") + ")." : ".");
        boolean studio = TokenStore.Site.STUDIO.equals(Json.str(o, "site_kind"));
        JsonObject user = Json.obj(o, "user"), check = Json.obj(o, "token_check");
        StringBuilder sb = new StringBuilder(user != null && user.has("rejected") || check != null && check.has("rejected")
                ? (studio ? "The Coze Studio at " + Json.str(o, "api_base") : CozeConfig.shortName(Json.str(o, "api_base")))
                        + " rejects this token: it is not usable; "
                        + ("COZE_API_TOKEN".equals(source) ? "check COZE_API_TOKEN and the site it is for (--api-base cn/com).\n" : "run coze-login.\n")
                : "Logged in to " + (studio ? "a Coze Studio (self-hosted)" : CozeConfig.shortName(Json.str(o, "api_base"))) + "\n");
        if (user != null) sb.append("  user:          ").append(Terminal.visible(Json.str(user, "error") != null
                ? "unknown (" + Json.str(user, "error") + ")"
                : new Directory.Me(Json.str(user, "id"), Json.str(user, "name"), Json.str(user, "nick_name")).shown())).append('\n');
        sb.append("  source:        ").append(!"stored login".equals(source) ? source + " (environment)"
                : Json.str(o, "file") + " (" + Json.str(o, "kind") + ")").append('\n');
        sb.append("  login:         ").append(o.has("login") ? Json.str(o, "login") : Json.str(o, "kind")).append('\n');
        sb.append("  API base:      ").append(Json.str(o, "api_base")).append(o.has("insecure_http") ? " (plain http:// allowed at login)" : "").append('\n');
        if (studio) sb.append("  site:          Coze Studio; who the token belongs to is not known there\n");
        if (check != null) sb.append("  token check:   ").append(Terminal.visible((check.has("rejected") ? "refused (" : "unknown (")
                + Json.str(check, "error") + ")")).append('\n');
        if (o.has("client_id")) sb.append("  client id:     ").append(Json.str(o, "client_id")).append('\n');
        if (o.has("workspace_id")) sb.append("  workspace:     ").append(Json.str(o, "workspace_id")).append('\n');
        if (o.has("key_id")) sb.append("  key id:        ").append(Json.str(o, "key_id")).append('\n')
                .append("  private key:   ").append(Json.str(o, "private_key_file")).append('\n');
        if (o.has("session_name")) sb.append("  session name:  ").append(Terminal.visible(Json.str(o, "session_name"))).append('\n');
        if (o.has("account_id")) sb.append("  account:       ").append(Json.str(o, "account_id")).append('\n');
        if (o.has("enterprise_id")) sb.append("  enterprise:    ").append(Json.str(o, "enterprise_id")).append('\n');
        sb.append("  access token:  …").append(Json.str(o, "token_suffix"));
        if (o.has("expires_at")) sb.append(Json.num(o, "expires_at", 0) == 0 ? ", no expiry"
                : (o.get("expired").getAsBoolean() ? ", expired " : ", valid until ") + CozeCli.until(Json.num(o, "expires_at", 0)));
        if (o.has("key_id")) sb.append("\n  renewal:       a new grant signed with the private key, when the token expires");
        else if (o.has("has_refresh_token"))
            sb.append("\n  refresh token: ").append(o.get("has_refresh_token").getAsBoolean() ? "held (coze-refresh renews the login)" : "none");
        return sb.toString();
    }

    /** The stored kinds as a person calls them. */
    private static final Map<String, String> KINDS = Map.of("pkce", "browser", "device", "device",
            "pat", "token", TokenStore.JWT, "service app");

    private static String suffix(String token) {
        return token.length() <= 4 ? "" : token.substring(token.length() - 4);
    }
}
