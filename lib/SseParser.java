import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An incremental Server-Sent-Events parser over raw bytes, following the WHATWG rules: CR, LF and
 * CRLF (also split across reads), one leading BOM, comments, the first colon splits, exactly one
 * optional space, multi-line data, id and retry rules. Each event is handed on as soon as its blank
 * line arrives. Lines are decoded as UTF-8 only when complete, so characters split across reads
 * survive. Coze sends `data:` with no space, which this treats exactly like `data: `.
 */
final class SseParser {
    interface Listener {
        void onEvent(String type, String data, String lastEventId);
    }

    /** A line longer than this is an error, not an ever-growing buffer (security.md C14). */
    static final int DEFAULT_MAX_LINE = 8 << 20;
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final Listener listener;
    private final int maxLine;
    private byte[] line = new byte[256];
    private int lineLen;
    private boolean afterCr;
    private int bomSeen;
    private boolean bomDecided;
    private boolean stopped;

    private String eventType = "";
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String lastEventId = "";
    private long retryMillis = -1;

    SseParser(Listener listener) {
        this(listener, DEFAULT_MAX_LINE);
    }

    SseParser(Listener listener, int maxLine) {
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

    long retryMillis() {
        return retryMillis;
    }

    void feed(byte[] buf, int off, int len) {
        int end = off + len;
        for (int i = off; i < end && !stopped; i++) {
            byte b = buf[i];
            if (!bomDecided) {
                if (b == BOM[bomSeen]) {
                    if (++bomSeen == BOM.length) bomDecided = true;
                    continue;
                }
                bomDecided = true;
                for (int k = 0; k < bomSeen; k++) take(BOM[k]);
            }
            take(b);
        }
    }

    void feed(byte[] buf) {
        feed(buf, 0, buf.length);
    }

    /** End of stream: an event without its blank line is discarded, as the spec says. */
    void end() {
        lineLen = 0;
        resetEvent();
    }

    private void take(byte b) {
        if (b == '\n') {
            if (afterCr) {
                afterCr = false;
                return;
            }
            lineEnded();
        } else if (b == '\r') {
            afterCr = true;
            lineEnded();
        } else {
            afterCr = false;
            if (lineLen == line.length) {
                if (lineLen >= maxLine) throw new SseException("an event line is longer than " + maxLine + " bytes");
                line = Arrays.copyOf(line, Math.min(maxLine, lineLen * 2));
            }
            line[lineLen++] = b;
        }
    }

    private void lineEnded() {
        int len = lineLen;
        lineLen = 0;
        if (len == 0) {
            dispatch();
            return;
        }
        if (line[0] == ':') return;
        int colon = -1;
        for (int i = 0; i < len; i++) {
            if (line[i] == ':') {
                colon = i;
                break;
            }
        }
        String field;
        String value;
        if (colon < 0) {
            field = new String(line, 0, len, StandardCharsets.UTF_8);
            value = "";
        } else {
            field = new String(line, 0, colon, StandardCharsets.UTF_8);
            int start = colon + 1;
            if (start < len && line[start] == ' ') start++;
            value = new String(line, start, len - start, StandardCharsets.UTF_8);
        }
        switch (field) {
            case "event":
                eventType = value;
                break;
            case "data":
                if (hasData) data.append('\n');
                data.append(value);
                hasData = true;
                break;
            case "id":
                if (value.indexOf('\0') < 0) lastEventId = value;
                break;
            case "retry":
                if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    try {
                        retryMillis = Long.parseLong(value);
                    } catch (NumberFormatException tooLarge) {
                        // Not a usable number: ignored, like any invalid retry field.
                    }
                }
                break;
            default:
        }
    }

    private void dispatch() {
        if (!hasData) {
            resetEvent();
            return;
        }
        String type = eventType.isEmpty() ? "message" : eventType;
        String payload = data.toString();
        resetEvent();
        listener.onEvent(type, payload, lastEventId);
    }

    private void resetEvent() {
        eventType = "";
        data.setLength(0);
        hasData = false;
    }

    static final class SseException extends RuntimeException {
        SseException(String message) {
            super(message);
        }
    }
}
