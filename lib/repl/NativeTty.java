package lib.repl;

import java.util.List;
import lib.core.Terminal;
import org.jline.terminal.spi.SystemStream;
import org.jline.terminal.spi.TerminalProvider;

/**
 * isatty for each stream through JLine's native providers (FFM on JDK 22+, else JNI), on every OS
 * JLine ships a library for: what lib.core.Terminal asks where /proc cannot tell (macOS, Windows,
 * containers without /proc). Loaded only then, so a chat on Linux loads no native code for it.
 */
public final class NativeTty implements Terminal.Probe {
    private TerminalProvider provider;
    private boolean looked;

    @Override
    public synchronized Boolean says(int fd) {
        if (!looked) {
            looked = true;
            provider = load();
        }
        if (provider == null) return null;
        try {
            return provider.isSystemStream(fd == 0 ? SystemStream.Input : fd == 1 ? SystemStream.Output : SystemStream.Error);
        } catch (RuntimeException | LinkageError e) {
            return null; // no answer is an unsure one: Terminal then escapes and does not style
        }
    }

    private static TerminalProvider load() {
        // Not "exec": it starts a process per question.
        for (String name : List.of("ffm", "jni")) {
            try {
                return TerminalProvider.load(name);
            } catch (Exception | LinkageError e) {
                // this JDK or OS has not that one; try the next
            }
        }
        return null;
    }
}
