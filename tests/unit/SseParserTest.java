import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import lib.http.SseParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The SSE parser against the WHATWG rules, at every chunk size and split. */
class SseParserTest {
    static Stream<Arguments> sseCases() {
        return Stream.of(
                Arguments.of("coze wire format", "event:conversation.message.delta\ndata:{\"content\":\"hi\"}\n\n",
                        List.of("conversation.message.delta|{\"content\":\"hi\"}")),
                Arguments.of("one optional space", "data: x\n\ndata:  y\n\n", List.of("message|x", "message| y")),
                Arguments.of("first colon splits", "data:{\"u\":\"http://h:8080/x\"}\n\n", List.of("message|{\"u\":\"http://h:8080/x\"}")),
                Arguments.of("CRLF", "event:a\r\ndata:1\r\n\r\n", List.of("a|1")),
                Arguments.of("lone CR", "event:a\rdata:1\r\r", List.of("a|1")),
                Arguments.of("mixed endings", "data:1\r\n\ndata:2\r\rdata:3\n\r\n", List.of("message|1", "message|2", "message|3")),
                Arguments.of("comments ignored", ":ping\n\n:x\ndata:1\n\n", List.of("message|1")),
                Arguments.of("multi-line data", "data:a\ndata:b\ndata:\n\n", List.of("message|a\nb\n")),
                Arguments.of("field without colon", "data\n\n", List.of("message|")),
                Arguments.of("event without data dropped", "event:x\n\ndata:1\n\n", List.of("message|1")),
                Arguments.of("type resets after dispatch", "event:x\ndata:1\n\ndata:2\n\n", List.of("x|1", "message|2")),
                Arguments.of("unknown fields ignored", "foo:bar\ndata:1\nDATA:2\n\n", List.of("message|1")),
                Arguments.of("BOM stripped once", "\uFEFFdata:1\n\ndata:\uFEFF2\n\n", List.of("message|1", "message|\uFEFF2")),
                Arguments.of("unterminated event discarded", "data:1\n\ndata:2\n", List.of("message|1")),
                Arguments.of("UTF-8 multi-byte", "data:你好🌍€ café\n\n", List.of("message|你好🌍€ café")),
                Arguments.of("leading space kept", "data: \u00a0 two spaces\n\n", List.of("message|\u00a0 two spaces")));
    }

    static List<String> parse(byte[] bytes, int chunk) {
        List<String> events = new ArrayList<>();
        SseParser p = new SseParser((type, data, id) -> events.add(type + "|" + data));
        for (int i = 0; i < bytes.length; i += chunk) p.feed(bytes, i, Math.min(chunk, bytes.length - i));
        p.end();
        return events;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sseCases")
    void sseConformanceAtEveryChunkSize(String name, String input, List<String> expected) {
        byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
        for (int chunk : new int[] {1, 2, 3, 7, Math.max(1, bytes.length)}) assertEquals(expected, parse(bytes, chunk), "chunk " + chunk);
    }

    @Test
    void idAndRetryRules() {
        List<String> ids = new ArrayList<>();
        SseParser p = new SseParser((type, data, id) -> ids.add(id));
        p.feed("id:1\ndata:a\n\ndata:b\n\nid:x\0y\ndata:c\n\nid\ndata:d\n\nretry:12a\nretry:250\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("1", "1", "1", ""), ids);
        assertEquals(250, p.retryMillis());
    }

    @Test
    void anySplitYieldsTheSameEvents() {
        java.util.Random r = new java.util.Random(42);
        String[] pieces = {"event:", "conversation.message.delta", "\n", "\r\n", "data:", "{\"c\":\"你好\"}", ":ping\n", "\n\n", "data: 🌍\n"};
        for (int round = 0; round < 300; round++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 20; i++) sb.append(pieces[r.nextInt(pieces.length)]);
            byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
            List<String> whole = parse(bytes, bytes.length + 1);
            List<String> split = new ArrayList<>();
            SseParser p = new SseParser((type, data, id) -> split.add(type + "|" + data));
            int i = 0;
            while (i < bytes.length) {
                int n = Math.min(bytes.length - i, 1 + r.nextInt(5));
                p.feed(bytes, i, n);
                i += n;
            }
            p.end();
            assertEquals(whole, split, sb.toString());
        }
    }

    @Test
    void overlongLineFailsCleanly() {
        SseParser p = new SseParser((t, d, id) -> {}, 1024);
        byte[] big = new byte[4096];
        java.util.Arrays.fill(big, (byte) 'a');
        assertThrows(SseParser.SseException.class, () -> p.feed(big));
    }

    /** Lines under the limit that never end their event must not join into an ever-growing one. */
    @Test
    void overlongEventFailsCleanly() {
        List<String> events = new ArrayList<>();
        SseParser p = new SseParser((t, d, id) -> events.add(d), 1024);
        byte[] line = ("data:" + "a".repeat(300) + "\n").getBytes(StandardCharsets.UTF_8);
        p.feed(line);
        p.feed(line);
        p.feed(line);
        SseParser.SseException e = assertThrows(SseParser.SseException.class, () -> p.feed(line));
        assertTrue(e.getMessage().contains("event is longer"), e.getMessage());
        SseParser ok = new SseParser((t, d, id) -> events.add(d), 1024);
        for (int i = 0; i < 10; i++) ok.feed(("data:" + "a".repeat(300) + "\n\n").getBytes(StandardCharsets.UTF_8));
        assertEquals(10, events.size(), "each event is measured on its own");
    }
}
