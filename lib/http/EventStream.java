package lib.http;

import com.google.gson.JsonElement;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import lib.core.CozeException;

/**
 * A streamed POST read as Server-Sent Events, the transport under a chat turn and a workflow run:
 * opened with retries while nothing has started and once more with a fresh token after Coze rejects
 * one, parsed as the bytes arrive, watched by two clocks, and closable from another thread (Ctrl-C).
 */
public final class EventStream {
    /** Told each event in order, on the reading thread; false ends the stream (the caller saw its last event). */
    public interface Handler {
        boolean onEvent(String type, String data, String id);
    }

    private final CozeHttp http;
    private final Consumer<String> notice;
    private volatile InputStream body;
    private volatile boolean closed;
    private volatile String stalled;
    private volatile int events;

    /** notice receives retry notes for the user (null for none). */
    public EventStream(CozeHttp http, Consumer<String> notice) {
        this.http = http;
        this.notice = notice;
    }

    /** Opens the stream: retried while nothing has started, and once with a fresh token after Coze rejects one. */
    public void open(String path, JsonElement json) {
        Retry retry = new Retry(3, Duration.ofSeconds(30), notice);
        body = http.authorized(token -> start(path, json, token, retry)).body();
        if (closed) Replies.closeQuietly(body);
    }

    /**
     * The streaming POST. Retries only while no response body was accepted: on connection
     * failures and on 429/502/503/504, with capped Retry-After and jittered backoff. A JSON answer
     * instead of a stream becomes its exception; the caller owns the returned stream.
     */
    private HttpResponse<InputStream> start(String pathAndQuery, JsonElement body, String bearer, Retry retry) {
        for (int attempt = 1; ; attempt++) {
            HttpResponse<InputStream> r;
            try {
                r = http.exchange(http.request("POST", pathAndQuery, body, bearer).build());
            } catch (CozeException e) {
                if (!(e.getCause() instanceof ConnectException) || !retry.again(attempt, null)) throw e;
                continue;
            }
            int s = r.statusCode();
            if (s == 407) throw Replies.proxyRefused();
            if (s == 429 || s == 502 || s == 503 || s == 504) {
                Duration after = CozeHttp.retryAfter(r.headers().firstValue("Retry-After").orElse(null));
                if (retry.again(attempt, after)) {
                    Replies.closeQuietly(r.body());
                    continue;
                }
            }
            String type = r.headers().firstValue("Content-Type").orElse("");
            if (s == 200 && type.toLowerCase(Locale.ROOT).contains("text/event-stream")) return r;
            CozeHttp.Reply reply = Replies.read(r);
            if (reply.json() != null) CozeHttp.checkEnvelope(reply);
            throw new CozeException(CozeException.FAILED, "Coze answered with " + (type.isEmpty() ? "no content type" : type)
                    + " instead of an event stream (HTTP " + s + ")" + (reply.logId() == null ? "" : " (logid " + reply.logId() + ")"));
        }
    }

    /**
     * Reads events until the handler ends the stream or the server does: true then, false when close()
     * cut it short. A stall (no byte for `idle`, or no event for `stall`, keep-alive comments aside), a
     * lost connection or an unreadable stream throw.
     */
    public boolean read(Handler handler, Duration idle, Duration stall) {
        SseParser[] parser = new SseParser[1];
        parser[0] = new SseParser((type, data, id) -> {
            events++;
            if (!handler.onEvent(type, data, id)) parser[0].stop();
        });
        Watchdog watchdog = new Watchdog(idle, stall);
        watchdog.start();
        try (InputStream in = body) {
            byte[] buf = new byte[16 * 1024];
            int n;
            while (!parser[0].stopped() && (n = in.read(buf)) > 0) {
                watchdog.bytes();
                parser[0].feed(buf, 0, n);
            }
            parser[0].end();
        } catch (IOException e) {
            if (closed) return false;
            if (stalled != null)
                throw new CozeException(CozeException.NETWORK, stalled, "try again, or raise --idle-timeout / --stall-timeout");
            throw new CozeException(CozeException.NETWORK, "connection lost while the answer was streaming: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), null, e);
        } catch (SseParser.SseException e) {
            throw new CozeException(CozeException.FAILED, "Coze sent an unreadable stream: " + e.getMessage());
        } finally {
            watchdog.stopWatching();
        }
        return !closed;
    }

    /** From another thread: ends the read in progress, or the one to come. */
    public void close() {
        closed = true;
        InputStream b = body;
        if (b != null) Replies.closeQuietly(b);
    }

    /** Two clocks: no byte at all for `idle`, or no event for `stall` (keep-alive comments reset only the first). */
    private final class Watchdog extends Thread {
        private final long idleNanos, stallNanos;
        private volatile long lastByte = System.nanoTime();
        private volatile boolean done;
        private long lastProgressCheck = System.nanoTime();
        private int progressMark = -1;

        Watchdog(Duration idle, Duration stall) {
            super("coze-stream-watchdog");
            setDaemon(true);
            this.idleNanos = idle.toNanos();
            this.stallNanos = stall.toNanos();
        }

        void bytes() {
            lastByte = System.nanoTime();
        }

        void stopWatching() {
            done = true;
            interrupt();
        }

        @Override
        public void run() {
            while (!done) {
                try {
                    Thread.sleep(Math.max(10, Math.min(1000, Math.min(idleNanos, stallNanos) / 4_000_000)));
                } catch (InterruptedException e) {
                    return;
                }
                long now = System.nanoTime();
                int progress = events;
                if (progress != progressMark) {
                    progressMark = progress;
                    lastProgressCheck = now;
                }
                if (now - lastByte > idleNanos) stalled = "no data from Coze for " + secs(idleNanos) + " s";
                else if (now - lastProgressCheck > stallNanos) stalled = "no answer from Coze for " + secs(stallNanos) + " s";
                if (stalled != null && !done) {
                    InputStream b = body;
                    if (b != null) Replies.closeQuietly(b);
                    return;
                }
            }
        }
    }

    private static String secs(long nanos) {
        return String.valueOf(Math.max(1, Math.round(nanos / 1e9)));
    }
}
