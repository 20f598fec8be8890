import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lib.core.FastLaunch;
import lib.core.LaunchFingerprint;
import lib.core.Os;
import lib.install.Installer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of one JVM per command that do not need JBang: the record, its fingerprint, the @argfile and the installed scripts. */
class FastLaunchTest {
    @TempDir
    Path dir;

    final Map<String, String> env = new HashMap<>(Map.of("PATH", "/nonexistent"));

    /** A script naming a folder's Folder.java, which names another file, and two files for its jar: the record depends on them all, and on the jar. */
    Path project() throws Exception {
        Files.createDirectories(dir.resolve("lib/x"));
        Files.writeString(dir.resolve("Main.java"), "//SOURCES lib/x/Folder.java\n//FILES run.sh conf/app.json=app.json\nclass Main {}\n");
        Files.writeString(dir.resolve("run.sh"), "echo\n");
        Files.writeString(dir.resolve("app.json"), "{}\n");
        Files.writeString(dir.resolve("lib/x/Folder.java"), "//SOURCES A.java\n");
        Files.writeString(dir.resolve("lib/x/A.java"), "class A {}\n");
        Files.writeString(dir.resolve("app.jar"), "jar");
        return dir.resolve("Main.java");
    }

    boolean record(LaunchFingerprint.Ref ref) throws Exception {
        return FastLaunch.record(dir.resolve("record"), ref, env::get, List.of("-Xmx64m", "-XX:SharedArchiveFile=/jbang/x.jsa"), dir.resolve("app.jar").toString(),
                "Main", List.of(), Path.of(System.getProperty("java.home")), 17);
    }

    LaunchFingerprint fingerprint() {
        return LaunchFingerprint.read(dir.resolve("record/fingerprint"));
    }

    @Test
    void aRecordHoldsUntilASourceTheJarOrAVariableChanges() throws Exception {
        Path script = project();
        assertTrue(record(LaunchFingerprint.Ref.parse("file\t" + script)));
        assertTrue(fingerprint().holds("Main", env::get));
        assertFalse(fingerprint().holds("Other", env::get), "the line is for Main only");
        String jvm = Files.readString(dir.resolve("record/jvm"));
        assertFalse(jvm.contains("SharedArchiveFile"), "JBang's class data is not replayed: " + jvm);
        assertTrue(jvm.contains("\"-Xmx64m\""), jvm);

        Path deep = dir.resolve("lib/x/A.java");
        Files.setLastModifiedTime(deep, FileTime.fromMillis(Files.getLastModifiedTime(deep).toMillis() + 2000));
        assertFalse(fingerprint().holds("Main", env::get), "a file named by a file named in //SOURCES");
        assertTrue(record(LaunchFingerprint.Ref.parse("file\t" + script)));
        Files.writeString(dir.resolve("app.json"), "{\"changed\": true}\n");
        assertFalse(fingerprint().holds("Main", env::get), "a file //FILES puts in the jar under another name");
        assertTrue(record(LaunchFingerprint.Ref.parse("file\t" + script)));
        Files.writeString(dir.resolve("run.sh"), "echo changed\n");
        assertFalse(fingerprint().holds("Main", env::get), "a file //FILES puts in the jar");
        assertTrue(record(LaunchFingerprint.Ref.parse("file\t" + script)));
        Files.writeString(dir.resolve("app.jar"), "rebuilt");
        assertFalse(fingerprint().holds("Main", env::get), "the jar");
        assertTrue(record(LaunchFingerprint.Ref.parse("file\t" + script)));
        env.put("JAVA_HOME", "/another/jdk");
        assertFalse(fingerprint().holds("Main", env::get), "another JAVA_HOME");
    }

    @Test
    void aDamagedFingerprintNeverHolds() throws Exception {
        assertTrue(record(LaunchFingerprint.Ref.parse("file\t" + project())));
        for (String damage : List.of("", "garbage", "file x y", "until soon", "main Main\n", "env JAVA_HOME")) {
            Files.writeString(dir.resolve("record/fingerprint"), damage);
            assertFalse(fingerprint().holds("Main", env::get), damage);
        }
        Files.delete(dir.resolve("record/fingerprint"));
        assertFalse(fingerprint().holds("Main", env::get));
    }

