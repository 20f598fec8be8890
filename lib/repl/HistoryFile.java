package lib.repl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import lib.auth.PrivateFiles;
import org.jline.reader.impl.history.DefaultHistory;

/**
 * COZE_HOME/history kept as the token file is: owner-only, never through a link or a FIFO, read
 * line by line so one bad line is skipped rather than the REPL crashing, and a failed write said
 * once. Anything it cannot use leaves the REPL running without a history file.
 */
final class HistoryFile {
    private HistoryFile() {}

    /** The file, made ready for JLine (owner-only, unreadable lines dropped), or null after one warning. */
    static Path prepare(Path file, Consumer<String> warn) {
        try {
            PrivateFiles.ensureDir(file.getParent());
            byte[] bytes = PrivateFiles.read(file); // refuses a link, a FIFO (opening one would hang) and a huge file
            if (bytes == null) {
                PrivateFiles.writeAtomically(file, new byte[0]);
                return file;
            }
            PrivateFiles.tighten(file, PrivateFiles.FILE_MODE);
            StringBuilder kept = new StringBuilder();
            int skipped = 0;
            int start = 0;
            for (int i = 0; i <= bytes.length; i++) {
                if (i < bytes.length && bytes[i] != '\n') continue;
                String line = decoded(Arrays.copyOfRange(bytes, start, i));
                start = i + 1;
                if (line == null || !line.isEmpty() && !line.matches("\\d+:.*")) skipped++; // JLine's "millis:text"
                else if (!line.isEmpty()) kept.append(line).append('\n');
            }
            if (skipped > 0) {
                PrivateFiles.writeAtomically(file, kept.toString().getBytes(StandardCharsets.UTF_8));
                warn.accept("skipped " + skipped + " unreadable line" + (skipped == 1 ? "" : "s") + " of the input history " + file);
            }
            return file;
        } catch (IOException | RuntimeException e) {
            warn.accept("the input history is not kept in this session (" + e.getMessage() + ")");
            return null;
        }
    }

    private static String decoded(byte[] line) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(line)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** JLine's history whose saves (one per line typed) warn once when they fail, instead of a stack trace per line. */
    static final class Saved extends DefaultHistory {
        private final Consumer<String> warn;
        private boolean failed;

        Saved(Consumer<String> warn) {
            this.warn = warn;
        }

        @Override
        public void save() {
            if (failed) return;
            try {
                super.save();
            } catch (IOException | RuntimeException e) {
                failed = true;
                warn.accept("the input history could not be saved; it is not kept for the rest of this session (" + e.getMessage() + ")");
            }
        }
    }
}
