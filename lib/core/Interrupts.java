package lib.core;

import java.util.function.BooleanSupplier;

/** Ctrl-C as the commands want it: whatever is running stops (and is cancelled on Coze), or the command exits 130. */
public final class Interrupts {
    private Interrupts() {}

    /** On each SIGINT `handler` runs; when it says it handled nothing, the command exits 130 at once. */
    public static void onCtrlC(BooleanSupplier handler) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> {
                if (!handler.getAsBoolean()) Runtime.getRuntime().halt(CozeException.INTERRUPTED);
            });
        } catch (IllegalArgumentException | UnsupportedOperationException noSignals) {
            // No SIGINT on this platform: the JVM's default (exit 130) applies.
        }
    }
}
