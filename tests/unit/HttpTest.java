import static org.junit.jupiter.api.Assertions.*;

import java.net.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import lib.http.CozeHttp;
import lib.http.EnvProxySelector;
import org.junit.jupiter.api.Test;

/** HTTP plumbing: proxies from the environment and Retry-After. */
class HttpTest {
    @Test
    void proxiesComeFromTheEnvironmentButNeverForLoopback() {
        EnvProxySelector sel = new EnvProxySelector(Map.of("https_proxy", "http://proxy.example:3128", "NO_PROXY", ".internal,api.coze.com"));
        List<Proxy> p = sel.select(URI.create("https://api.coze.cn/v3/chat"));
        assertEquals(Proxy.Type.HTTP, p.get(0).type());
        assertEquals(Proxy.NO_PROXY, sel.select(URI.create("https://api.coze.com/")).get(0));
        assertEquals(Proxy.NO_PROXY, sel.select(URI.create("https://x.internal/")).get(0));
        assertEquals(Proxy.NO_PROXY, sel.select(URI.create("http://127.0.0.1:8080/callback")).get(0));
        assertEquals(Proxy.NO_PROXY, new EnvProxySelector(Map.of()).select(URI.create("https://api.coze.cn/")).get(0));
    }

    @Test
    void retryAfterParsing() {
        assertEquals(Duration.ofSeconds(3), CozeHttp.retryAfter("3"));
        assertNull(CozeHttp.retryAfter("soon"));
        assertNotNull(CozeHttp.retryAfter("Wed, 21 Oct 2099 07:28:00 GMT"));
    }
}
