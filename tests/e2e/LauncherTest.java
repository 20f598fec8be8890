import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The repository's ./jbang without an installed JBang: what it keeps in JBANG_DIR is the user's alone,
 * and the cached JBang jar is checked before each run. "Maven Central" is a loopback server that serves
 * the jar from this machine's launcher cache, so nothing here needs the network.
 */
class LauncherTest {
    static final String MARKER = "a swapped JBang jar ran";
    static String version;
    static byte[] realJar;
    static HttpServer central;
    static final AtomicInteger downloads = new AtomicInteger();

    @BeforeAll
    static void serveJBang() throws Exception {
        Matcher v = Pattern.compile("(?m)^JBANG_VERSION=(\\S+)$").matcher(Files.readString(TestSupport.ROOT.resolve("jbang")));
        assertTrue(v.find(), "the launcher pins a JBang version");
        version = v.group(1);
        String jarPath = "dev/jbang/jbang-cli/" + version + "/jbang-cli-" + version + "-all.jar";
        Path cached = Path.of(System.getenv().getOrDefault("JBANG_DIR", System.getProperty("user.home") + "/.jbang"), "launcher",
                "jbang-cli-" + version + "-all.jar");
        assumeTrue(Files.isRegularFile(cached), "no JBang jar in the launcher's cache (tests run by an installed JBang): " + cached);
        assumeTrue(run(Files.createTempDirectory("coze-launcher").resolve("jbang"), "command -v -p jbang || which -a jbang").exit != 0,
                "an installed JBang would run instead of the launcher's");
        realJar = Files.readAllBytes(cached);
        central = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        central.createContext("/", ex -> {
            boolean found = ex.getRequestURI().getPath().equals("/" + jarPath);
            if (found) downloads.incrementAndGet();
            ex.sendResponseHeaders(found ? 200 : 404, found ? realJar.length : -1);
            if (found) ex.getResponseBody().write(realJar);
            ex.close();
        });
        central.start();
    }

    @AfterAll
    static void stop() {
        if (central != null) central.stop(0);
    }

