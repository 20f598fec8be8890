import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import lib.core.CozeConfig;
import lib.core.CozeException;
import lib.core.Urls;
import lib.http.EnvProxySelector;
import org.junit.jupiter.api.Test;

/** API bases, loopback hosts, and the query parsing of the login's callback. */
class CozeConfigTest {
    @Test
    void apiBaseWords() {
        assertEquals("https://api.coze.cn", CozeConfig.apiBase(null));
        assertEquals("https://api.coze.com", CozeConfig.apiBase("com"));
        assertEquals("http://127.0.0.1:1", CozeConfig.apiBase("http://127.0.0.1:1/"));
        assertEquals(CozeException.USAGE, assertThrows(CozeException.class, () -> CozeConfig.apiBase("ftp://x")).exitCode);
        assertEquals(CozeException.USAGE, assertThrows(CozeException.class, () -> CozeConfig.apiBase("http://api.coze.cn")).exitCode,
                "plain http off loopback");
        assertEquals("http://coze.internal:8080", CozeConfig.apiBase("http://coze.internal:8080", true), "unless the user accepts it");
        assertEquals("http://localhost:9", CozeConfig.apiBase("http://localhost:9"));
    }

    /** What users copy from the browser's address bar means the same as cn and com. */
    @Test
    void theSitesOwnNamesAreApiBasesToo() {
        for (String com : List.of("coze.com", "www.coze.com", "api.coze.com", "https://www.coze.com/", "COZE.COM"))
            assertEquals(CozeConfig.COM, CozeConfig.apiBase(com), com);
        for (String cn : List.of("coze.cn", "https://www.coze.cn", "api.coze.cn"))
            assertEquals(CozeConfig.CN, CozeConfig.apiBase(cn), cn);
        assertEquals(CozeException.USAGE, assertThrows(CozeException.class, () -> CozeConfig.apiBase("coze.org")).exitCode);
    }

    /** By spelling alone: a name that merely starts with 127. is resolved by DNS and can be anywhere. */
    @Test
    void loopbackIsAnAddressNotAPrefix() {
        for (String h : List.of("127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "[::1]", "::1", "0:0:0:0:0:0:0:1"))
            assertTrue(CozeConfig.loopback(h), h);
        for (String h : List.of("127.attacker.test", "127.0.0.1.nip.io", "127.0.0.256", "127.0.0", "128.0.0.1", "localhost.example",
                "[::2]", "", "10.0.0.1"))
            assertFalse(CozeConfig.loopback(h), h);
        assertNotEquals(java.net.Proxy.NO_PROXY, new EnvProxySelector(Map.of("https_proxy", "http://proxy.example:3128"))
                .select(java.net.URI.create("https://127.attacker.test/v3/chat")).get(0), "such a host goes through the proxy like any other");
    }

    @Test
    void queryIsSplitRawThenDecodedOnce() {
        Map<String, String> q = Urls.query("code=ab%3Dcd%26e%2Bf&state=xy%2Fz&x=1+2&flag");
        assertEquals("ab=cd&e+f", q.get("code"));
        assertEquals("xy/z", q.get("state"));
        assertEquals("1 2", q.get("x"));
        assertEquals("", q.get("flag"));
        assertNull(Urls.query("a=%zz").get("a"));
    }
}
