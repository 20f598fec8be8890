import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mock.MockFaults;
import mock.MockServer;

/** Runs the real scripts as separate JVMs (what JBang execs) against an in-process coze-mock. */
final class TestSupport {
    static final String PAT = "pat_test_SENTINEL_PAT_4f1c";
    static final Duration LIMIT = Duration.ofSeconds(60);

    private TestSupport() {}

    static MockServer mock(String... faults) throws IOException {
        MockServer.Config c = new MockServer.Config();
        c.pats.add(PAT);
        c.faults = MockFaults.parse(List.of(faults));
        return MockServer.start(c);
    }

    /** The checkout the tests run from (the README runs them from its top folder). */
    static final Path ROOT = findRoot();

    private static Path findRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent())
            if (Files.isRegularFile(p.resolve("jbang-catalog.json")) && Files.isDirectory(p.resolve("lib"))) return p;
        throw new IllegalStateException("run the tests from the coze-jbang checkout, not " + here);
    }

    /**
     * Compiles `file` (a path under lib/) with one exact text replaced, into a folder that goes first
     * on a script's class path: the scripts then run with that one mechanism broken, to show a test catches it.
     */
    static Path mutant(String file, String original, String replacement) throws IOException {
        Path path = ROOT.resolve("lib").resolve(file);
        String source = Files.readString(path);
        if (!source.contains(original)) throw new AssertionError(file + " no longer contains: " + original);
        Path dir = Files.createTempDirectory("coze-mutant");
        Path src = Files.writeString(dir.resolve(path.getFileName().toString()), source.replace(original, replacement));
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int rc = javac.run(null, null, errors, "-nowarn", "-encoding", "UTF-8", "-cp", System.getProperty("java.class.path"),
                "-d", dir.toString(), src.toString());
        if (rc != 0) throw new AssertionError("the mutant of " + file + " does not compile:\n" + errors);
        return dir;
    }

    /**
     * The JVM options JBang would use for a top-level script: the `//JAVA_OPTIONS` in its header.
     * Test helpers that are not scripts start with C1 and Serial GC.
     */
    static List<String> javaOptions(Class<?> main) {
        Path script = ROOT.resolve(main.getName() + ".java");
        if (!Files.exists(script)) return List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
        List<String> options = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(script))
                if (line.startsWith("//JAVA_OPTIONS ")) options.addAll(List.of(line.substring(15).trim().split("\\s+")));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return options;
    }

    /** A loopback port that was free a moment ago. */
    static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A $BROWSER that only writes the URL it is given to `urlFile`, for a test to open or not. */
    static Path urlRecordingBrowser(Path urlFile) throws IOException {
        Path browser = Files.writeString(urlFile.resolveSibling("browser.sh"), "#!/bin/sh\nprintf '%s' \"$1\" > '" + urlFile + "'\n");
        Files.setPosixFilePermissions(browser, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        return browser;
    }

    /** The URL coze-login handed to urlRecordingBrowser (bounded wait). */
    static String handedOverUrl(Path urlFile, Running login) throws IOException, InterruptedException {
        long end = System.nanoTime() + LIMIT.toNanos();
        while (!Files.exists(urlFile) && login.process.isAlive() && System.nanoTime() < end) Thread.sleep(10);
        if (!Files.exists(urlFile)) throw new AssertionError("coze-login opened no browser: " + login.err());
        return Files.readString(urlFile);
    }

    /** A file that another process (a fake browser) writes whole with a rename, once it is there (bounded wait). */
    static String awaitFile(Path file) throws IOException, InterruptedException {
        long end = System.nanoTime() + LIMIT.toNanos();
        while (!Files.exists(file) && System.nanoTime() < end) Thread.sleep(10);
        return Files.readString(file);
    }

    /** The classes that a -Xlog:class+load log shows as mapped from the dynamic class archive. */
    static java.util.Set<String> fromArchive(Path classLoadLog) throws IOException {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (String line : Files.readAllLines(classLoadLog)) {
            int end = line.indexOf(" source: shared objects file (top)");
            if (end > 0) names.add(line.substring(line.lastIndexOf(' ', end - 1) + 1, end));
        }
        return names;
    }

    /** The main classes whose java command lines the launcher recorded under this JBANG_DIR (each record's `java` file, third line). */
    static java.util.Set<String> recordedMains(Path jbangDir) throws IOException {
        java.util.Set<String> mains = new java.util.HashSet<>();
        Path records = jbangDir.resolve("launcher/launch-1");
        if (!Files.isDirectory(records)) return mains;
        try (java.util.stream.Stream<Path> folders = Files.list(records)) {
            for (Path java : folders.map(f -> f.resolve("java")).filter(Files::isRegularFile).toList()) {
                List<String> lines = Files.readAllLines(java);
                if (lines.size() > 2) mains.add(lines.get(2));
            }
        }
        return mains;
    }

    /** A file of the user's, in a folder beside COZE_HOME (which a command may make, or make private). */
    static Path userFile(Path home, String name, String text) throws IOException {
        Path dir = Files.createDirectories(home.resolveSibling(home.getFileName() + "-files"));
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    static Path tempHome() throws IOException {
        return Files.createTempDirectory("coze-test-home").resolve("coze");
    }

    /** A finished process: what a user would have seen. */
    static final class Result {
        final int exit;
        final String out, err;

        Result(int exit, String out, String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    /** A running script, for tests that interact with it (signals, ordering). */
    static final class Running {
        final Process process;
        final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        private final Thread outPump, errPump;

        Running(Process p) {
            this.process = p;
            outPump = pump(p.getInputStream(), out);
            errPump = pump(p.getErrorStream(), err);
        }

        String out() {
            synchronized (out) {
                return out.toString(StandardCharsets.UTF_8);
            }
        }

        String err() {
            synchronized (err) {
                return err.toString(StandardCharsets.UTF_8);
            }
        }

        /** Types on the script's stdin (its terminal, for inTerminal()). */
        void type(String text) throws IOException {
            process.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        }

        /** Waits until stdout contains text, as sent or as seen on a screen (terminal escapes left out); bounded. */
        boolean awaitOut(String text) throws InterruptedException {
            long end = System.nanoTime() + LIMIT.toNanos();
            while (System.nanoTime() < end) {
                if (out().contains(text) || screen().contains(text)) return true;
                if (!process.isAlive()) return out().contains(text) || screen().contains(text);
                Thread.sleep(10);
            }
            return false;
        }

        /** Waits until the screen ends with text, such as a prompt that is ready for the next line (bounded). */
        boolean awaitScreenEnd(String text) throws InterruptedException {
            long end = System.nanoTime() + LIMIT.toNanos();
            while (System.nanoTime() < end && process.isAlive()) {
                if (screen().endsWith(text)) return true;
                Thread.sleep(10);
            }
            return screen().endsWith(text);
        }

        /** stdout without terminal escapes (styles, cursor moves, modes): the text a user reads. */
        String screen() {
            return TestSupport.screen(out());
        }

        Result finish() throws InterruptedException {
            return finish(LIMIT);
        }

        /** Waits at most `limit` for the script to end: a hang fails the test. */
        Result finish(Duration limit) throws InterruptedException {
            if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the script did not finish within " + limit.toSeconds() + " s\n" + out() + "\n" + err());
            }
            outPump.join(LIMIT.toMillis());
            errPump.join(LIMIT.toMillis());
            return new Result(process.exitValue(), out(), err());
        }

        private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[4096];
                int n;
                try {
                    while ((n = in.read(buf)) > 0) synchronized (sink) {
                        sink.write(buf, 0, n);
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            t.setDaemon(true);
            t.start();
            return t;
        }
    }

    /** A script invocation: main class, environment and stdin. */
    static final class Script {
        final List<String> command = new ArrayList<>();
        final Map<String, String> env = new HashMap<>();
        byte[] stdin;
        boolean interactive;

        Script(Class<?> main, Path home, String... args) {
            // As started from a terminal's foreground: Ctrl-C works even when the tests run in the background.
            command.addAll(List.of("env", "--default-signal=INT"));
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(javaOptions(main));
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(main.getName());
            command.addAll(List.of(args));
            env.put("COZE_HOME", home.toString());
        }

        Script api(MockServer mock) {
            env.put("COZE_API_BASE", mock.baseUrl());
            return this;
        }

        /**
         * Runs the script on a pseudo-terminal made by util-linux `script`, as a user at a terminal
         * would: what the test writes goes through the terminal (so a 0x03 byte is Ctrl-C), and
         * stdout and stderr arrive together, as on screen.
         */
        Script inTerminal() {
            // A pseudo-terminal starts at 0 columns; a line editor needs a width, as every real terminal has.
            StringBuilder line = new StringBuilder("stty cols 200 rows 50 2>/dev/null; exec");
            for (String arg : command) line.append(" '").append(arg.replace("'", "'\\''")).append('\'');
            command.clear();
            command.addAll(List.of("script", "-qfec", line.toString(), "/dev/null"));
            env.put("SHELL", "/bin/sh");
            env.putIfAbsent("TERM", "xterm-256color"); // a terminal always says what it is; CI's environment does not
            return interactive();
        }

        /** Runs the script under another program, such as GNU time. */
        Script under(String... prefix) {
            command.addAll(0, List.of(prefix));
            return this;
        }

        /** Adds JVM options, as JBang adds its own (such as //CDS's archive options). */
        Script jvm(String... options) {
            command.addAll(command.indexOf("-cp"), List.of(options));
            return this;
        }

        /** Puts a folder of classes (a mutant) before the scripts' own. */
        Script classesFirst(Path dir) {
            int cp = command.indexOf("-cp") + 1;
            command.set(cp, dir + java.io.File.pathSeparator + command.get(cp));
            return this;
        }

        Script pat() {
            env.put("COZE_API_TOKEN", PAT);
            return this;
        }

        Script env(String k, String v) {
            env.put(k, v);
            return this;
        }

        /** Leaves stdin open for the test to write to. */
        Script interactive() {
            interactive = true;
            return this;
        }

        Script stdin(String text) {
            stdin = text.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        Running start() throws IOException {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().keySet().removeIf(k -> k.startsWith("COZE_") || k.equals("BROWSER") || k.startsWith("SSH_"));
            pb.environment().putAll(env);
            Process p = pb.start();
            OutputStream in = p.getOutputStream();
            if (stdin != null) in.write(stdin);
            if (!interactive) in.close();
            return new Running(p);
        }

        Result run() throws IOException, InterruptedException {
            return start().finish();
        }

        Result run(Duration limit) throws IOException, InterruptedException {
            return start().finish(limit);
        }
    }

    /** Text without ANSI escapes (CSI, OSC, keypad modes), its line ends as `\n` (a terminal sends `\r\n`, a line editor more `\r`). */
    static String screen(String raw) {
        return raw.replaceAll("\u001b\\[[0-9;?<=>$]*[ -/]*[@-~]|\u001b\\][^\u0007\u001b]*(\u0007|\u001b\\\\)|\u001b[=>]", "")
                .replaceAll("\r+\n", "\n");
    }

    static Script script(Class<?> main, Path home, String... args) {
        return new Script(main, home, args);
    }

    /** Whether a command is on PATH (node and npm for the SDK tests). */
    static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
            if (Files.isExecutable(Path.of(dir, command))) return true;
        return false;
    }

    /** Runs a command in `dir` with no stdin, bounded: a hang fails the test. */
    static Result runIn(Path dir, List<String> command, int seconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("coze-run", ".out"), err = Files.createTempFile("coze-run", ".err");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null"))).start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish in " + seconds + " s");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