    @Test
    void whatCannotBeReplayedIsNotRecorded() throws Exception {
        Path script = project();
        env.put("JAVA_TOOL_OPTIONS", "-Dx=1");
        assertFalse(record(LaunchFingerprint.Ref.parse("file\t" + script)), "the JVM reports those options as its own");
        env.remove("JAVA_TOOL_OPTIONS");
        Files.writeString(dir.resolve("jbang-catalog.json"), "{\"aliases\": {\"main\": {\"script-ref\": \"Main.java\"}}}");
        assertFalse(record(LaunchFingerprint.Ref.parse("alias\t" + dir.resolve("jbang-catalog.json") + "\tother")), "an alias this catalog does not have");
        assertTrue(record(LaunchFingerprint.Ref.parse("alias\t" + dir.resolve("jbang-catalog.json") + "\tmain")));
        Files.writeString(dir.resolve("jbang-catalog.json"), "{\"aliases\": {\"main\": {\"script-ref\": \"Main.java\", \"arguments\": [\"x\"]}}}");
        assertFalse(fingerprint().holds("Main", env::get), "the catalog changed");
    }

    @Test
    void aScriptFromTheWebIsTrustedAsLongAsJBangTrustsItsCopy() throws Exception {
        project();
        assertTrue(record(LaunchFingerprint.Ref.parse("remote\tcoze-chat@org")));
        assertTrue(fingerprint().holds("Main", env::get));
        String text = Files.readString(dir.resolve("record/fingerprint"));
        long until = Long.parseLong(text.replaceAll("(?s).*\nuntil (\\d+)\n.*", "$1"));
        assertEquals(12 * 3600_000.0, until - System.currentTimeMillis(), 60_000, "JBang's cache-evict default");
        Files.writeString(dir.resolve("record/fingerprint"), text.replaceAll("until \\d+", "until " + (System.currentTimeMillis() - 1)));
        assertFalse(fingerprint().holds("Main", env::get));
    }

    /** What java reads back from the @argfile is what was written: spaces, quotes, backslashes (Windows paths). */
    @Test
    void theArgFileRoundTripsThroughJava() throws Exception {
        String value = "C:\\Program Files\\Java \"x\" it's";
        Path file = dir.resolve("args");
        Files.writeString(file, FastLaunch.argFile(List.of("-Dcoze.roundtrip=" + value, "-XshowSettings:properties", "-version")));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "@" + file).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("coze.roundtrip = " + value + System.lineSeparator()), out);
    }

    @Test
    void cksumIsPosixCksum() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/cksum")) || Files.isExecutable(Path.of("/bin/cksum")), "no cksum here");
        for (String text : List.of("", "hello\n", "x".repeat(100_000), "你好")) {
            Process p = new ProcessBuilder("cksum").start();
            p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            assertEquals(new String(p.getInputStream().readAllBytes()).strip(), FastLaunch.cksum(text.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void installedScriptsQuoteTheirPathsForTheirShell() throws Exception {
        Installer.Command command = new Installer.Command("coze-chat", "/home/o'brien/coze jbang/CozeChat.java");
        Path posix = new Installer(dir.resolve("bin"), Path.of("/home/o'brien/coze jbang/jbang"), new Os("Linux", Map.of())).install(command);
        assertEquals("exec '/home/o'\\''brien/coze jbang/jbang' '/home/o'\\''brien/coze jbang/CozeChat.java' \"$@\"",
                Files.readAllLines(posix).get(2));
        assertTrue(Files.isExecutable(posix));
        Path windows = new Installer(dir.resolve("bin"), Path.of("jbang"), new Os("Windows 11", Map.of()))
                .install(new Installer.Command("coze-chat", "C:\\Users\\Zhang San\\coze-jbang\\CozeChat.java"));
        assertEquals(dir.resolve("bin/coze-chat.cmd"), windows);
        assertTrue(Files.readString(windows).contains("jbang \"C:\\Users\\Zhang San\\coze-jbang\\CozeChat.java\" %*\r\n"), Files.readString(windows));
        assertEquals(List.of("coze-chat"), Installer.ofCatalog("{\"aliases\": {\"coze-chat\": {\"script-ref\": \"CozeChat.java\"},"
                + " \"coze-install\": {\"script-ref\": \"CozeInstall.java\"}}}", "org").stream().map(Installer.Command::name).toList(), "not itself");
    }
}
