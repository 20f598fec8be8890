import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import java.util.Random;
import lib.chat.MarkdownStream;
import lib.core.Style;
import org.junit.jupiter.api.Test;

/** Markdown rendered while it streams: the same screen however the answer is cut into deltas. */
class MarkdownStreamTest {
    static final Style ON = new Style(true);
    static final String ANSWER = "# Plan\nSome **bold**, *emphasis* and `code`; 2 * 3 = 6.\n- one\n  * nested\n1. first\n"
            + "> a quote\n```java\nint x = 2 * 3; // **not bold**\n```\n**unclosed\nnext line";

    static String render(String text, int... cuts) {
        MarkdownStream md = new MarkdownStream(ON);
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (int cut : cuts) {
            out.append(md.feed(text.substring(from, cut)));
            from = cut;
        }
        return out.append(md.feed(text.substring(from))).append(md.finish()).toString();
    }

    @Test
    void rendersEachKindOfLine() {
        String screen = render(ANSWER);
        assertTrue(screen.startsWith("\u001b[1mPlan\u001b[0m\n"), "a heading: bold, without its #: " + screen);
        assertTrue(screen.contains("Some \u001b[0m\u001b[1mbold\u001b[0m, \u001b[0m\u001b[3memphasis\u001b[0m and \u001b[0m\u001b[36mcode\u001b[0m; 2 * 3 = 6.\n"), screen);
        assertTrue(screen.contains("\n• one\n  • nested\n1. first\n"), "bullets, nested too: " + screen);
        assertTrue(screen.contains("\u001b[2m│ \u001b[0ma quote\n"), screen);
        assertTrue(screen.contains("\u001b[36mint x = 2 * 3; // **not bold**\u001b[0m\n"), "code is shown as written: " + screen);
        assertTrue(screen.contains("\u001b[1munclosed\u001b[0m\nnext line"), "an unclosed marker ends with its line: " + screen);
    }

    @Test
    void theScreenDoesNotDependOnHowTheAnswerWasCut() {
        String whole = render(ANSWER);
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            int[] cuts = random.ints(random.nextInt(12), 0, ANSWER.length() + 1).sorted().toArray();
            assertEquals(whole, render(ANSWER, cuts), "cut at " + java.util.Arrays.toString(cuts));
        }
        int[] everyChar = java.util.stream.IntStream.range(1, ANSWER.length()).toArray();
        assertEquals(whole, render(ANSWER, everyChar), "one character at a time");
    }

    @Test
    void textWithoutMarkdownIsUnchanged() {
        String plain = "Hello, 世界 🌍\n\tindented line\nno markers at all";
        assertEquals(plain, render(plain));
    }

    @Test
    void stylesAreOffForPipesNoColorAndDumbTerminals() {
        assertTrue(Style.of(true, Map.of()).on());
        assertFalse(Style.of(false, Map.of()).on(), "a pipe");
        assertFalse(Style.of(true, Map.of("NO_COLOR", "1")).on());
        assertTrue(Style.of(true, Map.of("NO_COLOR", "")).on(), "an empty NO_COLOR is unset (no-color.org)");
        assertFalse(Style.of(true, Map.of("TERM", "dumb")).on());
        assertEquals("x", Style.NONE.dim("x"));
    }
}
