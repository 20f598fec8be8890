package lib.core;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.charset.CharsetEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One JVM per command (docs/ARCHITECTURE.md, "Starting in one JVM"). A command that JBang starts
 * records how: the java, its options, class path and main class, in a folder the launcher named
 * (COZE_LAUNCH_RECORD), with a fingerprint of everything that would make JBang build or start it
 * otherwise. Later the launcher execs that line directly, with this class as the main class: it
 * checks the fingerprint and runs the command, or, when anything changed, runs the launcher again
 * through JBang, which builds and records anew. A recorded command also gets a class-data archive
 * (JDK 17-24) or an AOT cache (JDK 25+), trained once in the background.
 */
public final class FastLaunch {
    private FastLaunch() {}

    /** The exit code when the line is out of date and there is no launcher to run again (started by hand). */
    static final int STALE = 255;

    /**
     * The files of a record folder. The launcher reads `java` (the java, the app's jar, the main
     * class and the POSIX cksum of `jvm`, one per line), passes `jvm` as an @argfile, and adds the
     * class data (`app.jsa` or `app.aot`) when there is some.
     */
    static final String JAVA = "java", JVM = "jvm", FINGERPRINT = "fingerprint", ARCHIVE = "app.jsa", AOT_CACHE = "app.aot";
    /** The arguments a catalog alias puts before the user's (its "arguments"), one per line, URL-encoded. */
    static final String ARGUMENTS = "arguments";

