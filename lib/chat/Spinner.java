package lib.chat;

import java.io.PrintWriter;

/**
 * A small spinner on stderr while the bot has said nothing yet, so that a slow first token does not
 * look like a hang. It draws on one line and wipes it when stopped; stop() returns only once the
 * line is clean, so the answer that follows never lands next to a frame. Off: does nothing.
 */
public final class Spinner {
    private static final String FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
    private final PrintWriter err;
    private final boolean on;
    private Thread thread;
    private boolean drawn, stopped;

    Spinner(PrintWriter err, boolean on) {
        this.err = err;
        this.on = on;
    }

    synchronized void start() {
        if (!on || thread != null || stopped) return;
        thread = new Thread(this::spin, "coze-chat-spinner");
        thread.setDaemon(true);
        thread.start();
    }

    synchronized void stop() {
        stopped = true;
        if (drawn) {
            err.print("\r\u001b[K");
            err.flush();
            drawn = false;
        }
        notifyAll();
    }

    private synchronized void spin() {
        // The first frame waits a little: a quick answer should not flicker.
        long frame = 0;
        try {
            wait(150);
            while (!stopped) {
                err.print("\r\u001b[2m" + FRAMES.charAt((int) (frame++ % FRAMES.length())) + " waiting for the bot…\u001b[0m");
                err.flush();
                drawn = true;
                wait(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
