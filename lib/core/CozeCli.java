package lib.core;

import java.io.Console;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine;

/** What every command shares: UTF-8 streams, the version, one-line errors and contract exit codes. */
public final class CozeCli {
    private CozeCli() {}

    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"${COMMAND-FULL-NAME} " + CozeConfig.VERSION + " (coze-jbang)"};
        }
    }

    /** stdout/stderr in outputCharset() whatever the locale; stdout flushed by the caller, stderr per line. */
    static PrintStream stdout() {
        return new PrintStream(new FileOutputStream(FileDescriptor.out), false, OUTPUT);
    }

    static PrintStream stderr() {
        return new PrintStream(new FileOutputStream(FileDescriptor.err), true, OUTPUT);
    }

    private static final Charset OUTPUT = outputCharset(Os.current(), CozeCli::windowsConsoleCharset);

    /**
     * UTF-8 for pipes and files on every system, and for terminals but a Windows console, which shows
     * only its own code page (936 on a Chinese Windows): there text goes in that code page.
     */
    public static Charset outputCharset(Os os, Supplier<Charset> windowsConsole) {
        Charset console = os.windows() ? windowsConsole.get() : null;
        return console != null ? console : StandardCharsets.UTF_8;
    }

    /** The console's charset when stdin and stdout are a console (JDK 17-21), or stdout is a terminal (JDK 22+ Console.isTerminal). */
    private static Charset windowsConsoleCharset() {
        Console console = System.console();
        if (console == null) return null;
        try {
            if (!(boolean) Console.class.getMethod("isTerminal").invoke(console)) return null;
        } catch (ReflectiveOperationException jdk17to21) {
            // Before JDK 22 there is a Console only when stdin and stdout are the terminal.
        }
        return console.charset();
    }

    /**
     * Under a locale whose charset is not UTF-8 the JVM decodes the command line before any code of
     * ours runs, and non-ASCII text becomes `?` (one per byte) or U+FFFD. A line saying so, or null.
     */
    public static String mangledArguments(String jnuEncoding, String... args) {
        if (jnuEncoding == null || jnuEncoding.replace("-", "").equalsIgnoreCase("UTF8")) return null;
        for (String a : args)
            if (a.contains("??") || a.indexOf('\uFFFD') >= 0)
                return "warning: the arguments may have lost non-ASCII text, which this locale (" + jnuEncoding + ") cannot"
                        + " carry; set LANG=C.UTF-8, or give the message on stdin (always read as UTF-8)";
        return null;
    }

    /** Options every command has. */
    public static final class Common {
        public boolean quiet;

        @CommandLine.Option(names = {"-q", "--quiet"}, description = "Print nothing on stderr but errors.")
        void quiet(boolean on) {
            quiet = on;
            quieted |= on;
        }

        @CommandLine.Option(names = "--insecure-http", description = "Allow an http:// API base that is not loopback (tokens travel in clear).")
        public boolean insecureHttp;

        @CommandLine.Option(names = "--debug", description = "Trace HTTP requests (never tokens) and show stack traces; also COZE_DEBUG=1.")
        void debug(boolean on) {
            debugging |= on;
        }

        @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
        public CommandLine.Model.CommandSpec spec;

        public PrintWriter out() {
            return spec.commandLine().getOut();
        }

        public PrintWriter err() {
            return spec.commandLine().getErr();
        }

        /** A progress or status line on stderr, unless --quiet; whatever a server wrote in it is shown, not obeyed. */
        public void say(String line) {
            if (!quiet) err().println(Terminal.visible(line));
        }

        public Consumer<String> debugSink() {
            return debugging ? line -> err().println("debug: " + Terminal.visible(line)) : null;
        }

        public Consumer<String> warnSink() {
            return line -> err().println(Terminal.visible(line));
        }
    }

    /**
     * Options of the commands that stream from Coze. Waiting is long, as the SDKs wait (10 minutes):
     * a plugin or a workflow may think for minutes, and keep-alives keep only the first clock happy.
     */
    public static final class Streaming {
        @CommandLine.Option(names = "--idle-timeout", defaultValue = "10m", converter = DurationConverter.class, paramLabel = "DURATION",
                description = "Give up when no data arrives for this long, or a polled chat stays the same (default: ${DEFAULT-VALUE}).")
        public Duration idleTimeout;

        @CommandLine.Option(names = "--stall-timeout", defaultValue = "10m", converter = DurationConverter.class, paramLabel = "DURATION",
                description = "Give up when no event arrives for this long, keep-alives aside (default: ${DEFAULT-VALUE}).")
        public Duration stallTimeout;
    }

    /** The Coze site a command talks to; resolved once, with the login, by Credentials.apiBase. */
    public static final class Site {
        @CommandLine.Option(names = "--api-base", defaultValue = "${env:COZE_API_BASE}", paramLabel = "cn|com|URL", completionCandidates = ApiBases.class,
                description = "Coze API (default: $$COZE_API_BASE, else the login's, else cn).")
        public String apiBase;
    }

    /** What shell completion offers for --api-base (a URL is typed). */
    public static final class ApiBases extends java.util.ArrayList<String> {
        ApiBases() {
            super(java.util.List.of("cn", "com"));
        }
    }

    /** `30s`, `5m`, `1h`, `250ms` or ISO-8601 (`PT5M`). */
    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            try {
                if (v.startsWith("pt")) return Duration.parse(v.toUpperCase(Locale.ROOT));
                if (v.endsWith("ms")) return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                long n = Long.parseLong(v.substring(0, v.length() - 1));
                switch (v.charAt(v.length() - 1)) {
                    case 's': return Duration.ofSeconds(n);
                    case 'm': return Duration.ofMinutes(n);
                    case 'h': return Duration.ofHours(n);
                    default:
                }
            } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
                // falls through to the usage error below
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration like 30s, 5m or 1h");
        }
    }

    /** "2026-11-24 16:30 (in 59 min)" in the user's time zone. */
    public static String until(long epochSeconds) {
        if (epochSeconds == 0) return "no expiry";
        Instant at = Instant.ofEpochSecond(epochSeconds);
        String when = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z").withZone(ZoneId.systemDefault()).format(at);
        long secs = at.getEpochSecond() - Instant.now().getEpochSecond();
        return when + " (" + (secs >= 0 ? "in " + human(secs) : human(-secs) + " ago") + ")";
    }

    public static String human(long secs) {
        if (secs < 90) return secs + " s";
        if (secs < 90 * 60) return (secs + 30) / 60 + " min";
        if (secs < 48 * 3600) return (secs + 1800) / 3600 + " h";
        return (secs + 43200) / 86400 + " days";
    }

    /** --debug or COZE_DEBUG: COZE_DEBUG is read once per run, --debug adds to it as the options are parsed. */
    private static volatile boolean debugging;
    /** --quiet anywhere on the command line, for what draws on stderr without a command's Common at hand (ProgressLine). */
    private static volatile boolean quieted;

    static boolean quiet() {
        return quieted;
    }

    private static boolean debugFromEnvironment() {
        String d = System.getenv("COZE_DEBUG");
        return d != null && !d.isEmpty() && !"0".equals(d);
    }

    /** Runs a picocli command on UTF-8 streams and returns its exit code; used by every script's main and by tests. */
    static int run(Object command, PrintStream out, PrintStream err, String... args) {
        debugging = debugFromEnvironment();
        quieted = false;
        CommandLine cl = new CommandLine(command);
        if (cl.getSubcommands().isEmpty()) cl.getCommandSpec().usageMessage().synopsisSubcommandLabel("");
        // Built only when asked for: a second command spec costs every run its reflection (docs/PERFORMANCE.md).
        if (args.length > 0 && args[0].equals("generate-completion")) {
            CommandLine completion = new CommandLine(new picocli.AutoComplete.GenerateCompletion());
            completion.getCommandSpec().usageMessage().hidden(true);
            cl.addSubcommand(completion);
        }
        // Encoded here, not by the default charset, which is ASCII under LANG=C on JDK 17.
        // Over the PrintStream itself, so that checkError() sees a failed write (stdout closed).
        cl.setOut(new PrintWriter(out, true, OUTPUT));
        cl.setErr(new PrintWriter(new OutputStreamWriter(err, OUTPUT), true));
        String mangled = mangledArguments(System.getProperty("sun.jnu.encoding"), args);
        if (mangled != null) cl.getErr().println(cl.getCommandName() + ": " + mangled);
        // A usage error is one line and a pointer to --help (with picocli's "did you mean" for a typo), not the whole help.
        cl.setParameterExceptionHandler((ex, given) -> {
            CommandLine line = ex.getCommandLine();
            String name = line.getCommandSpec().qualifiedName();
            // picocli starts some messages (mutually exclusive options) with its own "Error: ".
            String message = ex.getMessage().startsWith("Error: ") ? ex.getMessage().substring(7) : ex.getMessage();
            line.getErr().println(name + ": error: " + Terminal.visible(Terminal.oneLine(message)) + " (see " + name + " --help)");
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, line.getErr());
            line.getErr().flush();
            return line.getCommandSpec().exitCodeOnInvalidInput();
        });
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            String name = line.getCommandSpec().root().name();
            boolean wantTrace = debugging;
            if (ex instanceof CozeException ce && ce.exitCode == CozeException.STDOUT_CLOSED) return ce.exitCode;
            if (ex instanceof CozeException ce) {
                line.getErr().println(name + ": error: " + Terminal.visible(ce.line()));
                if (wantTrace && ce.getCause() != null) ce.getCause().printStackTrace(line.getErr());
                line.getErr().flush();
                return ce.exitCode;
            }
            line.getErr().println(name + ": error: " + Terminal.visible(Terminal.oneLine(ex.toString())));
            if (wantTrace) ex.printStackTrace(line.getErr());
            else line.getErr().println(name + ": this is a bug; run again with --debug and report it");
            line.getErr().flush();
            return CozeException.FAILED;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The main of every script. */
    public static void main(Object command, String[] args) {
        main(command, args, () -> { });
    }

    /** The main of a script that has more to do once the command is over (ArchiveTraining). */
    public static void main(Object command, String[] args, Runnable afterCommand) {
        FastLaunch.recordIfAsked(command.getClass(), args);
        PrintStream out = stdout();
        PrintStream err = stderr();
        System.setOut(out);
        System.setErr(err);
        int code = run(command, out, err, args);
        afterCommand.run();
        FastLaunch.afterCommand();
        System.exit(code);
    }
}
