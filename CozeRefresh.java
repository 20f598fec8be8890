///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS com.google.code.gson:gson:2.13.1
//SOURCES lib/core/Folder.java lib/http/Folder.java lib/auth/Folder.java
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
//DESCRIPTION Refresh the stored Coze login (rotation-safe), or print a valid access token.

import com.google.gson.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import lib.auth.Credentials;
import lib.auth.RefreshRehearsal;
import lib.auth.StoredLogin;
import lib.auth.TokenStore;
import lib.core.CozeCli;
import lib.core.CozeConfig;
import lib.core.CozeException;
import lib.core.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "coze-refresh", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
        description = "Refresh the stored Coze login, or print a valid access token for other tools.",
        footer = {"", "Example:", "  curl -H \"Authorization: Bearer $(coze-refresh --print)\" \\",
                "       https://api.coze.cn/v1/users/me", "",
                "Exit codes: 0 ok, 1 Coze error, 2 usage, 4 not logged in or the login has ended,", "5 network."})
public class CozeRefresh implements Callable<Integer> {
    @Option(names = "--if-needed", description = "Refresh only if the token expires within --min-valid.")
    boolean ifNeeded;

    @Option(names = "--min-valid", converter = CozeCli.DurationConverter.class, paramLabel = "DURATION",
            description = "How long the token must stay valid (default: 5m); implies --if-needed.")
    Duration minValid;

    @Option(names = "--print", description = "Print a valid access token (refreshed only if needed) and nothing else (silent on stderr).")
    boolean print;

    @Option(names = "--json", description = "Print the login's status as JSON on stdout (no secrets).")
    boolean json;

    @Mixin
    CozeCli.Common common;

    public static void main(String... args) {
        CozeCli.main(new CozeRefresh(), args, RefreshRehearsal::run);
    }

    @Override
    public Integer call() {
        if (print && json) throw new CozeException(CozeException.USAGE, "--print and --json both write stdout", "choose one");
        try {
            return refresh();
        } catch (CozeException e) {
            // A script reading --json gets JSON in every case, not an empty stdout (the line on stderr stays).
            if (json) common.out().println(Json.line(failure(e)));
            throw e;
        }
    }

    private int refresh() {
        Credentials creds = Credentials.of(common);
        Duration margin = minValid != null ? minValid : Credentials.DEFAULT_MARGIN;
        if (creds.fromEnvironment()) {
            // A service app in the environment mints its token now, in memory; COZE_API_TOKEN is printed as it is.
            if (print) common.out().println(creds.envToken(creds.apiBase(System.getenv("COZE_API_BASE"), common.insecureHttp), margin));
            else if (json) common.out().println(Json.line(environment(creds.environmentSource())));
            else common.say(creds.environmentSource() + " is set: the environment's login is not stored, so there is nothing to refresh");
            return 0;
        }
        StoredLogin stored = creds.stored(null);
        TokenStore.Login before = stored.require();
        boolean onlyIfNeeded = print || ifNeeded || minValid != null;
        TokenStore.Login after = onlyIfNeeded && before.validFor(margin, Instant.now()) ? before
                : stored.renew(onlyIfNeeded ? before.accessToken() : null);
        boolean refreshed = !after.accessToken().equals(before.accessToken());
        if (print) common.out().println(after.accessToken());
        if (json) common.out().println(Json.line(status(after, refreshed)));
        // --print is for $(…): as silent on stderr as `gh auth token`.
        if (!print) common.say((refreshed ? "Refreshed the " : "Not refreshed: the ") + CozeConfig.shortName(after.apiBase())
                + " login" + (refreshed ? "; it is valid until " : " is valid until ") + CozeCli.until(after.expiresAt()));
        return 0;
    }

    /** `{"error":…,"hint":…,"exit_code":…}`: why there is no status. */
    private static JsonObject failure(CozeException e) {
        JsonObject o = new JsonObject();
        o.addProperty("error", e.getMessage());
        if (e.hint != null) o.addProperty("hint", e.hint);
        o.addProperty("exit_code", e.exitCode);
        return o;
    }

    /** The environment's login: nothing stored, nothing refreshed. */
    private static JsonObject environment(String source) {
        JsonObject o = new JsonObject();
        o.addProperty("source", source);
        o.addProperty("stored", false);
        o.addProperty("refreshed", false);
        return o;
    }

    private static JsonObject status(TokenStore.Login login, boolean refreshed) {
        JsonObject o = new JsonObject();
        o.addProperty("api_base", login.apiBase());
        o.addProperty("kind", login.kind());
        o.addProperty("expires_at", login.expiresAt());
        o.addProperty("expires_in", Math.max(0, login.expiresAt() - Instant.now().getEpochSecond()));
        o.addProperty("has_refresh_token", login.refreshToken() != null);
        o.addProperty("refreshed", refreshed);
        return o;
    }
}
