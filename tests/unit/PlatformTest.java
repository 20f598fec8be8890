import static org.junit.jupiter.api.Assertions.*;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lib.auth.PrivateFiles;
import lib.auth.TokenStore;
import lib.chat.TextOutput;
import lib.core.CozeCli;
import lib.core.CozeConfig;
import lib.core.Os;
import lib.core.Style;
import lib.core.Terminal;
import lib.core.Waiting;
import org.junit.jupiter.api.Test;

/**
 * What Windows and macOS users get, tested here by construction: another os.name and environment,
 * and file systems without POSIX modes (Jimfs in its Windows configuration).
 */
class PlatformTest {
    static final Os LINUX = new Os("Linux", Map.of("DISPLAY", ":0"));
    static final Os MAC = new Os("Mac OS X", Map.of());
    static final Os WINDOWS = new Os("Windows 11", Map.of("USERPROFILE", "C:\\Users\\mei"));
    static final String URL = "https://www.coze.cn/api/permission/oauth2/authorize?client_id=1&state=a&code_challenge=b";

    @Test
    void theBrowserCommandFitsEachSystem() {
        assertEquals(List.of("rundll32", "url.dll,FileProtocolHandler", URL), WINDOWS.browserFor(URL).command(),
                "Windows opens the URL whole (no cmd /c start, which splits at &)");
        assertEquals(List.of("open", URL), MAC.browserFor(URL).command());
        assertEquals(List.of("xdg-open", URL), LINUX.browserFor(URL).command());
        assertEquals(List.of("xdg-open", URL), new Os("Linux", Map.of("WAYLAND_DISPLAY", "wayland-0")).browserFor(URL).command());
    }

    /** What a user pastes into PowerShell: single quotes, each quote inside doubled, the typographic ones too (PowerShell takes them as quotes). */
    @Test
    void suggestedCommandsQuoteCozesTextForPowerShellOnWindows() {
        String resume = new Waiting.Resume("7501", "1; curl x | sh; echo ", 2).line(WINDOWS);
        assertEquals("the workflow is waiting for your answer: coze-workflow 7501 --resume '1; curl x | sh; echo ' \"…\"", resume);
        assertEquals("'it''s ‘‘$(x)’’'", WINDOWS.shellWord("it's ‘$(x)’"), "PowerShell: '' and ‘‘ are a quote inside");
        assertEquals("'it'\\''s $(x) `y`'", LINUX.shellWord("it's $(x) `y`"), "POSIX: a quote closes, is escaped, and opens again");
        assertEquals("'a b;c'", MAC.shellWord("a b;c"));
        assertEquals("''", WINDOWS.shellWord(""));
        assertEquals("--tool 'get weather=COMMAND'", new Waiting.Plugin("get weather", "{}").line(WINDOWS).replaceAll(".*answer it with ", ""));
    }

    @Test
    void noBrowserIsTriedWithoutADisplayOrOverSsh() {
        Os.Browser headless = new Os("Linux", Map.of()).browserFor(URL);
        assertNull(headless.command());
        assertTrue(headless.whyNot().contains("No display"), headless.whyNot());
        Os.Browser ssh = new Os("Mac OS X", Map.of("SSH_CONNECTION", "10.0.0.1 22 10.0.0.2 22")).browserFor(URL);
        assertNull(ssh.command());
        assertTrue(ssh.whyNot().contains("SSH"), ssh.whyNot());
        assertEquals(List.of("my-browser", URL), new Os("Windows 10", Map.of("BROWSER", "my-browser")).browserFor(URL).command(),
                "$BROWSER wins everywhere");
        assertEquals(List.of("firefox", "--new-window", URL), new Os("Linux", Map.of("BROWSER", "firefox --new-window")).browserFor(URL).command(),
                "$BROWSER with arguments, as other tools take it");
        assertNull(new Os("Linux", Map.of("DISPLAY", "")).browserFor(URL).command(), "an empty DISPLAY is no display");
    }

    @Test
    void cozeHomeIsInTheUserProfileOnWindows() {
        Path home = CozeConfig.home(WINDOWS);
        assertEquals(".coze", home.getFileName().toString());
        assertEquals("C:\\Users\\mei", home.getParent().toString());
        assertEquals(Path.of(System.getProperty("user.home"), ".coze"), CozeConfig.home(new Os("Linux", Map.of())));
        assertEquals(Path.of("/home/someone", ".coze"), CozeConfig.home(new Os("Linux", Map.of("HOME", "/home/someone"))),
                "a changed HOME is where the state goes, as for git and gh");
        assertEquals(Path.of("/tmp/x").toAbsolutePath(), CozeConfig.home(new Os("Windows 11", Map.of("COZE_HOME", "/tmp/x"))));
    }

    @Test
    void aWindowsConsoleGetsItsCodePageAndEverythingElseUtf8() {
        Charset gbk = Charset.forName("GBK");
        assertEquals(gbk, CozeCli.outputCharset(WINDOWS, () -> gbk), "a Chinese Windows console shows code page 936");
        assertEquals(StandardCharsets.UTF_8, CozeCli.outputCharset(WINDOWS, () -> null), "a pipe or file on Windows");
        assertEquals(StandardCharsets.UTF_8, CozeCli.outputCharset(LINUX, () -> gbk), "terminals elsewhere are UTF-8");
        assertEquals(StandardCharsets.UTF_8, CozeCli.outputCharset(MAC, () -> gbk));
    }

