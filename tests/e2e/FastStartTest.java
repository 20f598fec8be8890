import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import lib.core.FastLaunch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One JVM per command: the launcher starts a command's recorded java line directly, and goes through
 * JBang again whenever something changed. A small command built on lib/core stands in for the real
 * ones (it says how it was started), in a project folder whose path has spaces and Chinese in it,
 * with a JBANG_DIR of its own; the real commands are checked through coze-install at the end.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FastStartTest {
    static Path project, jbangDir, home;
    static final String HELLO = """
            ///usr/bin/env jbang "$0" "$@" ; exit $?
            //DEPS info.picocli:picocli:4.7.7
            //DEPS com.google.code.gson:gson:2.13.1
            //SOURCES lib/core/Folder.java Greeting.java
            //COMPILE_OPTIONS -encoding UTF-8 -XDignore.symbol.file
            //JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:disable -Xlog:all=error:stderr
            import java.util.List;
            import picocli.CommandLine.Command;
            import picocli.CommandLine.Parameters;

            @Command(name = "hello")
            public class Hello implements java.util.concurrent.Callable<Integer> {
                @Parameters List<String> words = List.of();

                public static void main(String... args) {
                    lib.core.CozeCli.main(new Hello(), args);
                }

                public Integer call() {
                    System.out.println(Greeting.TEXT + " " + String.join("|", words) + " ("
                            + (System.getProperty("coze.launch") != null ? "one JVM" : "JBang") + ", Java " + Runtime.version().feature() + ")");
                    System.out.flush();
                    return 0;
                }
            }
            """;

    @BeforeAll
    static void project() throws IOException {
        Path jar = Path.of(System.getenv().getOrDefault("JBANG_DIR", System.getProperty("user.home") + "/.jbang"), "launcher");
        Path dir = Files.createTempDirectory("coze fast start");
        project = Files.createDirectories(dir.resolve("my project 项目"));
        jbangDir = Files.createDirectories(dir.resolve("jbang dir"));
        home = Files.createDirectories(dir.resolve("home"));
        try (Stream<Path> jars = Files.list(jar)) {
            List<Path> found = jars.filter(p -> p.getFileName().toString().matches("jbang-cli-.*-all\\.jar")).toList();
            assumeTrue(!found.isEmpty(), "no JBang jar in the launcher's cache (tests run by an installed JBang)");
            Files.createDirectories(jbangDir.resolve("launcher"));
            for (Path f : found) Files.copy(f, jbangDir.resolve("launcher").resolve(f.getFileName()));
        }
        Files.copy(TestSupport.ROOT.resolve("jbang"), project.resolve("jbang"));
        project.resolve("jbang").toFile().setExecutable(true);
        Files.createDirectories(project.resolve("lib/core"));
        try (Stream<Path> core = Files.list(TestSupport.ROOT.resolve("lib/core"))) {
            for (Path f : core.toList()) Files.copy(f, project.resolve("lib/core").resolve(f.getFileName()));
        }
        Files.writeString(project.resolve("Hello.java"), HELLO);
        Files.writeString(project.resolve("Greeting.java"), "class Greeting { static final String TEXT = \"hello\"; }\n");
        Files.writeString(project.resolve("jbang-catalog.json"), "{\"aliases\": {\"hello\": {\"script-ref\": \"Hello.java\"}}}\n");
    }

    /** Runs a bash line in the project as a user with no JBang of their own and no locale. */
    static TestSupport.Result run(String line, Map<String, String> extra) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", line).directory(project.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("COZE_") || k.startsWith("JBANG_") || k.startsWith("LC_") || k.equals("LANG"));
        env.put("HOME", home.toString());
        env.put("JBANG_DIR", jbangDir.toString());
        env.put("JBANG_REPO", System.getenv().getOrDefault("JBANG_REPO", Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.putAll(extra);
        Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        TestSupport.Running running = new TestSupport.Running(p);
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + line);
        }
        return running.finish();
    }

    static TestSupport.Result run(String line) throws Exception {
        return run(line, Map.of());
    }

    /** Where the launcher keeps the line of the script run by its path. */
    static Path record() throws IOException {
        return FastLaunch.recordFolder(jbangDir, "file\t" + project.toRealPath() + "/Hello.java");
    }

    static void waitFor(Path file) throws InterruptedException {
        for (long until = System.nanoTime() + Duration.ofSeconds(150).toNanos(); System.nanoTime() < until && !Files.exists(file); ) {
            TimeUnit.MILLISECONDS.sleep(250);
        }
        assertTrue(Files.exists(file), "the background training made " + file);
    }

    static void says(TestSupport.Result r, String expected) {
        assertEquals(0, r.exit, r.toString());
        assertEquals(expected + "\n", r.out, r.toString());
    }

    @Test
    @Order(1)
    void theSecondRunStartsOneJvmAndTheThirdWithClassData() throws Exception {
        int java = Runtime.version().feature();
        says(run("./jbang Hello.java a 'b c' ''"), "hello a|b c| (JBang, Java " + java + ")");
        says(run("./jbang Hello.java a 'b c' ''"), "hello a|b c| (one JVM, Java " + java + ")");
        waitFor(record().resolve(java >= 25 ? "app.aot" : "app.jsa"));
        TestSupport.Result third = run("./jbang Hello.java again");
        says(third, "hello again (one JVM, Java " + java + ")");
        assertEquals("", third.err, "no word from the JVM about its class data");
        if (java < 25) {
            // A static archive holds picocli, whose Java 5 classes a dynamic one skips: the record's line,
            // run by hand with the class-load log on and the locale the launcher gives it, maps them.
            String loaded = run("export LC_CTYPE=C.UTF-8; R='" + record() + "'; \"$(head -1 \"$R/java\")\" \"@$R/jvm\" -XX:SharedArchiveFile=\"$R/app.jsa\""
                    + " -Xlog:class+load=info lib.core.FastLaunch Hello x").out;
            assertTrue(loaded.contains("picocli.CommandLine source: shared objects file"), loaded);
        }
        says(run("./jbang hello by-alias"), "hello by-alias (JBang, Java " + java + ")");
        says(run("./jbang hello by-alias"), "hello by-alias (one JVM, Java " + java + ")");
    }

    @Test
    @Order(2)
    void aChangedSourceGoesThroughJBangOnce() throws Exception {
        int java = Runtime.version().feature();
        run("./jbang Hello.java warm");
        Files.writeString(project.resolve("Greeting.java"), "class Greeting { static final String TEXT = \"你好\"; }\n");
        TestSupport.Result changed = run("./jbang Hello.java");
        says(changed, "你好  (JBang, Java " + java + ")");
        says(run("./jbang Hello.java"), "你好  (one JVM, Java " + java + ")");
    }

    @Test
    @Order(3)
    void aChangedCatalogGoesThroughJBangOnce() throws Exception {
        int java = Runtime.version().feature();
        run("./jbang hello warm");
        Files.writeString(project.resolve("jbang-catalog.json"),
                "{\"aliases\": {\"hello\": {\"script-ref\": \"Hello.java\", \"arguments\": [\"from-the-catalog\"]}}}\n");
        says(run("./jbang hello x"), greetingNow() + " from-the-catalog|x (JBang, Java " + java + ")");
        says(run("./jbang hello x"), greetingNow() + " from-the-catalog|x (one JVM, Java " + java + ")");
    }

    @Test
    @Order(4)
    void anotherJdkGoesThroughJBangOnce() throws Exception {
        Path other = otherJdk();
        assumeTrue(other != null, "only one JDK on this machine");
        int feature = Integer.parseInt(run("'" + other + "/bin/java' -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'").out.strip());
        run("./jbang Hello.java warm");
        Map<String, String> env = Map.of("JAVA_HOME", other.toString());
        says(run("./jbang Hello.java", env), greetingNow() + "  (JBang, Java " + feature + ")");
        says(run("./jbang Hello.java", env), greetingNow() + "  (one JVM, Java " + feature + ")");
        waitFor(record().resolve(feature >= 25 ? "app.aot" : "app.jsa"));
        TestSupport.Result withClassData = run("./jbang Hello.java", env);
        says(withClassData, greetingNow() + "  (one JVM, Java " + feature + ")");
        assertEquals("", withClassData.err);
        says(run("./jbang Hello.java"), greetingNow() + "  (JBang, Java " + Runtime.version().feature() + ")");
    }

    @Test
    @Order(5)
    void aDeletedOrDamagedRecordNeverFailsARun() throws Exception {
        String expected = greetingNow() + " ok (JBang, Java " + Runtime.version().feature() + ")";
        for (String damage : List.of("rm -rf \"$R\"", "echo garbage > \"$R/java\"", "echo '\"-Xbogus\"' >> \"$R/jvm\"", "echo garbage > \"$R/jvm\"",
                ": > \"$R/fingerprint\"", "echo 'file 1 2 /nonexistent' > \"$R/fingerprint\"", "echo garbage > \"$R/app.jsa\"; echo garbage > \"$R/app.aot\"")) {
            run("./jbang Hello.java warm");
            TestSupport.Result damaged = run("R='" + record() + "'; " + damage + "; ./jbang Hello.java ok");
            assertEquals(0, damaged.exit, damage + ": " + damaged);
            assertTrue(damaged.out.equals(expected + "\n") || damaged.out.equals(expected.replace("JBang", "one JVM") + "\n"), damage + ": " + damaged);
            assertEquals("", damaged.err.replaceAll("(?m)^\\[jbang\\].*\n", ""), damage + ": nothing but JBang's own lines on stderr");
        }
    }

    @Test
    @Order(6)
    void nonAsciiArgumentsWithoutALocaleArriveWhole() throws Exception {
        run("./jbang Hello.java warm");
        TestSupport.Result fast = run("./jbang Hello.java '你好，世界' 'ça va'");
        says(fast, greetingNow() + " 你好，世界|ça va (one JVM, Java " + Runtime.version().feature() + ")");
    }

    /** The real commands, installed from a clone into a folder with a space, run by their full path from a bare environment (cron, ssh). */
    @Test
    @Order(7)
    void installedCommandsRunFromABareEnvironment() throws Exception {
        Path bin = Files.createTempDirectory("coze bin");
        ProcessBuilder pb = new ProcessBuilder(TestSupport.ROOT.resolve("jbang").toString(), "coze-install", "--dir", bin.toString(), "coze-refresh")
                .directory(TestSupport.ROOT.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("COZE_"));
        TestSupport.Running install = new TestSupport.Running(pb.start());
        TestSupport.Result installed = install.finish(Duration.ofMinutes(4));
        assertEquals(0, installed.exit, installed.toString());
        assertEquals(bin.resolve("coze-refresh") + "\n", installed.out, "the installed command's path, alone on stdout");
        for (int i = 0; i < 2; i++) {
            TestSupport.Result print = run("env -i HOME='" + home + "' COZE_HOME='" + home.resolve(".coze") + "' COZE_API_TOKEN=" + TestSupport.PAT
                    + " '" + bin.resolve("coze-refresh") + "' --print");
            assertEquals(0, print.exit, print.toString());
            assertEquals(TestSupport.PAT + "\n", print.out);
            assertTrue(TestSupport.recordedMains(home.resolve(".jbang")).contains("CozeRefresh"),
                    "the command recorded its line, which every later run starts directly");
        }
    }

    private static String greetingNow() throws IOException {
        return Files.readString(project.resolve("Greeting.java")).replaceAll("(?s).*TEXT = \"([^\"]*)\".*", "$1");
    }

    /** A JDK under the same folder as this one, of another version. */
    private static Path otherJdk() throws IOException {
        Path mine = Path.of(System.getProperty("java.home")).toRealPath();
        try (Stream<Path> jdks = Files.list(mine.getParent())) {
            for (Path jdk : jdks.toList()) {
                Path real = jdk.toRealPath();
                if (real.equals(mine) || !Files.isExecutable(real.resolve("bin/java")) || !Files.isRegularFile(real.resolve("release"))) continue;
                String release = Files.readString(real.resolve("release"));
                if (!release.contains("JAVA_VERSION=\"" + Runtime.version().feature())) return real;
            }
        }
        return null;
    }
}
