package lib.chat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import lib.core.CozeCli;
import lib.core.CozeException;
import lib.core.Os;
import picocli.CommandLine.Option;

/**
 * A bot's local plugins, answered by shell commands (`--tool NAME=COMMAND`): the call's arguments
 * JSON goes to the command's stdin, its name to COZE_TOOL_NAME, and its stdout is the output Coze
 * gets. A command that fails gives Coze its error text instead, so the bot can say what went wrong.
 * The command runs without the user's Coze secrets, within a time limit, and dies with Ctrl-C.
 */
public final class LocalTools {
    /** The most output a command may give Coze: more is a failed call, not a full heap. */
    static final int MAX_OUTPUT = 1 << 20;
    /** How long a command's output may stay open once the command has ended. */
    private static final Duration HELD_OPEN = Duration.ofSeconds(5);

    private final Map<String, String> commands;
    private final Os os;
    private final Duration timeout;
    private volatile Process running;
    private volatile boolean cancelled;

    private LocalTools(Map<String, String> commands, Os os, Duration timeout) {
        this.commands = commands;
        this.os = os;
        this.timeout = timeout;
    }

    /** coze-chat's local plugin options (a mixin). */
    public static final class Options {
        @Option(names = "--tool", paramLabel = "NAME=COMMAND",
                description = "Answer the bot's local plugin NAME with COMMAND (repeatable): arguments JSON on its stdin, its stdout is the output.")
        List<String> specs = new ArrayList<>();

        @Option(names = "--tool-timeout", defaultValue = "2m", converter = CozeCli.DurationConverter.class, paramLabel = "DURATION",
                description = "Stop a --tool command that runs longer (default: ${DEFAULT-VALUE}); Coze gets an error as its output.")
        Duration timeout;

        @Option(names = "--max-tool-calls", defaultValue = "20", paramLabel = "N",
                description = "Fail a turn whose bot asks for more local plugin calls than this (default: ${DEFAULT-VALUE}).")
        public int maxCalls;

        public LocalTools tools(Os os) {
            return parse(specs, os, timeout);
        }

        /** Said at once rather than as a turn that never asks for its plugin. */
        public void refuseOnStudio() {
            if (!specs.isEmpty())
                throw new CozeException(CozeException.USAGE, "Coze Studio does not hand local plugins to API clients (no --tool)",
                        "drop --tool, or give the bot a plugin that runs on Studio");
        }
    }