    @Test
    void argumentsMangledByTheLocaleAreReported() {
        assertNotNull(CozeCli.mangledArguments("ANSI_X3.4-1968", "--bot", "echo", "??????"));
        assertNotNull(CozeCli.mangledArguments("ANSI_X3.4-1968", "caf\uFFFD"));
        assertNull(CozeCli.mangledArguments("ANSI_X3.4-1968", "--bot", "echo", "plain ASCII?"), "one question mark is a question");
        assertNull(CozeCli.mangledArguments("UTF-8", "what??"), "a UTF-8 locale loses nothing");
        assertNull(CozeCli.mangledArguments("utf8", "??"));
        String line = CozeCli.mangledArguments("ANSI_X3.4-1968", "??");
        assertTrue(line.contains("LANG=C.UTF-8") && line.contains("stdin"), line);
    }

    /** A Windows-like file system: no POSIX view, but owners and ACLs, as NTFS has. */
    static FileSystem windowsFs() {
        return Jimfs.newFileSystem(Configuration.windows().toBuilder().setAttributeViews("basic", "owner", "acl").build());
    }

    @Test
    void theTokenStoreKeepsItsGuaranteesWithAclsInsteadOfModes() throws IOException {
        try (FileSystem fs = windowsFs()) {
            Path home = fs.getPath("C:\\Users\\mei\\.coze");
            assertFalse(PrivateFiles.posix(home));
            TokenStore store = new TokenStore(home, w -> {});
            try (PrivateFiles.Held held = store.lock()) {
                store.save(TokenStoreTest.login("at", "rt"));
            }
            assertEquals("rt", store.load().refreshToken());
            assertOwnerOnly(home);
            assertOwnerOnly(store.file());
        }
    }

    @Test
    void aWideAclIsNarrowedWithAWarning() throws IOException {
        try (FileSystem fs = windowsFs()) {
            Path home = fs.getPath("C:\\Users\\mei\\.coze");
            List<String> warnings = new ArrayList<>();
            TokenStore store = new TokenStore(home, warnings::add);
            store.save(TokenStoreTest.login("at", "rt"));
            AclFileAttributeView view = Files.getFileAttributeView(store.file(), AclFileAttributeView.class);
            UserPrincipal everyone = fs.getUserPrincipalLookupService().lookupPrincipalByName("Everyone");
            List<AclEntry> wide = new ArrayList<>(view.getAcl());
            wide.add(AclEntry.newBuilder().setType(AclEntryType.ALLOW).setPrincipal(everyone)
                    .setPermissions(java.nio.file.attribute.AclEntryPermission.READ_DATA).build());
            view.setAcl(wide);
            assertEquals("at", store.load().accessToken());
            assertOwnerOnly(store.file());
            assertEquals(1, warnings.size(), warnings.toString());
        }
    }

    @Test
    void aFileSystemWithNeitherModesNorAclsStillWorks() throws IOException {
        try (FileSystem fs = Jimfs.newFileSystem(Configuration.windows())) {
            TokenStore store = new TokenStore(fs.getPath("C:\\coze"), w -> {});
            try (PrivateFiles.Held held = store.lock()) {
                store.save(TokenStoreTest.login("at", "rt"));
            }
            assertEquals("at", store.load().accessToken());
        }
    }

    /** What coze-chat prints of an answer carrying a title change, as Terminal decides for stdout. */
    static String shown(List<Terminal.Probe> probes) {
        Boolean said = Terminal.ask(1, probes);
        StringWriter out = new StringWriter();
        TextOutput text = new TextOutput(new PrintWriter(out), new PrintWriter(new StringWriter()),
                new TextOutput.Look(false, Terminal.mayBe(said), Style.of(Boolean.TRUE.equals(said), Map.of()), Style.NONE, () -> 80), n -> {});
        text.answer("\u001b]0;pwned\u0007hi *there*");
        return out.toString();
    }

    @Test
    void withoutProcAStreamNothingCanTellAboutIsEscapedAndLeftPlain() {
        // macOS or a container without /proc, stdin piped (so there is no console), no native isatty:
        // the answer may be going to a screen, so its escapes are shown, not obeyed; nothing is styled.
        assertEquals("^[]0;pwned^Ghi *there*", shown(Terminal.probes(fd -> null, fd -> null, Map.of())));
        // A native isatty that says "terminal" styles it; one that says "pipe" passes every byte as sent.
        assertTrue(shown(Terminal.probes(fd -> null, fd -> true, Map.of())).startsWith("^[]0;pwned^Ghi "));
        assertEquals("\u001b]0;pwned\u0007hi *there*", shown(Terminal.probes(fd -> null, fd -> false, Map.of())));
        // /proc, where there is one, is asked first; JBang's note speaks of stdin only.
        assertEquals(Boolean.FALSE, Terminal.ask(1, Terminal.probes(fd -> false, fd -> true, Map.of())));
        assertNull(Terminal.ask(1, Terminal.probes(fd -> null, fd -> null, Map.of("JBANG_STDIN_NOTTY", "true"))));
        assertEquals(Boolean.FALSE, Terminal.ask(0, Terminal.probes(fd -> null, fd -> null, Map.of("JBANG_STDIN_NOTTY", "true"))));
    }

    static void assertOwnerOnly(Path p) throws IOException {
        AclFileAttributeView view = Files.getFileAttributeView(p, AclFileAttributeView.class);
        List<AclEntry> acl = view.getAcl();
        assertEquals(1, acl.size(), p + ": " + acl);
        assertEquals(AclEntryType.ALLOW, acl.get(0).type());
        assertEquals(view.getOwner(), acl.get(0).principal(), p + " is for its owner alone");
    }
}
