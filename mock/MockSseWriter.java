package mock;

import com.google.gson.JsonElement;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Writes `event:NAME\ndata:JSON\n\n` as Coze does (no space after the colon), with stream faults. */
public final class MockSseWriter {
    private final OutputStream out;
    private final MockFaults f;
    private final MockState state;
    private final String eol;
    private final long drip, dropAfter, cutAfter, dropMidAt;
    private int events;

    MockSseWriter(OutputStream out, MockFaults f, MockState state) {
        this.out = out;
        this.f = f;
        this.state = state;
        this.eol = f.has("crlf") ? "\r\n" : "\n";
        this.drip = f.num("drip", 0);
        this.dropAfter = f.num("drop", -1);
        this.cutAfter = f.num("cut", -1);
        this.dropMidAt = f.num("drop-mid", -1);
    }

    void event(String name, JsonElement data) throws IOException {
        event(name, data.toString());
    }

    void event(String name, String data) throws IOException {
        if (state.config.studio && "done".equals(name)) {
            // Studio's last event has no data; the empty data line lets a WHATWG parser see it at all.
            send("event:" + MockStudio.eventName(name, false) + eol + "data:" + eol + eol);
            return;
        }
        send("event:" + name + eol + "data:" + data + eol + eol);
    }

    /** A workflow's event: an `id:` line first, and a space after each colon, as Coze sends those. */
    void event(long id, String name, JsonElement data) throws IOException {
        send("id: " + id + eol + "event: " + (state.config.studio ? MockStudio.eventName(name, true) : name) + eol + "data: " + data + eol + eol);
    }

    /** One event's text, with the stream faults that count events. */
    private void send(String text) throws IOException {
        if (dropAfter >= 0 && events >= dropAfter) throw new MockHttp.Abort();
        if (cutAfter >= 0 && events >= cutAfter) throw new MockHttp.Cut();
        if (events > 0 && drip > 0) state.pause(drip);
        if (dropMidAt >= 0 && events >= dropMidAt) {
            write(text.substring(0, text.length() / 2));
            throw new MockHttp.Abort();
        }
        write(text);
        events++;
    }

    void comment(String text) throws IOException {
        write(":" + text + eol + eol);
    }

    /** Keeps the connection open with nothing (or only `:ping` comments) until the client leaves. */
    void hold() throws IOException {
        long ping = f.num("ping", 0);
        long until = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < until) {
            try {
                if (state.stopping.await(ping > 0 ? ping : 1000, TimeUnit.MILLISECONDS)) return;
            } catch (InterruptedException e) {
                return;
            }
            if (ping > 0) comment("ping");
        }
    }

    private void write(String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        state.streamedBytes.addAndGet(bytes.length);
        if (f.has("one-byte")) {
            for (byte b : bytes) {
                out.write(b);
                out.flush();
            }
        } else {
            out.write(bytes);
            out.flush();
        }
    }
}
