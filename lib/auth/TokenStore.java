package lib.auth;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import lib.core.CozeConfig;
import lib.core.CozeException;
import lib.core.Json;

/**
 * The one login every script shares: `token.json` under COZE_HOME, 0600, replaced atomically,
 * read strictly, and guarded by `token.json.lock` for read-modify-write.
 */
public final class TokenStore {
    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(30);

    /**
     * A stored login. expiresAt is epoch seconds; 0 means the token carries no known expiry. `ended`
     * says why Coze ended it (a rejected refresh): it then holds no token, and is kept so that every
     * command can say "log in again" without asking Coze, and coze-login knows the client and the site.
     * `site` is what coze-login found the API base to be (Coze's cloud or a Coze Studio) and whether the
     * user consented to plain http:// there; files from before it was kept read as the cloud, no consent.
     */
    public record Login(String kind, String apiBase, String clientId, String accessToken, String refreshToken, long expiresAt,
                 String userId, String ended, ServiceApp app, String workspace, Site site) {
        public Login(String kind, String apiBase, String clientId, String accessToken, String refreshToken, long expiresAt, String userId) {
            this(kind, apiBase, clientId, accessToken, refreshToken, expiresAt, userId, null, null, null, Site.CLOUD);
        }

        /** The same login on a site of this kind, with or without the consent to plain http://. */
        public Login on(Site where) {
            return new Login(kind, apiBase, clientId, accessToken, refreshToken, expiresAt, userId, ended, app, workspace, where);
        }

        /** The same login scoped to one workspace (null: the whole account). */
        public Login inWorkspace(String id) {
            return new Login(kind, apiBase, clientId, accessToken, refreshToken, expiresAt, userId, ended, app, id, site);
        }

        /** A service app's login (kind "jwt"): no refresh token; the next grant is signed with the key in app.keyFile. */
        public static Login serviceApp(String apiBase, String clientId, ServiceApp app, String accessToken, long expiresAt, String userId) {
            return new Login(JWT, apiBase, clientId, accessToken, null, expiresAt, userId, null, app, null, Site.CLOUD);
        }

        /** Never the tokens: a Login may end up in a message or a log. */
        @Override
        public String toString() {
            return "Login[kind=" + kind + ", apiBase=" + apiBase + ", clientId=" + clientId + ", expiresAt=" + expiresAt
                    + ", userId=" + userId + (ended == null ? "" : ", ended=" + ended) + (app == null ? "" : ", " + app)
                    + (workspace == null ? "" : ", workspace=" + workspace) + (site.equals(Site.CLOUD) ? "" : ", " + site) + "]";
        }

        /** The same login, ended for this reason: its dead tokens are dropped. */
        Login endedBecause(String why) {
            return new Login(kind, apiBase, clientId, null, null, 1, userId, why, app, workspace, site);
        }

        public boolean validFor(Duration margin, Instant now) {
            return ended == null && (expiresAt == 0 || now.plus(margin).getEpochSecond() < expiresAt);
        }

        public boolean refreshable() {
            return refreshToken != null && clientId != null;
        }

        Login withTokens(String access, String refresh, long expires) {
            return new Login(kind, apiBase, clientId, access, refresh != null ? refresh : refreshToken, expires, userId, null, app, workspace, site);
        }

        /** Whether a stale token can be replaced without the user: a refresh token, or a service app's key. */
        public boolean renewable() {
            return refreshable() || app != null;
        }

        public JsonObject toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("kind", kind);
            o.addProperty("api_base", apiBase);
            if (clientId != null) o.addProperty("client_id", clientId);
            if (accessToken != null) o.addProperty("access_token", accessToken);
            if (refreshToken != null) o.addProperty("refresh_token", refreshToken);
            o.addProperty("expires_at", expiresAt);
            o.addProperty("user_id", userId);
            if (ended != null) o.addProperty("ended", ended);
            if (workspace != null) o.addProperty("workspace_id", workspace);
            if (site.studio()) o.addProperty("site_kind", Site.STUDIO);
            if (site.insecureHttp()) o.addProperty("insecure_http", true);
            if (app != null) {
                o.addProperty("key_id", app.keyId());
                o.addProperty("private_key_file", app.keyFile());
                if (app.sessionName() != null) o.addProperty("session_name", app.sessionName());
                if (app.accountId() != null) o.addProperty("account_id", app.accountId());
                if (app.enterpriseId() != null) o.addProperty("enterprise_id", app.enterpriseId());
                o.addProperty("duration_seconds", app.durationSeconds());
            }
            return o;
        }
    }

    /**
     * What kind of server the API base is: Coze's cloud, or a self-hosted Coze Studio (its dialect of the
     * API); and whether the user consented, at login, to sending the token over plain http:// off this machine.
     */
    public record Site(String kind, boolean insecureHttp) {
        public static final String CLOUD_KIND = "cloud", STUDIO = "studio";
        public static final Site CLOUD = new Site(CLOUD_KIND, false);

        public Site {
            if (!CLOUD_KIND.equals(kind) && !STUDIO.equals(kind)) throw new IllegalStateException("site_kind is cloud or studio");
        }

        public boolean studio() {
            return STUDIO.equals(kind);
        }
    }

    /** The kind of a service app's login. */
    public static final String JWT = "jwt";

    /**
     * What a service app's login needs to mint its next token: the public key's id on Coze, where the
     * private key is (the path, never the key), and the grant's options. One of accountId and
     * enterpriseId at most picks the token endpoint.
     */
    public record ServiceApp(String keyId, String keyFile, String sessionName, String accountId, String enterpriseId, long durationSeconds) {}

    private final Path home;
    private final Consumer<String> warn;

    public TokenStore(Path home, Consumer<String> warn) {
        this.home = home;
        this.warn = warn;
    }

    /** Where warnings about the login's files go (a service app's readable key file). */
    Consumer<String> warn() {
        return warn;
    }

    public Path file() {
        return home.resolve("token.json");
    }

    public PrivateFiles.Held lock() {
        try {
            return PrivateFiles.lock(home.resolve("token.json.lock"), LOCK_TIMEOUT);
        } catch (IOException e) {
            throw new CozeException(CozeException.FAILED, "cannot lock the login: " + e.getMessage(), null, e);
        }
    }

    /** The stored login, or null. A corrupt file is moved aside (never overwritten) and reported. */
    public Login load() {
        try {
            byte[] bytes = PrivateFiles.read(file());
            if (bytes == null) return null;
            tightenMode();
            return parse(bytes);
        } catch (IOException e) {
            throw new CozeException(CozeException.FAILED, "cannot read " + file() + ": " + e.getMessage(), null, e);
        } catch (JsonParseException | IllegalStateException e) {
            return quarantine(e.getMessage());
        }
    }

    public void save(Login login) {
        try (Reservation space = reserve()) {
            save(login, space);
        }
    }

    /** Room for a login (a few KiB; tokens are far shorter), taken before a refresh spends the refresh token. */
    Reservation reserve() {
        try {
            return Reservation.reserve(file(), 64 * 1024);
        } catch (IOException e) {
            throw new CozeException(CozeException.FAILED, "cannot save the login in " + home + " (" + e.getMessage()
                    + "); nothing was changed", "make room or make the folder writable, then try again");
        }
    }

    /** Saves into room reserved before. */
    public void save(Login login, Reservation space) {
        try {
            space.commit((login.toJson() + "\n").getBytes(StandardCharsets.UTF_8), true);
        } catch (IOException e) {
            throw new CozeException(CozeException.FAILED, "cannot save the login to " + file() + ": " + e.getMessage(), null, e);
        }
    }

    public boolean remove() {
        try {
            return PrivateFiles.delete(file());
        } catch (IOException e) {
            throw new CozeException(CozeException.FAILED, "cannot remove " + file() + ": " + e.getMessage(), null, e);
        }
    }

    public static Login parse(byte[] bytes) {
        JsonObject o = Json.object(new String(bytes, StandardCharsets.UTF_8));
        String apiBase = string(o, "api_base", true);
        try {
            CozeConfig.apiBase(apiBase, true); // accepted when it was stored
        } catch (CozeException e) {
            throw new IllegalStateException("api_base is not a URL");
        }
        String ended = string(o, "ended", false);
        String kind = string(o, "kind", true);
        ServiceApp app = !JWT.equals(kind) ? null : new ServiceApp(string(o, "key_id", true), string(o, "private_key_file", true),
                string(o, "session_name", false), string(o, "account_id", false), string(o, "enterprise_id", false),
                number(o, "duration_seconds"));
        if (app != null && string(o, "client_id", false) == null) throw new IllegalStateException("missing client_id");
        return new Login(kind, apiBase, string(o, "client_id", false),
                string(o, "access_token", ended == null), string(o, "refresh_token", false),
                number(o, "expires_at"), string(o, "user_id", true), ended, app, string(o, "workspace_id", false),
                new Site(string(o, "site_kind", false) == null ? Site.CLOUD_KIND : string(o, "site_kind", false), flag(o, "insecure_http")));
    }

    private static String string(JsonObject o, String name, boolean required) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            if (required) throw new IllegalStateException("missing " + name);
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString() || e.getAsString().isEmpty())
            throw new IllegalStateException(name + " is not a non-empty string");
        String s = e.getAsString();
        // A lone surrogate (from a \uD800 escape) would not survive being saved as UTF-8.
        if (s.codePoints().anyMatch(cp -> cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE))
            throw new IllegalStateException(name + " is not valid Unicode text");
        return s;
    }

    /** An optional true or false, absent meaning false. */
    private static boolean flag(JsonObject o, String name) {
        JsonElement e = o.get(name);
        if (e == null) return false;
        if (!e.isJsonPrimitive() || !((JsonPrimitive) e).isBoolean()) throw new IllegalStateException(name + " is not true or false");
        return e.getAsBoolean();
    }

    private static long number(JsonObject o, String name) {
        JsonElement e = o.get(name);
        if (e == null || !e.isJsonPrimitive() || !((JsonPrimitive) e).isNumber())
            throw new IllegalStateException(name + " is not a number");
        long v;
        try {
            v = e.getAsLong();
        } catch (NumberFormatException tooLarge) {
            throw new IllegalStateException(name + " is not a usable number");
        }
        if (v < 0) throw new IllegalStateException(name + " is negative");
        return v;
    }

    private Login quarantine(String why) {
        try (PrivateFiles.Held held = lock()) {
            byte[] again = PrivateFiles.read(file());
            if (again == null) return null;
            try {
                return parse(again); // a sibling replaced it meanwhile
            } catch (JsonParseException | IllegalStateException stillBad) {
                Path aside = home.resolve("token.json.corrupt-" + System.currentTimeMillis());
                Files.move(file(), aside, StandardCopyOption.ATOMIC_MOVE);
                throw new CozeException(CozeException.AUTH, "the login file was unreadable (" + firstLine(why)
                        + "); it was moved to " + aside, "run coze-login");
            }
        } catch (IOException e) {
            throw new CozeException(CozeException.FAILED, "cannot read " + file() + ": " + e.getMessage(), null, e);
        }
    }

    private void tightenMode() throws IOException {
        if (PrivateFiles.tighten(file(), PrivateFiles.FILE_MODE))
            warn.accept("warning: " + file() + " was readable by others; now only you can read it");
    }

    private static String firstLine(String s) {
        if (s == null) return "invalid JSON";
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 120 ? line.substring(0, 120) + "…" : line;
    }
}
