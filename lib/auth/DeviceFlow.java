package lib.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import lib.core.CozeException;

/**
 * Waiting for a device code's approval (RFC 8628 §3.4-3.5) as a library function: the poll and the
 * clock are passed in, so the rules can be tested without a server or real waiting.
 */
public final class DeviceFlow {
    private DeviceFlow() {}

    /** Time as the wait sees it. */
    public interface Clock {
        Instant now();

        void sleep(Duration d) throws InterruptedException;

        Clock SYSTEM = new Clock() {
            @Override
            public Instant now() {
                return Instant.now();
            }

            @Override
            public void sleep(Duration d) throws InterruptedException {
                Thread.sleep(d.toMillis());
            }
        };
    }

    static final Duration SLOW_DOWN_STEP = Duration.ofSeconds(5), MAX_INTERVAL = Duration.ofSeconds(30);

    /**
     * Polls every `interval` until the token comes, the user says no, the code expires (`code.expiresAt`)
     * or `timeout` passes; `slow_down` adds five seconds to the interval, up to thirty.
     */
    public static CozeOAuth.Token await(CozeOAuth.DeviceCode code, Supplier<CozeOAuth.Token> poll, Duration interval, Duration timeout,
                                 Clock clock) {
        Instant deadline = clock.now().plus(timeout);
        while (true) {
            Instant next = clock.now().plus(interval);
            if (next.isAfter(deadline) || (code.expiresAt() != 0 && clock.now().getEpochSecond() > code.expiresAt()))
                throw new CozeException(CozeException.AUTH, "the device code was not approved in time", "run coze-login --device again");
            try {
                clock.sleep(interval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CozeException(CozeException.INTERRUPTED, "interrupted");
            }
            try {
                return poll.get();
            } catch (CozeOAuth.OAuthError e) {
                switch (e.errorCode) {
                    case "authorization_pending" -> { }
                    case "slow_down" -> {
                        interval = interval.plus(SLOW_DOWN_STEP);
                        if (interval.compareTo(MAX_INTERVAL) > 0) interval = MAX_INTERVAL;
                    }
                    case "access_denied" -> throw new CozeException(CozeException.AUTH, "the device login was denied",
                            "run coze-login --device again");
                    case "expired_token" -> throw new CozeException(CozeException.AUTH, "the device code expired",
                            "run coze-login --device again");
                    default -> throw e;
                }
            }
        }
    }
}
