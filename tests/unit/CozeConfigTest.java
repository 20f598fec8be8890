import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** API bases, and the query parsing of the login's callback. */
class CozeConfigTest {
    @Test
    void apiBaseWords() {
        assertEquals("https://api.coze.cn", CozeConfig.apiBase(null));
        assertEquals("https://api.coze.com", CozeConfig.apiBase("com"));
        assertEquals("http://127.0.0.1:1", CozeConfig.apiBase("http://127.0.0.1:1/"));
        assertEquals(CozeException.USAGE, assertThrows(CozeException.class, () -> CozeConfig.apiBase("ftp://x")).exitCode);
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
