package lib.core;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Locale;

/** Where the toolkit talks to and where it keeps its state, as the README's Environment section defines them. */
public final class CozeConfig {
    public static final String VERSION = "0.1.0";
    public static final String CN = "https://api.coze.cn";
    public static final String COM = "https://api.coze.com";
    public static final String DEFAULT_API_BASE = CN;

    private CozeConfig() {}

    /** `cn`, `com` (or coze.cn, www.coze.com, …) or a URL (trailing slash dropped); null or blank means the default. */
    public static String apiBase(String given) {
        return apiBase(given, false);
    }

    /**
     * The same; `http://` is refused unless the host is loopback or the user passed --insecure-http:
     * a personal token, an authorization code, a verifier or a refresh token would travel in clear.
     */
    public static String apiBase(String given, boolean insecureHttp) {
        if (given == null || given.isBlank()) return DEFAULT_API_BASE;
        String s = given.trim();
        // The site's own names are what users copy from the address bar.
        switch (s.toLowerCase(Locale.ROOT).replaceFirst("^https://", "").replaceFirst("/+$", "")) {
            case "cn", "coze.cn", "www.coze.cn", "api.coze.cn": return CN;
            case "com", "coze.com", "www.coze.com", "api.coze.com": return COM;
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
        if ("http".equals(uri.getScheme()) && !loopback(uri.getHost()) && !insecureHttp)
            throw new CozeException(CozeException.USAGE, "refusing " + s + ": over http:// your token would travel in clear",
                    "use https://, or pass --insecure-http if you accept that risk");
        while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        return s;
    }

    /** The one line said each time a command talks to such a base. */
    public static String clearWarning(String apiBase) {
        return "warning: " + apiBase + " is plain http:// off this machine: the token travels in clear (--insecure-http)";
    }

    /** Whether requests to this API base would carry the token in clear off this machine (http:// to a host not spelled as loopback). */
    public static boolean inClear(String apiBase) {
        URI uri = URI.create(apiBase);
        return "http".equals(uri.getScheme()) && !loopback(uri.getHost());
    }

    /**
     * A loopback host by its spelling alone, never by a lookup: `localhost`, an IPv4 literal in
     * 127.0.0.0/8 or the IPv6 literal ::1. (`127.attacker.test` is a DNS name like any other.)
     */
    public static boolean loopback(String host) {
        if (host == null) return false;
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) return true;
        if (h.contains(":")) {
            try {
                return InetAddress.getByName(h).isLoopbackAddress(); // an IPv6 literal: parsed, never looked up
            } catch (UnknownHostException notALiteral) {
                return false;
            }
        }
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) return false;
        for (String p : parts)
            if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > 255) return false;
        return true;
    }

    /** The browser (authorize) host: `api.` becomes `www.`; a base without `api.` serves both. */
    public static String wwwBase(String apiBase) {
        URI uri = URI.create(apiBase);
        String host = uri.getHost();
        if (!host.startsWith("api.")) return apiBase;
        return apiBase.replaceFirst("//api\\.", "//www.");
    }

    public static String shortName(String apiBase) {
        if (CN.equals(apiBase)) return "coze.cn";
        if (COM.equals(apiBase)) return "coze.com";
        return apiBase;
    }

    /**
     * $COZE_HOME, else `.coze` in the user's home as the shell has it: %USERPROFILE% on Windows, $HOME
     * elsewhere (as git and gh read it; Java's user.home comes from the password file and ignores a
     * changed HOME), else Java's user.home.
     */
    public static Path home(Os os) {
        String dir = os.env().get("COZE_HOME");
        if (dir != null && !dir.isBlank()) return Path.of(dir).toAbsolutePath();
        String home = os.env().get(os.windows() ? "USERPROFILE" : "HOME");
        return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"), ".coze");
    }

    public static Path home() {
        return home(Os.current());
    }
}
