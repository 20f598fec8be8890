import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.Writer;
import lib.chat.ChatStream;
import lib.chat.JsonOutput;
import lib.core.CozeException;
import org.junit.jupiter.api.Test;

/** Data without end, from a server or stdin, meets a documented limit and one line, not the 64 MB heap's end. */
class BoundsTest {
    @Test
    void aJsonAnswerLongerThanItsLimitFailsInOneLine() {
        JsonOutput json = new JsonOutput(new PrintWriter(Writer.nullWriter()));
        String chunk = "x".repeat(64 << 10);
        CozeException e = assertThrows(CozeException.class, () -> {
            for (int i = 0; i < 17 * 16; i++) json.answer(chunk); // 17 MiB of deltas
        });
        assertEquals(CozeException.FAILED, e.exitCode);
        assertEquals("the answer is longer than 4194304 characters, more than --json holds", e.getMessage());
    }

    @Test
    void endlessFollowUpsKeepTheFirstHundred() {
        ChatStream.Result r = new ChatStream.Result();
        for (int i = 0; i < 100_000; i++) r.followUp("question " + i);
        assertEquals(ChatStream.Result.MAX_FOLLOW_UPS, r.followUps.size());
        assertEquals("question 99", r.followUps.get(99));
    }
}
