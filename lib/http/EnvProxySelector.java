package lib.http;

import java.io.IOException;
import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lib.core.CozeConfig;
import lib.core.Urls;

/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY as curl reads them (lower-case first), which the JDK ignores,
 * with Basic credentials from the proxy URL (`http://user:pass@host:port`). Loopback is always
 * direct, so the login callback and a local coze-mock never go through a proxy.
 */
public final class EnvProxySelector extends ProxySelector {
    private final Map<String, String> env;

    public EnvProxySelector(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public List<Proxy> select(URI uri) {
        String host = uri.getHost();
        if (host == null || CozeConfig.loopback(host) || noProxy(host, uri.getPort())) return List.of(Proxy.NO_PROXY);
        URI p = proxyFor(uri.getScheme());
        if (p == null) return List.of(Proxy.NO_PROXY);
        return List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(p.getHost(), port(p))));
    }

    private URI proxyFor(String scheme) {
        String proxy = "https".equalsIgnoreCase(scheme) ? get("https_proxy") : get("http_proxy");
        if (proxy == null) proxy = get("all_proxy");
        if (proxy == null || proxy.isBlank()) return null;
        return URI.create(proxy.contains("://") ? proxy.trim() : "http://" + proxy.trim());
    }

    private static int port(URI proxy) {
        return proxy.getPort() != -1 ? proxy.getPort() : ("https".equalsIgnoreCase(proxy.getScheme()) ? 443 : 80);
    }

    /**
     * Answers a proxy's 407 with the user and password of the proxy URL that asked (never a server's
     * 401); null when no proxy URL carries any.
     */
    Authenticator authenticator() {
        Map<String, PasswordAuthentication> byProxy = new HashMap<>();
        for (String scheme : List.of("http", "https")) {
            URI p = proxyFor(scheme);
            String userInfo = p == null ? null : p.getRawUserInfo();
            if (userInfo == null) continue;
            int colon = userInfo.indexOf(':');
            String user = Urls.decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            String password = colon < 0 ? "" : Urls.decode(userInfo.substring(colon + 1));
            if (user == null || password == null) continue;
            byProxy.put(p.getHost().toLowerCase(Locale.ROOT) + ":" + port(p), new PasswordAuthentication(user, password.toCharArray()));
        }
        if (byProxy.isEmpty()) return null;
        return new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                if (getRequestorType() != RequestorType.PROXY) return null;
                return byProxy.get(getRequestingHost().toLowerCase(Locale.ROOT) + ":" + getRequestingPort());
            }
        };
    }

    @Override
    public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}

    private String get(String lowerName) {
        String v = env.get(lowerName);
        return v != null ? v : env.get(lowerName.toUpperCase(Locale.ROOT));
    }

    private boolean noProxy(String host, int port) {
        String list = get("no_proxy");
        if (list == null) return false;
        String h = host.toLowerCase(Locale.ROOT);
        for (String raw : list.split(",")) {
            String entry = raw.trim().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) continue;
            if (entry.equals("*")) return true;
            int colon = entry.lastIndexOf(':');
            if (colon > 0 && entry.indexOf(':') == colon) {
                if (!entry.substring(colon + 1).equals(String.valueOf(port))) continue;
                entry = entry.substring(0, colon);
            }
            if (entry.startsWith("*.")) entry = entry.substring(1);
            if (entry.startsWith(".") ? h.endsWith(entry) || h.equals(entry.substring(1))
                    : h.equals(entry) || h.endsWith("." + entry)) return true;
        }
        return false;
    }
}
