package lib.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An incremental Server-Sent-Events parser over raw bytes, following the WHATWG rules: CR, LF and
 * CRLF (also split across reads), one leading BOM, comments, the first colon splits, exactly one
 * optional space, multi-line data, id and retry rules. Each event is handed on as soon as its blank
 * line arrives. Lines are decoded as UTF-8 only when complete, so characters split across reads
 * survive. Coze sends `data:` with no space, which this treats exactly like `data: `.
 */
public final class SseParser {
    public interface Listener {
        void onEvent(String type, String data, String lastEventId);
    }

    /** A line, or an event's data lines together, longer than this is an error, not an ever-growing buffer. */
    static final int DEFAULT_MAX_LINE = 8 << 20;
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final byte[] DATA = ascii("data"), EVENT = ascii("event"), ID = ascii("id"), RETRY = ascii("retry");

    private final Listener listener;
    private final int maxLine;
    private byte[] line = new byte[256];
    private int lineLen;
    private boolean afterCr;
    private int bomSeen;
    private boolean bomDecided;
    private boolean stopped;

    private String eventType = "";
    /** The first data line; later lines of the same event (rare) are joined in moreData. */
    private String data;
    private final StringBuilder moreData = new StringBuilder();
    private long eventBytes;
    private String lastEventId = "";
    private long retryMillis = -1;

    public SseParser(Listener listener) {
        this(listener, DEFAULT_MAX_LINE);
    }

    public SseParser(Listener listener, int maxLine) {
        this.listener = listener;
        this.maxLine = maxLine;
    }

    /** Stops delivery: bytes fed after this are ignored (the consumer saw its terminal event). */
    void stop() {
        stopped = true;
    }

    boolean stopped() {
        return stopped;
    }

    public long retryMillis() {
        return retryMillis;
    }

    public void feed(byte[] buf, int off, int len) {
        int i = off, end = off + len;
        for (; i < end && !bomDecided && !stopped; i++) {
            if (buf[i] == BOM[bomSeen]) {
                if (++bomSeen == BOM.length) bomDecided = true;
                continue;
            }
            bomDecided = true;
            append(BOM, 0, bomSeen);
            break;
        }
        // Runs of line bytes are copied in bulk; only line ends are looked at one by one.
        while (i < end && !stopped) {
            if (afterCr && buf[i] == '\n') {
                afterCr = false;
                i++;
                continue;
            }
            afterCr = false;
            int start = i;
            while (i < end && buf[i] != '\n' && buf[i] != '\r') i++;
            append(buf, start, i - start);
            if (i == end) return;
            afterCr = buf[i++] == '\r';
            lineEnded();
        }
    }

    public void feed(byte[] buf) {
        feed(buf, 0, buf.length);
    }

    /** End of stream: an event without its blank line is discarded, as the spec says. */
    public void end() {
        lineLen = 0;
        resetEvent();
    }

    private void append(byte[] buf, int off, int len) {
        if (lineLen + len > line.length) {
            if (lineLen + len > maxLine) throw new SseException("an event line is longer than " + maxLine + " bytes");
            line = Arrays.copyOf(line, Math.min(maxLine, Math.max(lineLen + len, line.length * 2)));
        }
        System.arraycopy(buf, off, line, lineLen, len);
        lineLen += len;
    }

    /** One line is complete: its field name is compared as bytes, and only the value becomes text. */
    private void lineEnded() {
        int len = lineLen;
        lineLen = 0;
        if (len == 0) {
            dispatch();
            return;
        }
        if (line[0] == ':') return;
        int colon = 0;
        while (colon < len && line[colon] != ':') colon++;
        int start = colon + 1;
        if (start < len && line[start] == ' ') start++;
        start = Math.min(start, len);
        if (isField(DATA, colon)) {
            eventBytes += len - start + 1;
            if (eventBytes > maxLine) throw new SseException("an event is longer than " + maxLine + " bytes");
            String value = new String(line, start, len - start, StandardCharsets.UTF_8);
            if (data == null) {
                data = value;
            } else {
                if (moreData.length() == 0) moreData.append(data);
                moreData.append('\n').append(value);
            }
        } else if (isField(EVENT, colon)) {
            eventType = new String(line, start, len - start, StandardCharsets.UTF_8);
        } else if (isField(ID, colon)) {
            String value = new String(line, start, len - start, StandardCharsets.UTF_8);
            if (value.indexOf('\0') < 0) lastEventId = value;
        } else if (isField(RETRY, colon)) {
            String value = new String(line, start, len - start, StandardCharsets.UTF_8);
            if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                try {
                    retryMillis = Long.parseLong(value);
                } catch (NumberFormatException tooLarge) {
                    // Not a usable number: ignored, like any invalid retry field.
                }
            }
        }
    }

    private boolean isField(byte[] name, int nameLen) {
        return Arrays.equals(line, 0, nameLen, name, 0, name.length);
    }

    private void dispatch() {
        if (data == null) {
            resetEvent();
            return;
        }
        String type = eventType.isEmpty() ? "message" : eventType;
        String payload = moreData.length() == 0 ? data : moreData.toString();
        resetEvent();
        listener.onEvent(type, payload, lastEventId);
    }

    private void resetEvent() {
        eventType = "";
        data = null;
        moreData.setLength(0);
        eventBytes = 0;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    public static final class SseException extends RuntimeException {
        SseException(String message) {
            super(message);
        }
    }
}
