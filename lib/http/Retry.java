package lib.http;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import lib.core.CozeException;

/** Backoff for requests that provably did not start: exponential with jitter, Retry-After capped. */
final class Retry {
    final int maxAttempts;
    final Duration maxWait;
    final Consumer<String> notice;

    Retry(int maxAttempts, Duration maxWait, Consumer<String> notice) {
        this.maxAttempts = maxAttempts;
        this.maxWait = maxWait;
        this.notice = notice;
    }

    /** Sleeps before attempt+1 and says true, or says false when the caller should give up. */
    boolean again(int attempt, Duration serverAsked) {
        if (attempt >= maxAttempts) return false;
        Duration wait;
        if (serverAsked != null) {
            if (serverAsked.compareTo(maxWait) > 0) return false;
            wait = serverAsked;
        } else {
            long base = 500L << (attempt - 1);
            wait = Duration.ofMillis(Math.min(maxWait.toMillis(), base + ThreadLocalRandom.current().nextLong(base / 2 + 1)));
        }
        if (notice != null) notice.accept("retrying in " + Math.max(1, Math.round(wait.toMillis() / 1000.0)) + " s (attempt "
                + (attempt + 1) + " of " + maxAttempts + ")");
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CozeException(CozeException.INTERRUPTED, "interrupted");
        }
        return true;
    }
}