    /** The launcher's line: FastLaunch MAIN_CLASS ARGS… — or `--train FOLDER` for the background trainer. */
    public static void main(String[] args) throws Throwable {
        if (args.length == 2 && args[0].equals("--train")) {
            train(Path.of(args[1]));
            return;
        }
        Path folder = Path.of(System.getProperty("coze.launch", ""));
        List<String> command = args.length == 0 ? null : recorded(folder, args[0]);
        if (command == null) System.exit(throughJBang(Arrays.copyOfRange(args, Math.min(1, args.length), args.length)));
        command.addAll(Arrays.asList(args).subList(1, args.length));
        try {
            Class.forName(args[0]).getMethod("main", String[].class).invoke(null, (Object) command.toArray(String[]::new));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The alias's arguments when the record still holds for this main class, else null. */
    private static List<String> recorded(Path folder, String mainClass) {
        if (!LaunchFingerprint.read(folder.resolve(FINGERPRINT)).holds(mainClass, Env.SYSTEM)) return null;
        try {
            return new ArrayList<>(argumentsIn(Files.readString(folder.resolve(ARGUMENTS), StandardCharsets.US_ASCII)));
        } catch (IOException | RuntimeException damaged) {
            return null;
        }
    }

    /**
     * The line is out of date: the launcher runs the command again through JBang (COZE_LAUNCH_STALE),
     * with this JVM waiting as its parent. Ctrl-C at a terminal reaches the command itself, so this
     * one ignores it; a TERM (a supervisor stopping it) is passed on.
     */
    private static int throughJBang(String[] args) throws IOException, InterruptedException {
        String launcher = System.getenv("COZE_LAUNCH_SELF"), script = System.getenv("COZE_LAUNCH_SCRIPT");
        if (launcher == null || script == null) return STALE;
        List<String> command = new ArrayList<>(List.of(launcher, script));
        command.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        pb.environment().put("COZE_LAUNCH_STALE", "1");
        Process jbang = pb.start();
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> { });
        Runtime.getRuntime().addShutdownHook(new Thread(jbang::destroy));
        return jbang.waitFor();
    }

    /** What a command sees of its environment; tests give their own. */
    public interface Env {
        String get(String name);

        Env SYSTEM = System::getenv;
    }

    private static Path recordedInto;

    /**
     * Called first thing by every command: when the launcher asked this very process (not a child of
     * it) to record its line, writes the record. Best effort: without one, the launcher keeps using JBang.
     */
    static void recordIfAsked(Class<?> mainClass, String[] args) {
        String folder = System.getenv("COZE_LAUNCH_RECORD"), ref = System.getenv("COZE_LAUNCH_REF");
        if (folder == null || ref == null || !String.valueOf(ProcessHandle.current().pid()).equals(System.getenv("COZE_LAUNCH_PID"))) return;
        try {
            List<String> line = ManagementFactory.getRuntimeMXBean().getInputArguments();
            int typed = Integer.parseInt(System.getenv("COZE_LAUNCH_ARGC"));
            if (typed > args.length) return;
            List<String> fromCatalog = List.of(args).subList(0, args.length - typed);
            if (record(Path.of(folder), LaunchFingerprint.Ref.parse(ref), Env.SYSTEM, line, System.getProperty("java.class.path"), mainClass.getName(),
                    fromCatalog, Path.of(System.getProperty("java.home")), Runtime.version().feature())) {
                recordedInto = Path.of(folder);
            }
        } catch (IOException | RuntimeException e) {
            // The launcher will ask again next time.
        }
    }

    /** Called when the command is over: a new record gets its class data trained in the background. */
    static void afterCommand() {
        if (recordedInto == null) return;
        try {
            Path folder = recordedInto.toAbsolutePath();
            ProcessBuilder trainer = new ProcessBuilder(javaOf(folder), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                    "-cp", System.getProperty("java.class.path"), FastLaunch.class.getName(), "--train", folder.toString());
            trainer.redirectInput(ProcessBuilder.Redirect.from(Path.of(Os.current().windows() ? "NUL" : "/dev/null").toFile()));
            trainer.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
            withoutLaunchVariables(trainer);
            trainer.start();
        } catch (IOException | RuntimeException e) {
            // No class data: the command still starts in one JVM.
        }
    }

    /**
     * Writes the record: `java` (the java, the app's jar, the main class and the cksum of `jvm`, one
     * per line), `jvm` (a java @argfile of the JVM options and class path), `arguments` and the
     * fingerprint. Returns false (and writes nothing) when this line cannot be replayed faithfully.
     */
    public static boolean record(Path folder, LaunchFingerprint.Ref ref, Env env, List<String> jvmOptions, String classPath, String mainClass,
                          List<String> fromCatalog, Path javaHome, int jdkFeature) throws IOException {
        if (present(env.get("JAVA_TOOL_OPTIONS")) || present(env.get("JDK_JAVA_OPTIONS"))) return false; // the JVM reports them as its own options
        List<String> options = new ArrayList<>();
        for (String option : jvmOptions) {
            if (!jbangClassData(option)) options.add(option);
        }
        List<Path> entries = new ArrayList<>();
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty()) entries.add(Path.of(entry).toAbsolutePath());
        }
        if (entries.isEmpty()) return false;
        Charset charset = nativeCharset();
        String java = javaHome.resolve("bin").resolve(Os.current().windows() ? "java.exe" : "java").toString();
        List<String> jvm = new ArrayList<>(options);
        jvm.add("-Dcoze.launch=" + folder.toAbsolutePath());
        jvm.add("-cp");
        jvm.add(classPath);
        String argfile = argFile(jvm);
        LaunchFingerprint fingerprint = LaunchFingerprint.of(ref, env, mainClass, javaHome, entries, jdkFeature);
        if (fingerprint == null || !encodable(charset, argfile + java + entries.get(0))) return false;
        byte[] argBytes = argfile.getBytes(charset);
        String javaFile = java + "\n" + entries.get(0) + "\n" + mainClass + "\n" + cksum(argBytes) + "\n";
        Files.createDirectories(folder);
        for (String name : new String[] {ARCHIVE, AOT_CACHE}) Files.deleteIfExists(folder.resolve(name));
        writeAtomically(folder.resolve(ARGUMENTS), arguments(fromCatalog).getBytes(StandardCharsets.US_ASCII));
        writeAtomically(folder.resolve(JVM), argBytes);
        writeAtomically(folder.resolve(FINGERPRINT), fingerprint.text().getBytes(charset));
        writeAtomically(folder.resolve(JAVA), javaFile.getBytes(charset));
        return true;
    }

    /** JBang's //CDS options name JBang's archive, and -Dcoze.launch names an older record: the record adds its own. */
    private static boolean jbangClassData(String option) {
        return option.startsWith("-XX:ArchiveClassesAtExit=") || option.startsWith("-XX:SharedArchiveFile=") || option.startsWith("-XX:AOTCache")
                || option.startsWith("-Dcoze.launch=");
    }

    /**
     * The background trainer: runs the recorded command once (`--version`, which rehearses a chat when
     * class data is being written, see ArchiveTraining) and keeps the class data only when it is whole.
     * JDK 25+ writes an AOT cache at exit. JDK 17-24 lists the classes the run loaded and dumps a
     * static archive of them: unlike the dynamic archive it holds picocli, whose Java 5 classes the
     * dynamic one skips (docs/PERFORMANCE.md). Tried once per record.
     */
    static void train(Path folder) throws IOException, InterruptedException {
        String[] recorded = Files.readString(folder.resolve(JAVA), nativeCharset()).split("\n");
        boolean aot = LaunchFingerprint.read(folder.resolve(FINGERPRINT)).jdkFeature() >= 25;
        Path done = folder.resolve(aot ? AOT_CACHE : ARCHIVE);
        // Names of its own: two commands recorded at once each train, and the last whole file wins.
        String ours = "." + ProcessHandle.current().pid() + ".part";
        Path part = folder.resolve(done.getFileName() + ours), classes = folder.resolve("classes" + ours);
        String jvm = "@" + folder.resolve(JVM), main = FastLaunch.class.getName();
        try {
            if (aot) {
                if (!ran(recorded[0], jvm, "-XX:AOTCacheOutput=" + part, main, recorded[2], "--version")) return;
            } else if (!ran(recorded[0], jvm, "-XX:DumpLoadedClassList=" + classes, main, recorded[2], "--version")
                    || !ran(recorded[0], jvm, "-Xshare:dump", "-XX:SharedClassListFile=" + classes, "-XX:SharedArchiveFile=" + part)) {
                return;
            }
            if (Files.isRegularFile(part) && Files.size(part) > 0) Files.move(part, done, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(part);
            Files.deleteIfExists(classes);
        }
    }

    /**
     * Runs a training JVM to its end, or false when it had to be stopped. Its exit code does not
     * matter: whatever `--version` answered (a script may not know it), the classes it loaded count.
     */
    private static boolean ran(String... command) throws IOException, InterruptedException {
        ProcessBuilder run = new ProcessBuilder(command);
        run.redirectInput(ProcessBuilder.Redirect.from(Path.of(Os.current().windows() ? "NUL" : "/dev/null").toFile()));
        run.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        withoutLaunchVariables(run);
        Process p = run.start();
        if (p.waitFor(Duration.ofMinutes(3).toSeconds(), TimeUnit.SECONDS)) return true;
        p.destroyForcibly().waitFor();
        return false;
    }

    /** A java @argfile: each argument quoted, with the backslashes and quotes in it escaped (Windows paths too). */
    public static String argFile(List<String> args) {
        StringBuilder out = new StringBuilder();
        for (String arg : args) out.append('"').append(arg.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
        return out.toString();
    }

    static String arguments(List<String> args) {
        StringBuilder out = new StringBuilder();
        for (String arg : args) out.append(URLEncoder.encode(arg, StandardCharsets.UTF_8)).append('\n');
        return out.toString();
    }

    static List<String> argumentsIn(String text) {
        return text.lines().map(line -> URLDecoder.decode(line, StandardCharsets.UTF_8)).toList();
    }

    /** What POSIX `cksum` prints for these bytes read from stdin: the launcher checks `jvm` with it before use. */
    public static String cksum(byte[] data) {
        int crc = 0;
        for (byte b : data) crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xFF];
        for (long n = data.length; n != 0; n >>>= 8) crc = (crc << 8) ^ CRC_TABLE[(int) (((crc >>> 24) ^ n) & 0xFF)];
        return Integer.toUnsignedString(~crc) + " " + data.length;
    }

    private static final int[] CRC_TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i << 24;
            for (int k = 0; k < 8; k++) c = (c & 0x80000000) != 0 ? (c << 1) ^ 0x04C11DB7 : c << 1;
            CRC_TABLE[i] = c;
        }
    }

    /** Replaces a file whole: a launcher reading it meanwhile sees the old or the new one. */
    private static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path part = file.resolveSibling(file.getFileName() + ".part");
        Files.write(part, bytes);
        Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Where the launcher keeps the record of `ref` (its `file\t…`, `alias\t…` or `remote\t…` text): named by the text's POSIX cksum. */
    public static Path recordFolder(Path jbangDir, String ref) {
        return jbangDir.resolve("launcher").resolve("launch-1").resolve(cksum(ref.getBytes(StandardCharsets.UTF_8)).split(" ")[0]);
    }

    /** Whether a record's class data has been trained. */
    public static boolean hasClassData(Path folder) {
        return Files.isRegularFile(folder.resolve(ARCHIVE)) || Files.isRegularFile(folder.resolve(AOT_CACHE));
    }

    /** A child of a command is not the process the launcher asked to record. */
    public static void withoutLaunchVariables(ProcessBuilder pb) {
        pb.environment().keySet().removeIf(name -> name.startsWith("COZE_LAUNCH_"));
    }

    private static String javaOf(Path folder) throws IOException {
        return Files.readString(folder.resolve(JAVA), nativeCharset()).split("\n")[0];
    }

    /** The charset java's launcher reads an @argfile and its command line in. */
    static Charset nativeCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    private static boolean encodable(Charset charset, String text) {
        CharsetEncoder encoder = charset.newEncoder();
        return encoder.canEncode(text);
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