    /** Runs a bash script in the checkout as a user with no JBang of their own, JBANG_DIR and HOME beside each other. */
    static TestSupport.Result run(Path jbangDir, String script) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).directory(TestSupport.ROOT.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("COZE_") || k.startsWith("JBANG_"));
        env.put("HOME", jbangDir.resolveSibling("home").toString());
        env.put("JBANG_DIR", jbangDir.toString());
        env.put("JBANG_REPO", System.getenv().getOrDefault("JBANG_REPO", Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        if (central != null) env.put("COZE_JBANG_MAVEN_CENTRAL", "http://127.0.0.1:" + central.getAddress().getPort());
        Process p = pb.start();
        p.getOutputStream().close();
        TestSupport.Running running = new TestSupport.Running(p);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + script + "\n" + running.out() + running.err());
        }
        return running.finish();
    }

    /** Every file and folder under dir (links not followed) that a group or other users may write to. */
    static List<String> writableByOthers(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(p -> !Files.isSymbolicLink(p)).filter(p -> {
                try {
                    var perms = Files.getPosixFilePermissions(p);
                    return perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(p -> PosixFilePermissions.toString(uncheckedPermissions(p)) + " " + dir.relativize(p)).toList();
        }
    }

    static java.util.Set<PosixFilePermission> uncheckedPermissions(Path p) {
        try {
            return Files.getPosixFilePermissions(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Under `umask 000`, a first run and a compiled script leave nothing in JBANG_DIR that others can write. */
    @Test
    void aFreshCacheUnderUmask000IsTheUsersAlone() throws Exception {
        Path dir = Files.createTempDirectory("coze-launcher");
        Path jbangDir = dir.resolve("jbang");
        int before = downloads.get();
        TestSupport.Result first = run(jbangDir, "umask 000 && ./jbang --version");
        assertEquals(0, first.exit, first.toString());
        assertTrue(first.err.contains(version), first.toString()); // JBang prints its version on stderr
        assertEquals(before + 1, downloads.get(), "one download");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(jbangDir)), "JBANG_DIR");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(jbangDir.resolve("launcher"))), "launcher/");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(jbangDir.resolve("launcher/jbang-cli-" + version + "-all.jar"))));
        assertEquals(List.of(), writableByOthers(jbangDir));

        // A script JBang compiles, with a class-data archive that its own JVM (the one exec'd) makes.
        Files.writeString(dir.resolve("Hello.java"), "//CDS\nclass Hello { public static void main(String[] a) { System.out.println(\"hello\"); } }\n");
        TestSupport.Result hello = run(jbangDir, "umask 000 && ./jbang " + dir.resolve("Hello.java"));
        assertEquals(0, hello.exit, hello.toString());
        assertEquals("hello\n", hello.out, hello.toString());
        List<Path> compiled;
        try (Stream<Path> all = Files.walk(jbangDir.resolve("cache"))) {
            compiled = all.filter(p -> p.getFileName().toString().equals("Hello.jar")).toList();
        }
        assertEquals(1, compiled.size(), "JBang compiled Hello.java into its cache");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(compiled.get(0))), "the compiled jar");
        assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(compiled.get(0).resolveSibling("Hello.jsa"))),
                "the script's class-data archive, which its own JVM made");
        assertEquals(List.of(), writableByOthers(jbangDir));
        assertEquals(before + 1, downloads.get(), "the cached jar was used");
    }

    /**
     * The cached jar replaced by one of the same size, its mtime set back (`touch -r`): it is refused
     * with one line and never runs; removing it, as the line says, downloads JBang again.
     */
    @Test
    void aSwappedCachedJarNeverRuns() throws Exception {
        Path jbangDir = Files.createTempDirectory("coze-launcher").resolve("jbang");
        TestSupport.Result first = run(jbangDir, "./jbang --version");
        assertEquals(0, first.exit, first.toString());
        Path launcher = jbangDir.resolve("launcher");
        Path jar = launcher.resolve("jbang-cli-" + version + "-all.jar");
        FileTime mtime = Files.getLastModifiedTime(jar);
        byte[] swapped = markerJar(Files.size(jar));
        // JBang's class-data archive would otherwise supply the real dev.jbang.Main (size and mtime match).
        try (Stream<Path> files = Files.list(launcher)) {
            for (Path f : files.filter(f -> f.getFileName().toString().matches(".*\\.jsa(\\.none)?")).toList()) Files.delete(f);
        }
        Files.write(jar, swapped);
        Files.setLastModifiedTime(jar, mtime);

        int before = downloads.get();
        TestSupport.Result refused = run(jbangDir, "./jbang --version");
        assertFalse(refused.out.contains(MARKER) || refused.err.contains(MARKER), refused.toString());
        assertEquals(1, refused.exit, refused.toString());
        assertTrue(refused.err.matches("jbang launcher: \\S+ is not the JBang \\S+ jar \\(its SHA-256 is [0-9a-f]{64}\\); it was not run: remove it to download JBang again\n"),
                refused.err);
        assertArrayEquals(swapped, Files.readAllBytes(jar), "the jar is left for the user to look at");
        assertEquals(before, downloads.get(), "nothing was downloaded over it");

        TestSupport.Result again = run(jbangDir, "rm " + jar + " && ./jbang --version");
        assertEquals(0, again.exit, again.toString());
        assertTrue(again.err.contains(version), again.toString());
        assertEquals(before + 1, downloads.get());
    }

    /** What an older launcher left under umask 000: folders and jars others could write, something planted. */
    @Test
    void aCacheOthersCouldWriteIsMadePrivate() throws Exception {
        Path jbangDir = Files.createTempDirectory("coze-launcher").resolve("jbang");
        Path launcher = Files.createDirectories(jbangDir.resolve("launcher"));
        Path jar = Files.write(launcher.resolve("jbang-cli-" + version + "-all.jar"), realJar);
        Path planted = Files.writeString(launcher.resolve("jbang-" + version + "-planted.jsa"), "not an archive");
        Path compiled = Files.createDirectories(jbangDir.resolve("cache/jars/Hello.java.0123"));
        Path script = Files.writeString(compiled.resolve("Hello.jar"), "a compiled script");
        for (Path p : List.of(jbangDir, launcher, jbangDir.resolve("cache"), jbangDir.resolve("cache/jars"), compiled))
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
        for (Path p : List.of(jar, planted, script)) Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-rw-rw-"));

        int before = downloads.get();
        TestSupport.Result r = run(jbangDir, "./jbang --version");
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.err.endsWith(version + "\n"), r.toString());
        assertEquals(List.of(), writableByOthers(jbangDir));
        assertTrue(r.err.startsWith("jbang launcher: other users could write to " + jbangDir + "; now they cannot"), r.err);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(launcher)));
        assertFalse(Files.exists(planted), "what others could have put in launcher/ is gone");
        assertTrue(Files.exists(script), "JBang's cache is kept (the user is told how to empty it)");
        assertEquals(before, downloads.get(), "the jar, its SHA-256 right, was kept");
    }

    /** A launcher/ folder of another user is not used, even with the right jar in it. */
    @Test
    void aCacheOfAnotherUserIsRefused() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a folder to another user");
        Path jbangDir = Files.createTempDirectory("coze-launcher").resolve("jbang");
        Path launcher = Files.createDirectories(jbangDir.resolve("launcher"));
        Path jar = Files.write(launcher.resolve("jbang-cli-" + version + "-all.jar"), realJar);
        for (Path p : List.of(launcher, jar)) Files.setAttribute(p, "unix:uid", 65534);

        int before = downloads.get();
        TestSupport.Result r = run(jbangDir, "./jbang --version");
        assertEquals(1, r.exit, r.toString());
        assertEquals("jbang launcher: " + launcher + " belongs to another user (uid 65534); it was not used\n", r.err);
        assertEquals("", r.out);
        assertEquals(before, downloads.get());
    }

    /** A jar of exactly `size` bytes whose dev.jbang.Main prints MARKER. */
    static byte[] markerJar(long size) throws IOException {
        Path dir = Files.createTempDirectory("coze-marker");
        Path src = Files.createDirectories(dir.resolve("dev/jbang")).resolve("Main.java");
        Files.writeString(src, "package dev.jbang; public class Main { public static void main(String[] a) { System.out.println(\"" + MARKER + "\"); } }");
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int rc = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, errors, "--release", "17", "-d", dir.toString(), src.toString());
        assertEquals(0, rc, errors.toString());
        byte[] main = Files.readAllBytes(dir.resolve("dev/jbang/Main.class"));
        byte[] jar = zip(main, 0);
        jar = zip(main, (int) (size - jar.length)); // a stored entry adds exactly its length
        assertEquals(size, jar.length);
        return jar;
    }

    static byte[] zip(byte[] main, int padding) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            ZipEntry entry = new ZipEntry("dev/jbang/Main.class");
            zip.putNextEntry(entry);
            zip.write(main);
            zip.closeEntry();
            byte[] pad = new byte[padding];
            CRC32 crc = new CRC32();
            crc.update(pad);
            ZipEntry filler = new ZipEntry("padding");
            filler.setMethod(ZipEntry.STORED);
            filler.setSize(padding);
            filler.setCompressedSize(padding);
            filler.setCrc(crc.getValue());
            zip.putNextEntry(filler);
            zip.write(pad);
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }
}
