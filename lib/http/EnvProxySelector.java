import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY as curl reads them (lower-case first), which the JDK ignores.
 * Loopback is always direct, so the login callback and a local coze-mock never go through a proxy.
 */
final class EnvProxySelector extends ProxySelector {
    private final Map<String, String> env;

    EnvProxySelector(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public List<Proxy> select(URI uri) {
        String host = uri.getHost();
        if (host == null || CozeConfig.loopback(host) || noProxy(host, uri.getPort())) return List.of(Proxy.NO_PROXY);
        String proxy = "https".equalsIgnoreCase(uri.getScheme()) ? get("https_proxy") : get("http_proxy");
        if (proxy == null) proxy = get("all_proxy");
        if (proxy == null || proxy.isBlank()) return List.of(Proxy.NO_PROXY);
        URI p = URI.create(proxy.contains("://") ? proxy : "http://" + proxy);
        int port = p.getPort() != -1 ? p.getPort() : ("https".equalsIgnoreCase(p.getScheme()) ? 443 : 80);
        return List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(p.getHost(), port)));
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
