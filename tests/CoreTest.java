import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The shared mechanisms in lib/, tested directly. */
class CoreTest {
    // ---------------------------------------------------------------- PKCE

    @Test
    void pkceMatchesRfc7636AppendixB() {
        assertEquals("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", Pkce.s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
        assertEquals("73oehA2tBul5grZPhXUGQwNAjxh69zNES8bu2bVD0EM", Pkce.s256("code_verifier"));
    }

    @Test
    void verifiersAreLongUniqueAndUrlSafe() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            Pkce p = Pkce.create();
            assertTrue(p.verifier.matches("[A-Za-z0-9._~-]{43,128}"), p.verifier);
            assertTrue(seen.add(p.verifier));
        }
        assertNotEquals(Pkce.randomToken(), Pkce.randomToken());
    }

    // ---------------------------------------------------------------- JSON

    /** The one-pass field reader of the delta hot path gives what the tree gives, and refuses the same inputs. */
    @ParameterizedTest
    @MethodSource("deltaBodies")
    void fieldReaderAgreesWithTheTree(String body) {
        String[] names = {"type", "content", "reasoning_content"};
        com.google.gson.JsonObject tree;
        try {
            tree = Json.object(body);
        } catch (com.google.gson.JsonParseException e) {
            String[] fields = null;
            try {
                fields = Json.strings(body, names);
            } catch (com.google.gson.JsonParseException expected) {
                return;
            }
            assertNull(fields, "the tree refused " + body);
            return;
        }
        String[] fields = Json.strings(body, names);
        for (int i = 0; i < names.length; i++) assertEquals(Json.str(tree, names[i]), fields[i], names[i] + " of " + body);
    }

    static Stream<String> deltaBodies() {
        return Stream.of("{\"type\":\"answer\",\"content\":\"a\\n\\\"b\\u4e2d\\ud83c\\udf0d\"}",
                "{\"id\":\"1\",\"meta\":{\"content\":\"nested\"},\"list\":[1,{\"type\":\"x\"}],\"type\":\"answer\",\"content\":\"\"}",
                "{\"type\":\"answer\",\"content\":12.5,\"reasoning_content\":true}",
                "{\"type\":null,\"content\":{\"a\":1},\"reasoning_content\":[\"x\"]}",
                "{\"content\":\"first\",\"content\":\"last\"}",
                "{}", "[]", "\"text\"", "", "{\"type\":\"answer\"", "{\"type\":\"answer\"} {}", "{'type':'answer'}",
                "{\"type\":answer}", "{\"content\":\"x\",}", "{\"content\":NaN}");
    }

    @Test
    void authorizeUrlUsesWwwHostAndS256() {
        String url = CozeOAuth.authorizeUrl("https://api.coze.cn", "1.app.coze", "http://127.0.0.1:8080/callback", "st", "ch");
        assertTrue(url.startsWith("https://www.coze.cn/api/permission/oauth2/authorize?response_type=code"), url);
        assertTrue(url.contains("code_challenge_method=S256") && url.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Fcallback"));
        assertEquals("http://127.0.0.1:9", CozeConfig.wwwBase("http://127.0.0.1:9"));
    }

    @Test
    void apiBaseWords() {
        assertEquals("https://api.coze.cn", CozeConfig.apiBase(null));
        assertEquals("https://api.coze.com", CozeConfig.apiBase("com"));
        assertEquals("http://127.0.0.1:1", CozeConfig.apiBase("http://127.0.0.1:1/"));
        assertEquals(CozeException.USAGE, assertThrows(CozeException.class, () -> CozeConfig.apiBase("ftp://x")).exitCode);
    }

    @Test
    void expiresInIsAbsoluteUnlessTiny() {
        assertEquals(1_900_000_000L, CozeOAuth.absolute(1_900_000_000L));
        long now = java.time.Instant.now().getEpochSecond();
        assertTrue(Math.abs(CozeOAuth.absolute(900) - (now + 900)) < 5);
    }

    // ---------------------------------------------------------------- query parsing (security.md A11)

    @Test
    void queryIsSplitRawThenDecodedOnce() {
        Map<String, String> q = Urls.query("code=ab%3Dcd%26e%2Bf&state=xy%2Fz&x=1+2&flag");
        assertEquals("ab=cd&e+f", q.get("code"));
        assertEquals("xy/z", q.get("state"));
        assertEquals("1 2", q.get("x"));
        assertEquals("", q.get("flag"));
        assertNull(Urls.query("a=%zz").get("a"));
    }

    // ---------------------------------------------------------------- proxies (security.md D4)

    @Test
    void proxiesComeFromTheEnvironmentButNeverForLoopback() {
        EnvProxySelector sel = new EnvProxySelector(Map.of("https_proxy", "http://proxy.example:3128", "NO_PROXY", ".internal,api.coze.com"));
        List<Proxy> p = sel.select(URI.create("https://api.coze.cn/v3/chat"));
        assertEquals(Proxy.Type.HTTP, p.get(0).type());
        assertEquals(Proxy.NO_PROXY, sel.select(URI.create("https://api.coze.com/")).get(0));
        assertEquals(Proxy.NO_PROXY, sel.select(URI.create("https://x.internal/")).get(0));
        assertEquals(Proxy.NO_PROXY, sel.select(URI.create("http://127.0.0.1:8080/callback")).get(0));
        assertEquals(Proxy.NO_PROXY, new EnvProxySelector(Map.of()).select(URI.create("https://api.coze.cn/")).get(0));
    }

    // ---------------------------------------------------------------- SSE (security.md C)

    static Stream<Arguments> sseCases() {
        return Stream.of(
                Arguments.of("coze wire format", "event:conversation.message.delta\ndata:{\"content\":\"hi\"}\n\n",
                        List.of("conversation.message.delta|{\"content\":\"hi\"}")),
                Arguments.of("one optional space", "data: x\n\ndata:  y\n\n", List.of("message|x", "message| y")),
                Arguments.of("first colon splits", "data:{\"u\":\"http://h:8080/x\"}\n\n", List.of("message|{\"u\":\"http://h:8080/x\"}")),
                Arguments.of("CRLF", "event:a\r\ndata:1\r\n\r\n", List.of("a|1")),
                Arguments.of("lone CR", "event:a\rdata:1\r\r", List.of("a|1")),
                Arguments.of("mixed endings", "data:1\r\n\ndata:2\r\rdata:3\n\r\n", List.of("message|1", "message|2", "message|3")),
                Arguments.of("comments ignored", ":ping\n\n:x\ndata:1\n\n", List.of("message|1")),
                Arguments.of("multi-line data", "data:a\ndata:b\ndata:\n\n", List.of("message|a\nb\n")),
                Arguments.of("field without colon", "data\n\n", List.of("message|")),
                Arguments.of("event without data dropped", "event:x\n\ndata:1\n\n", List.of("message|1")),
                Arguments.of("type resets after dispatch", "event:x\ndata:1\n\ndata:2\n\n", List.of("x|1", "message|2")),
                Arguments.of("unknown fields ignored", "foo:bar\ndata:1\nDATA:2\n\n", List.of("message|1")),
                Arguments.of("BOM stripped once", "\uFEFFdata:1\n\ndata:\uFEFF2\n\n", List.of("message|1", "message|\uFEFF2")),
                Arguments.of("unterminated event discarded", "data:1\n\ndata:2\n", List.of("message|1")),
                Arguments.of("UTF-8 multi-byte", "data:你好🌍€ café\n\n", List.of("message|你好🌍€ café")),
                Arguments.of("leading space kept", "data: \u00a0 two spaces\n\n", List.of("message|\u00a0 two spaces")));
    }

    static List<String> parse(byte[] bytes, int chunk) {
        List<String> events = new ArrayList<>();
        SseParser p = new SseParser((type, data, id) -> events.add(type + "|" + data));
        for (int i = 0; i < bytes.length; i += chunk) p.feed(bytes, i, Math.min(chunk, bytes.length - i));
        p.end();
        return events;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sseCases")
    void sseConformanceAtEveryChunkSize(String name, String input, List<String> expected) {
        byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
        for (int chunk : new int[] {1, 2, 3, 7, Math.max(1, bytes.length)}) assertEquals(expected, parse(bytes, chunk), "chunk " + chunk);
    }

    @Test
    void idAndRetryRules() {
        List<String> ids = new ArrayList<>();
        SseParser p = new SseParser((type, data, id) -> ids.add(id));
        p.feed("id:1\ndata:a\n\ndata:b\n\nid:x\0y\ndata:c\n\nid\ndata:d\n\nretry:12a\nretry:250\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("1", "1", "1", ""), ids);
        assertEquals(250, p.retryMillis());
    }

    @Test
    void anySplitYieldsTheSameEvents() {
        java.util.Random r = new java.util.Random(42);
        String[] pieces = {"event:", "conversation.message.delta", "\n", "\r\n", "data:", "{\"c\":\"你好\"}", ":ping\n", "\n\n", "data: 🌍\n"};
        for (int round = 0; round < 300; round++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 20; i++) sb.append(pieces[r.nextInt(pieces.length)]);
            byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
            List<String> whole = parse(bytes, bytes.length + 1);
            List<String> split = new ArrayList<>();
            SseParser p = new SseParser((type, data, id) -> split.add(type + "|" + data));
            int i = 0;
            while (i < bytes.length) {
                int n = Math.min(bytes.length - i, 1 + r.nextInt(5));
                p.feed(bytes, i, n);
                i += n;
            }
            p.end();
            assertEquals(whole, split, sb.toString());
        }
    }

    @Test
    void overlongLineFailsCleanly() {
        SseParser p = new SseParser((t, d, id) -> {}, 1024);
        byte[] big = new byte[4096];
        java.util.Arrays.fill(big, (byte) 'a');
        assertThrows(SseParser.SseException.class, () -> p.feed(big));
    }

    // ---------------------------------------------------------------- token store (security.md B)

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
        assertEquals("at", back.accessToken);
        assertEquals("rt", back.refreshToken);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())));
        try (Stream<Path> files = Files.list(home)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temp file left behind");
        }
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
        assertEquals("a", store.load().accessToken);
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
                    System.getProperty("java.class.path"), "CoreTest$LockProbe", dir.resolve("x.lock").toString(), log.toString())
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
            assertTrue(l.accessToken.startsWith("a"));
            reads++;
        }
        writer.join();
        assertTrue(reads > 0);
        assertTrue(store.load().accessToken.startsWith("a1000"));
    }

    @Test
    void retryAfterParsing() {
        assertEquals(Duration.ofSeconds(3), CozeHttp.retryAfter("3"));
        assertNull(CozeHttp.retryAfter("soon"));
        assertNotNull(CozeHttp.retryAfter("Wed, 21 Oct 2099 07:28:00 GMT"));
    }
}
