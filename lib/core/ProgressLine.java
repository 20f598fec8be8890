package lib.core;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * How far a large upload is, as one line a terminal rewrites in place: "LABEL: 12.0 of 50.0 MB (24%)".
 * Redrawn at most ten times a second however often bytes move, and safe to feed from the HTTP
 * client's threads: once closed (cleared, so the next line starts clean) nothing more is drawn.
 * Where stderr is a pipe or a file there is no line at all, so scripts see what they always saw.
 */
public final class ProgressLine {
    /** Files smaller than this go up too fast to be worth a line. */
    public static final long MIN_BYTES = 4L * 1024 * 1024;
    static final long REDRAW_NANOS = 100_000_000L;

    private final String label;
    private final long total;
    /** Draws a line in place of the last one; null clears it. */
    private final Consumer<String> draw;
    private final LongSupplier clock;
    private long drawnAt;
    private long shown = -1;
    private boolean closed;

    public ProgressLine(String label, long total, Consumer<String> draw, LongSupplier clock) {
        this.label = label;
        this.total = total;
        this.draw = draw;
        this.clock = clock;
    }

    /** A line for `total` bytes drawn by `draw`, or null when there is nowhere to draw or too little to show. */
    public static ProgressLine of(String label, long total, Consumer<String> draw) {
        return draw == null || total < MIN_BYTES ? null : new ProgressLine(label, total, draw, System::nanoTime);
    }

    /**
     * The drawing on stderr when it is a terminal (and not --quiet): the line rewritten in place,
     * server text in the label shown, not obeyed. Null elsewhere.
     */
    public static Consumer<String> onStderr() {
        if (CozeCli.quiet() || !Terminal.stderr()) return null;
        PrintStream err = System.err;
        return line -> {
            err.print("\r\033[K" + (line == null ? "" : Terminal.visible(Terminal.oneLine(line))));
            err.flush();
        };
    }

    /** `sent` bytes of the total have gone: redrawn unless the last drawing is under 100 ms old. */
    public synchronized void sent(long sent) {
        if (closed) return;
        long now = clock.getAsLong();
        long shownNow = Math.max(0, Math.min(sent, total));
        if (shown >= 0 && (shownNow == shown || now - drawnAt < REDRAW_NANOS)) return;
        draw.accept(text(label, shownNow, total));
        shown = shownNow;
        drawnAt = now;
    }

    /** Clears the line (if one was drawn); nothing is drawn after. */
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (shown >= 0) draw.accept(null);
    }

    static String text(String label, long sent, long total) {
        return String.format(Locale.ROOT, "%s: %.1f of %.1f MB (%d%%)", label, sent / 1048576.0, total / 1048576.0,
                total <= 0 ? 100 : sent * 100 / total);
    }
}
