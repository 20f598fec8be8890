import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import lib.auth.PrivateFiles;
import lib.auth.TokenStore;
import lib.core.CozeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The token store: private modes, atomic replace, strict reading, the cross-process lock. */
class TokenStoreTest {
    static TokenStore.Login login(String access, String refresh) {
        return new TokenStore.Login("pkce", "http://127.0.0.1:1", "c.app.coze", access, refresh, 1_900_000_000L, "u1");
    }

    @Test
    void tokenStoreRoundTripWithPrivateModes() throws IOException {
        Path home = TestSupport.tempHome();
        TokenStore store = new TokenStore(home, w -> {});
        assertNull(store.load());
        store.save(login("at", "rt"));
        TokenStore.Login back = store.load();
        assertEquals("at", back.accessToken());
        assertEquals("rt", back.refreshToken());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())));
        try (Stream<Path> files = Files.list(home)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temp file left behind");
        }
    }

    /** What a refresh killed while saving leaves, 64 KiB each: removed at the next save once its process is gone (or a day old); a live one's stays. */
    @Test
    void staleTempFilesOfKilledSavesAreRemoved() throws Exception {
        Path home = TestSupport.tempHome();
        TokenStore store = new TokenStore(home, w -> {});
        store.save(login("at", "rt"));
        Process gone = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-version").start();
        gone.waitFor();
        byte[] reserved = new byte[64 * 1024];
        Path dead = Files.write(home.resolve(".token.json." + gone.pid() + ".7.tmp"), reserved);
        Path live = Files.write(home.resolve(".token.json." + ProcessHandle.current().pid() + ".8.tmp"), reserved);
        Path ancient = Files.write(home.resolve(".token.json." + ProcessHandle.current().pid() + ".9.tmp"), reserved);
        Files.setLastModifiedTime(ancient, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - Duration.ofDays(2).toMillis()));
        Path other = Files.write(home.resolve(".chat.json." + gone.pid() + ".1.tmp"), reserved);
        store.save(login("at2", "rt2"));
        assertEquals("at2", store.load().accessToken());
        assertFalse(Files.exists(dead), "a dead process's temp file is removed");
        assertFalse(Files.exists(ancient), "so is one older than a day");
        assertTrue(Files.exists(live), "a running save keeps its own");
        assertTrue(Files.exists(other), "another file's temp files wait for that file's save");
    }

    static Stream<Arguments> corruptFiles() {
        return Stream.of(Arguments.of("empty", ""), Arguments.of("truncated", "{\"kind\":\"pkce\",\"api_base\":\"http://x"),
                Arguments.of("trailing garbage", "{\"kind\":\"pkce\"} {}"), Arguments.of("not an object", "[1,2]"),
                Arguments.of("wrong type", "{\"kind\":\"pkce\",\"api_base\":\"http://x\",\"access_token\":5,\"expires_at\":1,\"user_id\":\"u\"}"),
                Arguments.of("lenient JSON", "{kind:'pkce'}"), Arguments.of("BOM", "\uFEFF{}"),
                Arguments.of("missing expiry", "{\"kind\":\"pkce\",\"api_base\":\"http://x\",\"access_token\":\"a\",\"user_id\":\"u\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corruptFiles")
    void corruptTokenFileIsMovedAsideNotOverwritten(String name, String content) throws IOException {
        Path home = TestSupport.tempHome();
        Files.createDirectories(home);
        TokenStore store = new TokenStore(home, w -> {});
        Files.writeString(store.file(), content);
        CozeException e = assertThrows(CozeException.class, store::load);
        assertEquals(CozeException.AUTH, e.exitCode);
        assertTrue(e.line().contains("coze-login"), e.line());
        assertFalse(Files.exists(store.file()));
        try (Stream<Path> files = Files.list(home)) {
            Path aside = files.filter(f -> f.getFileName().toString().startsWith("token.json.corrupt-")).findFirst().orElseThrow();
            assertEquals(content, Files.readString(aside), "the original bytes are kept");
        }
    }

    @Test
    void symlinkedTokenFileIsRefused() throws IOException {
        Path home = TestSupport.tempHome();
        Files.createDirectories(home);
        Path elsewhere = Files.createTempFile("elsewhere", ".json");
        Files.writeString(elsewhere, "precious");
        Files.createSymbolicLink(home.resolve("token.json"), elsewhere);
        TokenStore store = new TokenStore(home, w -> {});
        assertThrows(CozeException.class, store::load);
        assertThrows(CozeException.class, () -> store.save(login("a", "b")));
        assertEquals("precious", Files.readString(elsewhere));
    }

    @Test
    void looseModeIsTightenedWithAWarning() throws IOException {
        Path home = TestSupport.tempHome();
        List<String> warnings = new ArrayList<>();
        TokenStore store = new TokenStore(home, warnings::add);
        store.save(login("a", "b"));
        Files.setPosixFilePermissions(store.file(), PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals("a", store.load().accessToken());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())));
        assertEquals(1, warnings.size());
    }

    @Test
    void lockExcludesOtherProcesses() throws Exception {
        Path dir = Files.createTempDirectory("coze-lock");
        Path log = dir.resolve("log");
        List<Process> procs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            procs.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), "TokenStoreTest$LockProbe", dir.resolve("x.lock").toString(), log.toString())
                    .redirectErrorStream(true).start());
        }
        for (Process p : procs) {
            assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
        }
        List<String> lines = Files.readAllLines(log);
        assertEquals(4 * 8 * 2, lines.size());
        for (int i = 0; i < lines.size(); i += 2) {
            assertTrue(lines.get(i).startsWith("<"), lines.toString());
            assertEquals(lines.get(i).substring(1), lines.get(i + 1).substring(1), "no interleaving: " + lines);
        }
    }

    /** Takes the lock 8 times; inside it writes `<pid`, pauses, writes `>pid`. */
    static final class LockProbe {
        public static void main(String[] args) throws Exception {
            String pid = String.valueOf(ProcessHandle.current().pid());
            for (int i = 0; i < 8; i++) {
                try (PrivateFiles.Held held = PrivateFiles.lock(Path.of(args[0]), Duration.ofSeconds(30))) {
                    Files.writeString(Path.of(args[1]), "<" + pid + "\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                    Thread.sleep(15);
                    Files.writeString(Path.of(args[1]), ">" + pid + "\n", java.nio.file.StandardOpenOption.APPEND);
                }
            }
        }
    }

    @Test
    void lockIsReentrantWithinAThread() throws IOException {
        Path lock = Files.createTempDirectory("coze-lock").resolve("r.lock");
        try (PrivateFiles.Held outer = PrivateFiles.lock(lock, Duration.ofSeconds(1));
             PrivateFiles.Held inner = PrivateFiles.lock(lock, Duration.ofSeconds(1))) {
            assertNotNull(inner);
        }
        try (PrivateFiles.Held again = PrivateFiles.lock(lock, Duration.ofSeconds(1))) {
            assertNotNull(again);
        }
    }

    @Test
    void readerNeverSeesAPartialFileDuringWrites() throws Exception {
        Path home = TestSupport.tempHome();
        TokenStore store = new TokenStore(home, w -> {});
        store.save(login("a0", "r0"));
        Thread writer = new Thread(() -> {
            for (int i = 1; i <= 1000; i++) store.save(login("a" + i + "x".repeat(i % 300), "r" + i));
        });
        writer.start();
        int reads = 0;
        while (writer.isAlive()) {
            TokenStore.Login l = store.load();
            assertNotNull(l);
            assertTrue(l.accessToken().startsWith("a"));
            reads++;
        }
        writer.join();
        assertTrue(reads > 0);
        assertTrue(store.load().accessToken().startsWith("a1000"));
    }

    static void mkfifo(Path p) throws Exception {
        assertEquals(0, new ProcessBuilder("mkfifo", p.toString()).start().waitFor(), "mkfifo " + p);
    }

    /** Opening a FIFO blocks until someone writes to it: one at a state path must fail at once, not hang every command. */
    @Test
    void aFifoWhereAFileShouldBeFailsAtOnce() throws Exception {
        Path home = TestSupport.tempHome();
        Files.createDirectories(home);
        TokenStore store = new TokenStore(home, w -> {});
        mkfifo(store.file());
        mkfifo(home.resolve("token.json.lock"));
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            CozeException read = assertThrows(CozeException.class, store::load);
            assertTrue(read.getMessage().contains("not a regular file"), read.getMessage());
            CozeException lock = assertThrows(CozeException.class, store::lock);
            assertTrue(lock.getMessage().contains("not a regular file"), lock.getMessage());
            assertThrows(CozeException.class, () -> store.save(login("a", "b")));
        });
    }

    @Test
    void missingParentsOfTheHomeAreCreatedPrivate() throws IOException {
        Path top = Files.createTempDirectory("coze-parents");
        new TokenStore(top.resolve("config").resolve("coze"), w -> {}).save(login("a", "b"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(top.resolve("config"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(top.resolve("config").resolve("coze"))));
    }

    /** Tightening acts on the name it was given: a link swapped in must not make it change the mode of the file it points at. */
    @Test
    void tighteningNeverFollowsALink() throws IOException {
        Path dir = Files.createTempDirectory("coze-link");
        Path elsewhere = Files.writeString(dir.resolve("elsewhere"), "not ours");
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rw-r--r--"));
        Path link = Files.createSymbolicLink(dir.resolve("token.json"), elsewhere);
        try {
            PrivateFiles.tighten(link, PrivateFiles.FILE_MODE);
        } catch (IOException refused) {
            // refusing is fine too
        }
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(elsewhere)));
    }
}
