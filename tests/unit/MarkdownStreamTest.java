import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import java.util.Random;
import lib.chat.MarkdownStream;
import lib.core.Style;
import lib.core.Terminal;
import org.junit.jupiter.api.Test;

/** Markdown rendered while it streams: the same screen however the answer is cut into deltas. */
class MarkdownStreamTest {
    static final Style ON = new Style(true);
    static final String ANSWER = "# Plan\nSome **bold**, *emphasis* and `code`; 2 * 3 = 6.\n- one\n  * nested\n1. first\n"
            + "> a quote\n```java\nint x = 2 * 3; // **not bold**\n```\n**unclosed\nnext line";

    static String render(String text, int... cuts) {
        return render(ON, 80, text, cuts);
    }

    static String render(Style style, int columns, String text, int... cuts) {
        MarkdownStream md = new MarkdownStream(style, () -> columns);
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

    static final String TABLE = "Prices:\n| 城市 | days | cost |\n|---|:---:|---:|\n| 北京 | 3 | 1200 |\n| Paris | 10 | 80 |\nThat is all.\n";
    static final String ALIGNED = "Prices:\n"
            + "城市  │ days │ cost\n"
            + "──────┼──────┼─────\n"
            + "北京  │  3   │ 1200\n"
            + "Paris │  10  │   80\n"
            + "That is all.\n";

    @Test
    void aTableIsShownInAlignedColumnsWithWideCharactersCountedTwice() {
        assertEquals(ALIGNED, render(Style.NONE, 80, TABLE));
        String styled = render(TABLE);
        assertTrue(styled.contains("\u001b[1m城市\u001b[0m \u001b[2m │ \u001b[0m\u001b[1mdays\u001b[0m"), "the header bold, the bars dim: " + styled);
        assertTrue(styled.contains("\u001b[2m─────\u001b[0m\u001b[2m─┼─\u001b[0m"), "the rule dim: " + styled);
    }

    @Test
    void aTableStreamedInPiecesIsTheSameTable() {
        int start = TABLE.indexOf("| 北京"), bar = TABLE.indexOf("1200");
        assertEquals(ALIGNED, render(Style.NONE, 80, TABLE, start + 1, start + 4, bar, bar + 2), "a row in four pieces");
        for (int cut = 1; cut < TABLE.length(); cut++)
            assertEquals(ALIGNED, render(Style.NONE, 80, TABLE, cut), "cut at " + cut);
        int[] everyChar = java.util.stream.IntStream.range(1, TABLE.length()).toArray();
        assertEquals(render(TABLE), render(ON, 80, TABLE, everyChar), "one character at a time, styled");
    }

    @Test
    void aTableThatEndsTheAnswerIsShownWithoutALineItDidNotEnd() {
        assertEquals("a │ b\n──┼──\n1 │ 2", render(Style.NONE, 80, "| a | b |\n|---|---|\n| 1 | 2 |"));
        assertEquals("a │ b\n──┼──\n1 │ 2\n", render(Style.NONE, 80, "| a | b |\n|---|---|\n| 1 | 2 |\n"));
        assertEquals("a     │ b\n──────┼──\nx | y │ \n", render(Style.NONE, 80, "| a | b |\n|-|-|\n| x \\| y |\n"), "an escaped pipe, a missing cell");
    }

    @Test
    void aTableWiderThanTheTerminalOrNotATableIsShownAsWritten() {
        assertEquals(TABLE, render(Style.NONE, 18, TABLE), "19 columns do not fit in 18");
        assertEquals(ALIGNED, render(Style.NONE, 19, TABLE));
        String notTable = "| not | a table |\n| no | delimiter |\nafter\n";
        MarkdownStream md = new MarkdownStream(Style.NONE, () -> 80);
        assertEquals("| not | a table |\n| no | delimiter |\n", md.feed("| not | a table |\n| no | delimiter |\n"), "shown once the second row says it is no table");
        assertEquals(notTable, render(Style.NONE, 80, notTable));
        assertEquals("| a | b |\nno delimiter", render(Style.NONE, 80, "| a | b |\nno delimiter"));
        assertEquals("```\n| in | code |\n|---|---|\n```\n", render(Style.NONE, 80, "```\n| in | code |\n|---|---|\n```\n"));
    }

    @Test
    void columnsCountWideCharactersTwiceAndMarksAndEscapesNotAtAll() {
        assertEquals(4, Terminal.width("北京"));
        assertEquals(6, Terminal.width("한국어"));
        assertEquals(1, Terminal.width("e\u0301"));
        assertEquals(2, Terminal.width("\u001b[1mab\u001b[0m"));
        assertEquals(4, Terminal.width("ＡＢ"));
        assertEquals(80, Terminal.columns(Map.of()));
        assertEquals(132, Terminal.columns(Map.of("COLUMNS", "132")));
    }
}
