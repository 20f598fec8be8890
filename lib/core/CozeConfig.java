import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/** Where the toolkit talks to and where it keeps its state, as the README's Environment section defines them. */
final class CozeConfig {
    static final String VERSION = "0.1.0";
    static final String CN = "https://api.coze.cn";
    static final String COM = "https://api.coze.com";
    static final String DEFAULT_API_BASE = CN;

    private CozeConfig() {}

    /** `cn`, `com` or a URL (trailing slash dropped); null or blank means the default. */
    static String apiBase(String given) {
        if (given == null || given.isBlank()) return DEFAULT_API_BASE;
        String s = given.trim();
        switch (s.toLowerCase(Locale.ROOT)) {
            case "cn": return CN;
            case "com": return COM;
            default:
        }
        URI uri;
        try {
            uri = URI.create(s);
        } catch (IllegalArgumentException e) {
            throw new CozeException(CozeException.USAGE, "invalid API base '" + s + "': use cn, com or an http(s) URL");
        }
        if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())))
            throw new CozeException(CozeException.USAGE, "invalid API base '" + s + "': use cn, com or an http(s) URL");
        while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        return s;
    }

    /** The browser (authorize) host: `api.` becomes `www.`; a base without `api.` serves both. */
    static String wwwBase(String apiBase) {
        URI uri = URI.create(apiBase);
        String host = uri.getHost();
        if (!host.startsWith("api.")) return apiBase;
        return apiBase.replaceFirst("//api\\.", "//www.");
    }

    static String shortName(String apiBase) {
        if (CN.equals(apiBase)) return "coze.cn";
        if (COM.equals(apiBase)) return "coze.com";
        return apiBase;
    }

    /** $COZE_HOME, else `.coze` in the user's home: %USERPROFILE% on Windows, where Java's user.home may differ. */
    static Path home(Os os) {
        String dir = os.env().get("COZE_HOME");
        if (dir != null && !dir.isBlank()) return Path.of(dir).toAbsolutePath();
        String profile = os.windows() ? os.env().get("USERPROFILE") : null;
        return Path.of(profile != null && !profile.isBlank() ? profile : System.getProperty("user.home"), ".coze");
    }

    static Path home() {
        return home(Os.current());
    }
}
