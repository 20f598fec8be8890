///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS com.google.code.gson:gson:2.13.1
//SOURCES lib/core/Folder.java mock/Folder.java
// Sources are UTF-8 whatever the locale (javac would read them as ASCII where LANG is unset);
// Ctrl-C handling uses sun.misc.Signal, which javac would warn about. String joins compile to
// StringBuilder calls: by default each shape spins a class at its first use, ~1 ms of start-up each.
//COMPILE_OPTIONS -encoding UTF-8 -XDignore.symbol.file -XDstringConcat=inline
// A server for tests and demos: Serial GC starts fast and stays small; JVM log lines stay off stdout.
//JAVA_OPTIONS -XX:+UseSerialGC -Xlog:disable -Xlog:all=warning:stderr
//DESCRIPTION A local Coze-compatible server: OAuth (PKCE, refresh rotation, device flow), conversations,
//DESCRIPTION /v3/chat streaming in Coze's wire format, and fault injection. For offline use and tests.

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import lib.core.CozeCli;
import lib.core.CozeConfig;
import lib.core.CozeException;
import lib.core.Interrupts;
import mock.MockFaults;
import mock.MockServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "coze-mock", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
        subcommands = CozeMock.Exec.class,
        description = {"A local Coze-compatible server for trying coze-jbang offline and for tests.", "",
                "Bots (coze-chat --bot NAME):",
                "  echo      streams your text back",
                "  reasoner  thinks aloud (--reasoning), answers \"The answer is 42.\",",
                "            suggests two follow-up questions",
                "  multi     two answers to each message",
                "  7300000000000000001 to 7300000000000000025: team bots in a second",
                "            workspace (every fifth one unpublished)",
                "Workflows (coze-workflow ID):",
                "  echo      says its input back (--param input=hi)",
                "  multi     three messages: one, two, three",
                "  question  asks \"Which city?\", then answers your reply",
                "  fail      ends with the error of a failed code node",
                "  chatflow  a chatflow that echoes (coze-chat --workflow chatflow)",
                "More bots with scripted answers: --bots FILE, a JSON file such as",
                "  {\"bots\":[{\"id\":\"7443…\",\"name\":\"My bot\",\"answers\":[[\"He\",\"llo\"]]}]}",
                "A DURATION is 250ms, 30s, 5m or 1h.", ""},
        footer = {"", "Faults (--fault NAME[=VALUE], repeatable; a bot file can give a bot its own):", "${sys:coze-mock.faults}",
                "Point the other commands at a running coze-mock (it takes any client id):",
                "  coze-mock --port 8123 --auto-approve --pat my-test-token",
                "  export COZE_API_BASE=http://127.0.0.1:8123",
                "  COZE_API_TOKEN=my-test-token coze-chat --bot echo hi",
                "  coze-login --client-id any.app.coze",
                "As a self-hosted Coze Studio (personal tokens only), or an older release of it:", "  coze-mock --port 8888 --studio --pat my-studio-token",
                "  coze-mock --port 8888 --studio-version 0.2.0 --pat my-studio-token",
                "", "Try the toolkit offline:", "  ./jbang coze-mock exec -- ./jbang coze-chat --bot echo \"hello\""})
public class CozeMock implements Callable<Integer> {
    static {
        System.setProperty("coze-mock.faults", MockFaults.help()); // the help's list, from the one table the mock obeys
    }

    @Mixin
    Options options;

    @Mixin
    CozeCli.Common common;

    @Spec
    CommandSpec spec;

    /** Server options shared by the plain server and `exec`. */
    static class Options {
        @Option(names = "--port", defaultValue = "0", paramLabel = "PORT", description = "Port to listen on (default: 0, a free port, printed).")
        int port;

        @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS", description = "Address to bind (default: ${DEFAULT-VALUE}).")
        String bind;

        @Option(names = "--auto-approve", description = "Approve OAuth consent and device codes at once, for scripted runs.")
        boolean autoApprove;

        @Option(names = "--pat", paramLabel = "TOKEN", description = "Accept this personal access token (repeatable).")
        List<String> pats = new ArrayList<>();

        @Option(names = "--bots", paramLabel = "FILE", description = "Load scripted bots from a JSON file.")
        Path botsFile;

        @Option(names = "--fault", paramLabel = "NAME[=VALUE]", description = "Inject a fault into every chat (repeatable).")
        List<String> faults = new ArrayList<>();

        @Option(names = "--tls-keystore", paramLabel = "FILE",
                description = "Serve HTTPS with the key and certificate in this PKCS12 key store (e.g. made by keytool -genkeypair).")
        Path tlsKeyStore;

