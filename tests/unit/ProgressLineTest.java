import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import lib.core.ProgressLine;
import org.junit.jupiter.api.Test;

/** The upload progress line drawn by construction: what it says, how often it redraws, and that closing clears it for good. */
class ProgressLineTest {
    static final long MB = 1024 * 1024, MS = 1_000_000;
    final List<String> drawn = new ArrayList<>();
    final AtomicLong now = new AtomicLong(1_000 * MS);
    final ProgressLine line = new ProgressLine("uploading big.bin", 50 * MB, drawn::add, now::get);

    @Test
    void saysBytesOfTotalAndPercent() {
        line.sent(12 * MB + MB / 2);
        assertEquals(List.of("uploading big.bin: 12.5 of 50.0 MB (25%)"), drawn);
    }

    @Test
    void redrawsAtMostTenTimesASecond() {
        for (int ms = 0; ms < 1_000; ms++) {
            now.set(1_000 * MS + ms * MS);
            line.sent(ms * 50L * 1024);
        }
        assertEquals(10, drawn.size(), drawn.toString());
        now.addAndGet(100 * MS);
        line.sent(1_000 * 50L * 1024);
        assertEquals(11, drawn.size(), "a tenth of a second later it draws again");
    }

    @Test
    void theSameCountIsNotDrawnAgainAndNeverOverTheTotal() {
        line.sent(MB);
        now.addAndGet(500 * MS);
        line.sent(MB);
        assertEquals(1, drawn.size(), drawn.toString());
        now.addAndGet(500 * MS);
        line.sent(50 * MB + 300); // the multipart head and tail count too
        assertEquals("uploading big.bin: 50.0 of 50.0 MB (100%)", drawn.get(1));
    }

    @Test
    void closingClearsOnceAndNothingIsDrawnAfter() {
        line.sent(MB);
        line.close();
        line.close();
        now.addAndGet(1_000 * MS);
        line.sent(2 * MB);
        assertEquals(2, drawn.size(), drawn.toString());
        assertNull(drawn.get(1), "null clears the line");
    }

    @Test
    void aLineNeverDrawnIsNotCleared() {
        line.close();
        assertEquals(List.of(), drawn);
    }

    @Test
    void smallFilesAndNoTerminalHaveNoLine() {
        assertNull(ProgressLine.of("uploading a.txt", ProgressLine.MIN_BYTES - 1, drawn::add));
        assertNull(ProgressLine.of("uploading big.bin", 50 * MB, null));
        assertNotNull(ProgressLine.of("uploading big.bin", ProgressLine.MIN_BYTES, drawn::add));
    }
}
