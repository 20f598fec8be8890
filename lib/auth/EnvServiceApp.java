package lib.auth;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import lib.core.CozeException;
import lib.http.Bearer;

/**
 * A service app given in the environment (COZE_JWT_OAUTH_CLIENT_ID, _PUBLIC_KEY_ID and _PRIVATE_KEY
 * or _PRIVATE_KEY_FILE, the names of coze-py's examples), for CI: the token is minted in memory,
 * renewed the same way when stale or rejected, and nothing is written under COZE_HOME.
 */
final class EnvServiceApp implements Bearer {
    static final String CLIENT_ID = "COZE_JWT_OAUTH_CLIENT_ID", KEY_ID = "COZE_JWT_OAUTH_PUBLIC_KEY_ID",
            KEY = "COZE_JWT_OAUTH_PRIVATE_KEY", KEY_FILE = "COZE_JWT_OAUTH_PRIVATE_KEY_FILE";

    /** What the variables say, read once; the key is parsed only when a token is needed. */
    record Settings(String clientId, String keyId, String keyPem, String keyFile) {
        /** The service app the environment names, or null when it names none. */
        static Settings of(Map<String, String> env) {
            String client = value(env, CLIENT_ID);
            if (client == null) return null;
            String keyId = value(env, KEY_ID), pem = value(env, KEY), file = value(env, KEY_FILE);
            if (keyId == null || (pem == null) == (file == null))
                throw new CozeException(CozeException.USAGE, CLIENT_ID + " is set, so " + KEY_ID + " and one of " + KEY + " (the PEM text) or "
                        + KEY_FILE + " must be too", "see coze-login --help (Logins for CI and servers in the README)");
            return new Settings(client, keyId, pem, file);
        }

        @Override
        public String toString() {
            return "Settings[clientId=" + clientId + ", keyId=" + keyId + "]";
        }

        PrivateKey key(Consumer<String> warn) {
            return keyPem != null ? ServiceAppKey.parse(keyPem, KEY) : ServiceAppKey.read(Path.of(keyFile), warn);
        }

        private static String value(Map<String, String> env, String name) {
            String v = env.get(name);
            return v == null || v.isBlank() ? null : v.strip();
        }
    }

    private final String apiBase;
    private final Settings settings;
    private final Duration margin;
    private final Consumer<String> warn, debug;
    private PrivateKey key;
    private CozeOAuth.Token current;

    EnvServiceApp(String apiBase, Settings settings, Duration margin, Consumer<String> warn, Consumer<String> debug) {
        this.apiBase = apiBase;
        this.settings = settings;
        this.margin = margin;
        this.warn = warn;
        this.debug = debug;
    }

    String apiBase() {
        return apiBase;
    }

    /** A token valid for at least `wanted`, minted first when the one in memory is not. */
    synchronized String token(Duration wanted) {
        // expiresAt 0: Coze gave no expiry, so the token is kept, as a stored login's would be.
        if (current == null || current.expiresAt() != 0 && Instant.now().plus(wanted).getEpochSecond() >= current.expiresAt()) current = mint();
        return current.accessToken();
    }

    @Override
    public String token() {
        return token(margin);
    }

    @Override
    public synchronized String afterRejection(String rejected) {
        if (current != null && !current.accessToken().equals(rejected)) return current.accessToken();
        current = mint();
        return current.accessToken();
    }

    private CozeOAuth.Token mint() {
        if (key == null) key = settings.key(warn);
        TokenStore.ServiceApp app = new TokenStore.ServiceApp(settings.keyId(), null, null, null, null, JwtGrant.DEFAULT_DURATION);
        return JwtGrant.mint(apiBase, settings.clientId(), app, key, debug);
    }

    @Override
    public String toString() {
        return "EnvServiceApp[" + settings + "]";
    }
}