        @Option(names = "--tls-password", paramLabel = "PASSWORD", defaultValue = "changeit", description = "The key store's password (default: ${DEFAULT-VALUE}).")
        String tlsPassword;

        @Option(names = "--service-app", paramLabel = "CLIENT_ID:KEY_ID:PEM_FILE",
                description = "Accept this service app's JWT grants: its client id, public key id and public key (PEM, BEGIN PUBLIC KEY) (repeatable).")
        List<String> serviceApps = new ArrayList<>();

        @Option(names = "--clock-offset", defaultValue = "0s", converter = CozeCli.DurationConverter.class, paramLabel = "DURATION",
                description = "Run the mock's clock this far ahead when it checks a JWT's iat and exp, as a server whose clock differs (default: ${DEFAULT-VALUE}).")
        java.time.Duration clockOffset;

        @Option(names = "--studio", description = "Answer as a self-hosted Coze Studio does: personal tokens only (no OAuth), its error codes,"
                + " chat streams ending with conversation.stream.done, workflow events in lower case.")
        boolean studio;

        @Option(names = "--studio-version", paramLabel = "VERSION", description = "Answer as this older release of Coze Studio (implies --studio):"
                + " before 0.3.0 there is no /v3/chat/cancel, before 0.5.1 no /v3/chat/retrieve or /v3/chat/message/list (no non-streaming chat).")
        String studioVersion;

        @Option(names = "--token-ttl", defaultValue = "15m", converter = CozeCli.DurationConverter.class, paramLabel = "DURATION",
                description = "Lifetime of issued access tokens (default: ${DEFAULT-VALUE}).")
        java.time.Duration tokenTtl;

        /** `CLIENT_ID:KEY_ID:PEM_FILE`; the file's path may hold colons (a Windows drive). */
        private static MockServer.ServiceApp serviceApp(String spec) {
            String[] parts = spec.split(":", 3);
            if (parts.length != 3 || parts[0].isBlank() || parts[1].isBlank())
                throw new CozeException(CozeException.USAGE, "--service-app takes CLIENT_ID:KEY_ID:PEM_FILE", "e.g. --service-app 1180.app.coze:kid1:public.pem");
            try {
                return MockServer.ServiceApp.of(parts[0], parts[1], Files.readString(Path.of(parts[2]), java.nio.charset.StandardCharsets.US_ASCII));
            } catch (IOException | IllegalArgumentException e) {
                throw new CozeException(CozeException.USAGE, "--service-app: cannot use the public key " + parts[2] + " (" + e.getMessage() + ")");
            }
        }

        /** Logs each request on stderr when `log`; warns even without when the server can be reached from other machines. */
        MockServer start(CozeCli.Common common, boolean log) throws IOException {
            MockServer.Config c = new MockServer.Config();
            c.bind = bind;
            c.port = port;
            c.autoApprove = autoApprove;
            c.pats.addAll(pats);
            try {
                c.faults = MockFaults.parse(faults);
            } catch (IllegalArgumentException e) {
                throw new CozeException(CozeException.USAGE, e.getMessage(), "coze-mock --help lists the faults");
            }
            c.tokenTtl = tokenTtl;
            c.clockOffset = clockOffset;
            c.studio = studio || studioVersion != null;
            if (studioVersion != null) {
                try {
                    MockServer.checkStudioVersion(studioVersion);
                } catch (IllegalArgumentException e) {
                    throw new CozeException(CozeException.USAGE, "--studio-version: " + e.getMessage(), "e.g. --studio-version 0.2.0");
                }
                c.studioVersion = studioVersion;
            }
            for (String spec : serviceApps) c.serviceApps.add(serviceApp(spec));
            c.tlsKeyStore = tlsKeyStore;
            c.tlsPassword = tlsPassword.toCharArray();
            c.log = log ? line -> common.err().println(line) : null;
            if (botsFile != null) {
                try {
                    c.scriptedBots = Files.readString(botsFile);
                } catch (java.nio.file.NoSuchFileException e) {
                    throw new CozeException(CozeException.USAGE, "there is no bots file " + botsFile, "check the path given to --bots");
                } catch (IOException e) {
                    throw new CozeException(CozeException.USAGE, "cannot read the bots file " + botsFile + " (" + e.getMessage() + ")");
                }
            }
            if (!CozeConfig.loopback(bind))
                common.warnSink().accept("coze-mock: warning: listening on " + bind + ", not loopback: other machines can reach this server,"
                        + " which accepts any client id and the demo token");
            try {
                return MockServer.start(c);
            } catch (IllegalArgumentException e) {
                throw new CozeException(CozeException.USAGE, "the bots file " + botsFile + " is not valid: " + e.getMessage(),
                        "see the bot file's shape in the README (Try it offline)");
            } catch (java.net.BindException e) {
                // A local conflict, exit 2 as the README's table says (like coze-login's busy callback port).
                throw new CozeException(CozeException.USAGE, "port " + port + " on " + bind + " is busy (" + e.getMessage() + ")",
                        "pick another port with --port, or --port 0 for a free one");
            } catch (IOException e) {
                throw new CozeException(CozeException.USAGE, "cannot start: " + e.getMessage());
            }
        }
    }

