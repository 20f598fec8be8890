package lib.auth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import lib.core.CozeCli;
import lib.core.CozeException;
import picocli.CommandLine.Option;

/**
 * `coze-login --jwt`'s options (a mixin) and its first grant, made at login so that a wrong key or
 * key id fails there and not in a later chat. The key's path is kept, never the key.
 */
public final class ServiceAppLogin {
    @Option(names = "--jwt", description = "Log in as a service app (OAuth JWT): needs --client-id, --key-id and --private-key.")
    public boolean jwt;

    @Option(names = "--key-id", paramLabel = "KID", description = "With --jwt: the id of the public key registered on the app.")
    String keyId;

    @Option(names = "--private-key", paramLabel = "FILE", description = "With --jwt: the app's private key (PKCS#8 PEM). Its path is stored, never the key.")
    Path privateKey;

    @Option(names = "--session-name", paramLabel = "NAME", description = "With --jwt: the session_name of the grant, to keep users' sessions apart.")
    String sessionName;

    @Option(names = "--account-id", paramLabel = "ID", description = "With --jwt: get the token for this account.")
    String accountId;

    @Option(names = "--enterprise-id", paramLabel = "ID", description = "With --jwt: get the token for this enterprise.")
    String enterpriseId;

    @Option(names = "--ttl", defaultValue = "15m", converter = CozeCli.DurationConverter.class, paramLabel = "DURATION",
            description = "With --jwt: how long each token lives (default: ${DEFAULT-VALUE}; at most 86399s).")
    Duration ttl;

    /** The app as it is stored and its first token. */
    public record Granted(String clientId, TokenStore.ServiceApp app, CozeOAuth.Token token) {}

    /** Checks the options, reads the key and asks `base` for a token. */
    public Granted grant(String base, String clientId, Consumer<String> warn, Consumer<String> debug) {
        if (clientId == null || clientId.isBlank() || keyId == null || keyId.isBlank() || privateKey == null)
            throw new CozeException(CozeException.USAGE, "--jwt needs --client-id, --key-id and --private-key",
                    "e.g. coze-login --jwt --client-id 1180.app.coze --key-id KID --private-key app.pem");
        if (accountId != null && enterpriseId != null)
            throw new CozeException(CozeException.USAGE, "--account-id and --enterprise-id exclude each other", "give one");
        for (String id : new String[] {accountId, enterpriseId})
            if (id != null && !JwtGrant.ID.matcher(id).matches())
                throw new CozeException(CozeException.USAGE, "an account or enterprise id is letters, digits, - and _ only");
        long seconds = ttl.getSeconds();
        if (seconds < 1 || seconds > JwtGrant.MAX_DURATION)
            throw new CozeException(CozeException.USAGE, "--ttl must be between 1s and " + JwtGrant.MAX_DURATION + "s", "e.g. --ttl 15m");
        String keyFile = privateKey.toAbsolutePath().normalize().toString();
        TokenStore.ServiceApp app = new TokenStore.ServiceApp(keyId.strip(), keyFile, blankToNull(sessionName), accountId, enterpriseId, seconds);
        String client = clientId.strip();
        return new Granted(client, app, JwtGrant.mint(base, client, app, JwtGrant.readKey(privateKey, warn), debug));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
