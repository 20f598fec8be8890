package lib.chat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import lib.core.CozeException;
import lib.core.Os;

/**
 * A bot's local plugins, answered by shell commands (`--tool NAME=COMMAND`): the call's arguments
 * JSON goes to the command's stdin, its name to COZE_TOOL_NAME, and its stdout is the output Coze
 * gets. A command that fails gives Coze its error text instead, so the bot can say what went wrong.
 */
public final class LocalTools {
    private final Map<String, String> commands;
    private final Os os;

    private LocalTools(Map<String, String> commands, Os os) {
        this.commands = commands;
        this.os = os;
    }

    public static LocalTools parse(List<String> specs, Os os) {
        Map<String, String> commands = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1)
                throw new CozeException(CozeException.USAGE, "--tool " + spec + " is not NAME=COMMAND", "e.g. --tool get_weather='curl -s wttr.in/?format=3'");
            commands.put(spec.substring(0, eq), spec.substring(eq + 1));
        }
        return new LocalTools(commands, os);
    }

    public boolean handles(ToolCall call) {
        return !call.isReply() && commands.containsKey(call.name());
    }

    public String run(ToolCall call) {
        String command = commands.get(call.name());
        ProcessBuilder pb = new ProcessBuilder(os.windows() ? List.of("cmd", "/c", command) : List.of("sh", "-c", command));
        pb.environment().put("COZE_TOOL_NAME", call.name());
        try {
            Process p = pb.start();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (OutputStream in = p.getOutputStream()) {
                in.write((call.arguments() == null ? "{}" : call.arguments()).getBytes(StandardCharsets.UTF_8));
            } catch (IOException commandDidNotRead) {
                // a command that ignores its input closes it early; its output is what counts
            }
            String out = new String(readAll(p.getInputStream()), StandardCharsets.UTF_8);
            int exit = p.waitFor();
            if (exit == 0) return out;
            return "error: " + call.name() + " failed (exit " + exit + "): " + new String(err.join(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "error: " + call.name() + " could not run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CozeException(CozeException.INTERRUPTED, "interrupted");
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