    public static void main(String... args) {
        CozeCli.main(new CozeMock(), args);
    }

    @Override
    public Integer call() throws Exception {
        MockServer server = options.start(common, !common.quiet);
        common.err().println("coze-mock listening on " + server.baseUrl() + "  (Ctrl-C to stop)");
        common.out().println(server.port());
        common.out().flush();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        Thread.currentThread().join();
        return 0;
    }

    @Command(name = "exec", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
            description = {"Run COMMAND against a mock started for it alone.", "",
                    "The mock listens on a free loopback port; COMMAND gets COZE_API_BASE",
                    "pointing at it, a demo COZE_API_TOKEN and a throw-away COZE_HOME. The",
                    "server stops when COMMAND ends; exec exits with COMMAND's code (127 when",
                    "it cannot be run). Server options (--fault, --bots, …) go after exec;",
                    "requests are logged only with -v.", ""},
            footer = {"", "Examples:", "  coze-mock exec -- coze-chat --bot echo hello",
                    "  coze-mock exec --fault drip=100 -v -- coze-chat --bot echo \"slowly\""})
    static class Exec implements Callable<Integer> {
        static final String DEMO_TOKEN = "pat_coze_mock_demo";
        /** A command that cannot be run, as env and the shells say it. */
        static final int NOT_FOUND = 127;

        @Mixin
        Options options;

        @Mixin
        CozeCli.Common common;

        @Option(names = "--no-token", description = "Do not set COZE_API_TOKEN (to try coze-login against the mock).")
        boolean noToken;

        @Option(names = {"-v", "--verbose"}, description = "Log each request on stderr (off under exec: it would mix with the command's output).")
        boolean verbose;

        @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command to run and its arguments (-- before it is optional).")
        List<String> command;

        /** As env and time do: the command's own options (coze-chat --bot) are not exec's. */
        @Spec
        void commandEndsTheOptions(CommandSpec spec) {
            spec.parser().stopAtPositional(true);
        }

        @picocli.CommandLine.ParentCommand
        CozeMock parent;

        @Override
        public Integer call() throws Exception {
            // exec has its own server options; one given before it would be silently ignored.
            List<picocli.CommandLine.Model.OptionSpec> before = parent.spec.commandLine().getParseResult().matchedOptions();
            if (!before.isEmpty()) {
                var first = before.get(0);
                String given = first.longestName() + (first.arity().max() > 0 ? " " + first.originalStringValues().get(0) : "");
                throw new CozeException(CozeException.USAGE, first.longestName() + " before exec is not used: put it after exec",
                        "coze-mock exec " + given + " -- COMMAND");
            }
            options.pats.add(DEMO_TOKEN);
            MockServer server = options.start(common, verbose && !common.quiet);
            Path home = Files.createTempDirectory("coze-mock-home");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
                Map<String, String> env = pb.environment();
                env.put("COZE_API_BASE", server.baseUrl());
                env.put("COZE_HOME", home.toString());
                env.put("COZE_NO_CONTINUE_HINTS", "true"); // the home is thrown away: -c could not follow on
                if (noToken) env.remove("COZE_API_TOKEN");
                else env.put("COZE_API_TOKEN", DEMO_TOKEN);
                Process p;
                try {
                    p = pb.start();
                } catch (IOException e) {
                    throw new CozeException(NOT_FOUND, "cannot run " + command.get(0) + ": " + e.getMessage(), "is it on your PATH?");
                }
                // As env and time do: Ctrl-C at the terminal reaches the command itself (the REPL clears its line),
                // and the server stays up until the command is over.
                Interrupts.onCtrlC(() -> true);
                Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
                return p.waitFor();
            } finally {
                server.stop();
                try (var files = Files.walk(home)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }
}
