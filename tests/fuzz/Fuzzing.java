import static org.junit.jupiter.api.Assertions.*;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonParseException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import lib.auth.TokenStore;
import lib.core.Urls;
import lib.http.SseParser;
import org.junit.jupiter.api.Tag;

/**
 * Jazzer fuzz tests for the three parsers that read what others wrote: the SSE stream, the login
 * callback's query string and the token file. In the normal test run they replay the committed
 * corpus (tests/fuzz/FuzzingInputs/METHOD/); to fuzz for longer, see docs/RELIABILITY.md.
 */
@Tag("last") // Jazzer hooks network and process calls once loaded
class Fuzzing {
    /** Any split of a stream into chunks gives the same events as the whole; nothing throws. */
    @FuzzTest(maxDuration = "60s")
    void sseParser(FuzzedDataProvider data) {
        long seed = data.consumeLong();
        byte[] input = data.consumeRemainingAsBytes();
        List<String> whole = events(input, new Random(seed), false), split = events(input, new Random(seed), true);
        assertEquals(whole, split);
    }

    private static List<String> events(byte[] input, Random random, boolean split) {
        List<String> events = new ArrayList<>();
        SseParser parser = new SseParser((type, data, id) -> events.add(type + "|" + data + "|" + id));
        int off = 0;
        while (off < input.length) {
            int n = split ? 1 + random.nextInt(Math.min(input.length - off, 64)) : input.length - off;
            parser.feed(input, off, n);
            off += n;
        }
        parser.end();
        return events;
    }

    /** Any query string gives a map of decoded names and values, never an exception or a null. */
    @FuzzTest(maxDuration = "60s")
    void callbackQuery(byte[] data) {
        Map<String, String> params = Urls.query(new String(data, StandardCharsets.UTF_8));
        params.forEach((k, v) -> assertTrue(k != null && v != null));
    }

    /** Any token file is a login with every required field (an ended one has no token), or refused with the errors load() handles. */
    @FuzzTest(maxDuration = "60s")
    void tokenFile(byte[] data) {
        TokenStore.Login login;
        try {
            login = TokenStore.parse(data);
        } catch (JsonParseException | IllegalStateException refused) {
            return;
        }
        assertNotNull(login.kind());
        assertNotNull(login.apiBase());
        // An ended login is kept without its dead tokens; any other holds an access token.
        assertTrue(login.ended() != null || login.accessToken() != null, "an access token, unless the login has ended");
        assertNotNull(login.userId());
        assertTrue(login.expiresAt() >= 0);
        byte[] saved = login.toJson().toString().getBytes(StandardCharsets.UTF_8);
        assertEquals(login.toJson(), TokenStore.parse(saved).toJson(), "a stored login reads back the same");
    }
}