    public static LocalTools parse(List<String> specs, Os os, Duration timeout) {
        Map<String, String> commands = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1)
                throw new CozeException(CozeException.USAGE, "--tool " + spec + " is not NAME=COMMAND", "e.g. --tool get_weather='curl -s wttr.in/?format=3'");
            commands.put(spec.substring(0, eq), spec.substring(eq + 1));
        }
        return new LocalTools(commands, os, timeout);
    }

    public boolean handles(ToolCall call) {
        return !call.isReply() && commands.containsKey(call.name());
    }

    /** What a command gave: its output, or why it gave none (failed), which Coze gets as "error: …". */
    public record Ran(String text, boolean failed) {
        static Ran failure(String why) {
            return new Ran(why, true);
        }

        public String forCoze() {
            return failed ? "error: " + text : text;
        }
    }

    /** The command's output for Coze; exit 130 when Ctrl-C stopped it. */
    public Ran run(ToolCall call) {
        ProcessBuilder pb = new ProcessBuilder(os.windows() ? List.of("cmd", "/c", commands.get(call.name()))
                : List.of("sh", "-c", commands.get(call.name())));
        withoutSecrets(pb.environment());
        pb.environment().put("COZE_TOOL_NAME", call.name());
        if (cancelled) throw new CozeException(CozeException.INTERRUPTED, "cancelled before " + call.name() + " ran");
        Process p;
        try {
            p = start(pb);
        } catch (IOException e) {
            return Ran.failure(call.name() + " could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CozeException(CozeException.INTERRUPTED, "interrupted");
        }
        running = p;
        try {
            // Fed and drained at once: a command that reads all its input before it writes would
            // otherwise wait for us while we wait for it.
            // On threads of their own: a shared pool of two could leave the drain waiting behind the feed.
            onItsOwnThread(() -> feed(p.getOutputStream(), call.arguments()));
            CompletableFuture<byte[]> err = onItsOwnThread(() -> drain(p.getErrorStream()));
            CompletableFuture<byte[]> out = onItsOwnThread(() -> drain(p.getInputStream()));
            boolean ended = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended || cancelled) kill(p);
            if (cancelled) throw new CozeException(CozeException.INTERRUPTED, "cancelled while " + call.name() + " ran");
            if (!ended) return Ran.failure(call.name() + " took longer than " + timeout.toSeconds() + " s and was stopped");
            byte[] output;
            try {
                // Something the command left running in the background may hold its output open for ever.
                output = out.get(HELD_OPEN.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                return Ran.failure(call.name() + " ended, but what it started in the background still holds its output");
            }
            if (output == null) return Ran.failure(call.name() + " wrote more than " + MAX_OUTPUT / (1024 * 1024) + " MB");
            if (p.exitValue() == 0) return new Ran(new String(output, StandardCharsets.UTF_8), false);
            byte[] why = err.join();
            return Ran.failure(call.name() + " failed (exit " + p.exitValue() + "): " + (why == null ? "" : new String(why, StandardCharsets.UTF_8).strip()));
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new CozeException(CozeException.INTERRUPTED, "interrupted");
        } finally {
            running = null;
        }
    }

    /** A new turn: a Ctrl-C of an earlier one is forgotten. */
    void reset() {
        cancelled = false;
    }

    /** From another thread (Ctrl-C): stops the command that runs, with what it started, and any the turn would still run; false when none runs. */
    public boolean cancel() {
        cancelled = true;
        Process p = running;
        if (p != null) kill(p);
        return p != null;
    }

    /** A command gets no credential of the user's: COZE_API_TOKEN, a service app's key, or any COZE_ variable with a secret's name. */
    static void withoutSecrets(Map<String, String> env) {
        env.keySet().removeIf(name -> {
            String n = name.toUpperCase(Locale.ROOT);
            return n.startsWith("COZE_") && (n.contains("TOKEN") || n.contains("KEY") || n.contains("SECRET") || n.contains("PASSWORD"));
        });
    }

    /** Starts the command, a second time if the first start failed: nothing ran, and the JDK's spawn can fail for a moment under load. */
    private static Process start(ProcessBuilder pb) throws IOException, InterruptedException {
        try {
            return pb.start();
        } catch (IOException first) {
            TimeUnit.MILLISECONDS.sleep(200);
            return pb.start();
        }
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static byte[] feed(OutputStream stdin, String arguments) {
        try (stdin) {
            stdin.write((arguments == null ? "{}" : arguments).getBytes(StandardCharsets.UTF_8));
        } catch (IOException commandDidNotRead) {
            // a command that ignores its input closes it early; its output is what counts
        }
        return null;
    }

    private static CompletableFuture<byte[]> onItsOwnThread(java.util.function.Supplier<byte[]> work) {
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        Thread t = new Thread(() -> done.complete(work.get()), "coze-tool-io");
        t.setDaemon(true);
        t.start();
        return done;
    }

    /** All of a stream, or null past MAX_OUTPUT (the rest is read and dropped, so the command can end). */
    private static byte[] drain(InputStream stream) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        boolean tooMuch = false;
        try (stream) {
            for (int n; (n = stream.read(buf)) > 0; ) {
                if (kept.size() + n > MAX_OUTPUT) tooMuch = true;
                if (!tooMuch) kept.write(buf, 0, n);
            }
        } catch (IOException closed) {
            // a killed command: what it wrote so far
        }
        return tooMuch ? null : kept.toByteArray();
    }
}
