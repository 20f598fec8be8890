import static org.junit.jupiter.api.Assertions.*;

import java.util.stream.Stream;
import lib.core.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The JSON readers: strict documents and the one-pass field reader of the streaming hot path. */
class JsonTest {
    /** The one-pass field reader of the delta hot path gives what the tree gives, and refuses the same inputs. */
    @ParameterizedTest
    @MethodSource("deltaBodies")
    void fieldReaderAgreesWithTheTree(String body) {
        String[] names = {"type", "content", "reasoning_content"};
        com.google.gson.JsonObject tree;
        try {
            tree = Json.object(body);
        } catch (com.google.gson.JsonParseException e) {
            String[] fields = null;
            try {
                fields = Json.strings(body, names);
            } catch (com.google.gson.JsonParseException expected) {
                return;
            }
            assertNull(fields, "the tree refused " + body);
            return;
        }
        String[] fields = Json.strings(body, names);
        for (int i = 0; i < names.length; i++) assertEquals(Json.str(tree, names[i]), fields[i], names[i] + " of " + body);
    }

    static Stream<String> deltaBodies() {
        return Stream.of("{\"type\":\"answer\",\"content\":\"a\\n\\\"b\\u4e2d\\ud83c\\udf0d\"}",
                "{\"id\":\"1\",\"meta\":{\"content\":\"nested\"},\"list\":[1,{\"type\":\"x\"}],\"type\":\"answer\",\"content\":\"\"}",
                "{\"type\":\"answer\",\"content\":12.5,\"reasoning_content\":true}",
                "{\"type\":null,\"content\":{\"a\":1},\"reasoning_content\":[\"x\"]}",
                "{\"content\":\"first\",\"content\":\"last\"}",
                "{}", "[]", "\"text\"", "", "{\"type\":\"answer\"", "{\"type\":\"answer\"} {}", "{'type':'answer'}",
                "{\"type\":answer}", "{\"content\":\"x\",}", "{\"content\":NaN}");
    }
}
