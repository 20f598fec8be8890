import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mock.MockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Distribution as a remote user meets it: the committed files served over loopback HTTP stand in for
 * github.com/org/jbang-catalog, and each alias runs through JBang with an empty JBANG_DIR and HOME,
 * against coze-mock. The README's shell blocks run the same way, so the README cannot rot.
 */
class DistTest {
    static final String BOT = "7443012345678901234";
    static MockServer mock;
    static HttpServer repo;
    static String catalog;
    static Path jbangDir, home, browser;

    @BeforeAll
    static void serve() throws Exception {
        MockServer.Config config = new MockServer.Config();
        config.autoApprove = true;
        config.pats.add(TestSupport.PAT);
        config.scriptedBots = "{\"bots\":[{\"id\":\"" + BOT + "\",\"name\":\"Travel helper\",\"follow_ups\":[\"Tell me more\"]}]}";
        mock = MockServer.start(config);
        Set<String> committed = committedFiles();
        repo = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        repo.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath().substring(1);
            byte[] body = committed.contains(path) ? Files.readAllBytes(TestSupport.ROOT.resolve(path)) : null;
            ex.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            if (body != null) ex.getResponseBody().write(body);
            ex.close();
        });
        repo.start();
        catalog = "http://127.0.0.1:" + repo.getAddress().getPort() + "/jbang-catalog.json";
        Path dir = Files.createTempDirectory("coze-dist");
        jbangDir = Files.createDirectories(dir.resolve("jbang"));
        home = Files.createDirectories(dir.resolve("home"));
        Path launcherCache = Path.of(System.getenv().getOrDefault("JBANG_DIR", System.getProperty("user.home") + "/.jbang"), "launcher");
        if (Files.isDirectory(launcherCache)) Files.createSymbolicLink(jbangDir.resolve("launcher"), launcherCache);
        browser = dir.resolve("browser");
        Files.writeString(browser, "#!/bin/sh\n# coze-mock approves at once; follow its redirect to coze-login's callback\nexec curl -fsSL -o /dev/null \"$1\"\n");
        Files.setPosixFilePermissions(browser, PosixFilePermissions.fromString("rwx------"));
    }

    @AfterAll
    static void stop() {
        if (repo != null) repo.stop(0);
        if (mock != null) mock.stop();
    }

    /** What `git ls-files` lists: a file left out of a commit is missing here as it would be on GitHub. */
    static Set<String> committedFiles() throws Exception {
        Process git = new ProcessBuilder("git", "ls-files", "-z").directory(TestSupport.ROOT.toFile()).start();
        String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, git.waitFor(), "git ls-files");
        return new LinkedHashSet<>(List.of(out.split("\0")));
    }

    /** Runs a bash script as a user whose PATH has JBang (the repo's launcher) and installed apps. */
    static TestSupport.Result bash(String script, String stdin) throws Exception {
        return bash(script, stdin, home, home);
    }

    static TestSupport.Result bash(String script, String stdin, Path home, Path cwd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-e", "-o", "pipefail", "-c", script).directory(cwd.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("COZE_") || k.startsWith("JBANG_") || k.equals("BROWSER") || k.startsWith("SSH_"));
        env.put("HOME", home.toString());
        env.put("JBANG_DIR", jbangDir.toString());
        env.put("JBANG_REPO", System.getenv().getOrDefault("JBANG_REPO", Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
        env.put("PATH", TestSupport.ROOT + ":" + jbangDir.resolve("bin") + ":" + env.get("PATH"));
        env.put("COZE_API_BASE", mock.baseUrl());
        env.put("BROWSER", browser.toString());
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        TestSupport.Running run = new TestSupport.Running(p);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + script + "\n" + run.out() + run.err());
        }
        return run.finish();
    }

    /**
     * Every ```sh block of the README, in order, as one user on one machine: `@org` is the loopback
     * catalog, api.coze.cn is coze-mock, and the browser approves at once. Blocks marked
     * `<!-- not run by the README test: why -->` are shown only (the internet, the test itself).
     * The examples are written as installed commands (`coze-chat …`): on this user's PATH each is a
     * wrapper that runs the clone's script from any folder, as an installed command runs its alias,
     * and notes that it ran, so a block whose command did not run fails.
     */
    @Test
    void everyShellBlockOfTheReadmeRuns() throws Exception {
        Path readmeHome = Files.createDirectories(home.resolveSibling("readme-home"));
        Path installed = Files.createDirectories(home.resolveSibling("readme-installed"));
        Path ranLog = installed.resolveSibling("readme-ran.log");
        Set<String> aliases = installedWrappers(installed, ranLog);
        Matcher block = Pattern.compile("(?m)^(<!-- not run by the README test: [^>]+-->\n)?```sh\n(.*?)^```$", Pattern.DOTALL)
                .matcher(Files.readString(TestSupport.ROOT.resolve("README.md")));
        int ran = 0, shown = 0;
        Set<String> commandsRun = new TreeSet<>();
        while (block.find()) {
            if (block.group(1) != null) {
                shown++;
                continue;
            }
            String script = block.group(2).replaceAll("@org\\b", "@" + Matcher.quoteReplacement(catalog))
                    .replace("https://api.coze.cn", mock.baseUrl())
                    .replace("7501234567890123456", "echo"); // the mock's workflow that says its parameters back
            Files.writeString(ranLog, "");
            TestSupport.Result r = bash("PATH='" + installed + "':\"$PATH\"\n" + script, "", readmeHome, TestSupport.ROOT);
            assertEquals(0, r.exit, "README block:\n" + block.group(2) + r);
            assertFalse(r.err.contains("error:"), "README block:\n" + block.group(2) + r);
            Set<String> named = installedCommandsNamed(block.group(2), aliases);
            Set<String> wrappersRan = new TreeSet<>(Files.readAllLines(ranLog));
            assertTrue(wrappersRan.containsAll(named), "README block:\n" + block.group(2) + "names " + named + " but ran " + wrappersRan + r);
            commandsRun.addAll(wrappersRan);
            ran++;
        }
        assertTrue(ran >= 10 && shown >= 2, ran + " blocks ran, " + shown + " shown only");
        assertTrue(commandsRun.containsAll(List.of("coze-login", "coze-chat", "coze-refresh", "coze-workflow", "coze-knowledge", "coze-audio", "coze-mock")),
                "the README's examples ran as installed commands: " + commandsRun);
        assertTrue(mock.count("token.authorization_code") >= 1, "the README's coze-login went through the browser login");
        System.out.println("       README: " + ran + " shell blocks ran (" + String.join(", ", commandsRun) + "), " + shown + " shown only");
    }

    /** A script per catalog alias in {@code dir}, named as the alias, running the clone's script by its path, as coze-install's commands do (and noting that it ran). */
    static Set<String> installedWrappers(Path dir, Path ranLog) throws Exception {
        JsonObject aliases = JsonParser.parseString(Files.readString(TestSupport.ROOT.resolve("jbang-catalog.json"))).getAsJsonObject().getAsJsonObject("aliases");
        for (String alias : aliases.keySet()) {
            Path wrapper = dir.resolve(alias);
            Files.writeString(wrapper, "#!/bin/sh\necho " + alias + " >> '" + ranLog + "'\nexec '" + TestSupport.ROOT.resolve("jbang") + "' '"
                    + TestSupport.ROOT.resolve(aliases.getAsJsonObject(alias).get("script-ref").getAsString()) + "' \"$@\"\n");
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
        }
        return aliases.keySet();
    }

    /** The catalog's commands a shell block names as installed commands (not `coze-chat@catalog`, nor after `./jbang`). */
    static Set<String> installedCommandsNamed(String block, Set<String> aliases) {
        Set<String> named = new TreeSet<>();
        Matcher word = Pattern.compile("(?<![\\w@/.-])(?<!jbang )(coze-[a-z]+)(?![\\w@-])").matcher(block);
        while (word.find()) if (aliases.contains(word.group(1))) named.add(word.group(1));
        return named;
    }

    /** The README's --tool example with the bot's argument made of what curl and xargs would read as syntax. */
    @Test
    void theReadmeToolExampleSendsTheBotsArgumentAsOneWordOfTheUrl() throws Exception {
        Matcher tool = Pattern.compile("--tool get_weather='([^']*)'").matcher(Files.readString(TestSupport.ROOT.resolve("README.md")));
        assertTrue(tool.find(), "the README has its --tool example");
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpServer wttr = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        wttr.createContext("/", ex -> {
            asked.add(ex.getRequestURI().getRawPath());
            byte[] body = "sunny\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        wttr.start();
        try {
            String command = tool.group(1).replace("https://wttr.in", "http://127.0.0.1:" + wttr.getAddress().getPort());
            TestSupport.Result r = bash(command, "{\"city\":\"Rio [de] {Janeiro,Paris} 'x\"}");
            assertEquals("sunny\n", r.out, r.toString());
            assertEquals(List.of("/Rio%20%5Bde%5D%20%7BJaneiro%2CParis%7D%20'x"), asked, "one request, the city as sent");
        } finally {
            wttr.stop(0);
        }
    }

    /** A remote run fetches what each folder's Folder.java lists, so the list must be the whole folder, no more. */
    @Test
    void eachFolderListsExactlyItsSources() throws Exception {
        List<String> folders = new java.util.ArrayList<>(List.of("mock"));
        try (var libs = Files.list(TestSupport.ROOT.resolve("lib"))) {
            libs.filter(Files::isDirectory).forEach(d -> folders.add("lib/" + d.getFileName()));
        }
        assertTrue(folders.size() >= 8, folders.toString());
        for (String folder : folders) {
            Path dir = TestSupport.ROOT.resolve(folder);
            Set<String> listed = new java.util.TreeSet<>();
            for (String line : Files.readAllLines(dir.resolve("Folder.java")))
                if (line.startsWith("//SOURCES ")) listed.addAll(List.of(line.substring(10).trim().split("\\s+")));
            Set<String> present = new java.util.TreeSet<>();
            try (var files = Files.list(dir)) {
                files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".java") && !n.equals("Folder.java")).forEach(present::add);
            }
            assertEquals(present, listed, folder + "/Folder.java");
        }
    }

    /** Docker, cron and CI have no locale: the launcher still hands 你好 on whole, and keeps an empty argument. */
    @Test
    void theLauncherKeepsNonAsciiAndEmptyArgumentsWithoutALocale() throws Exception {
        String noLocale = "unset LANG LC_ALL LC_CTYPE; export COZE_API_TOKEN=" + TestSupport.PAT + "; ";
        TestSupport.Result chinese = bash(noLocale + "./jbang coze-chat --bot echo '你好，世界'", "", home, TestSupport.ROOT);
        assertEquals(0, chinese.exit, chinese.toString());
        assertEquals("你好，世界\n", chinese.out);
        assertFalse(chinese.err.contains("warning"), chinese.err);
        TestSupport.Result empty = bash(noLocale + "./jbang coze-chat --bot '' hi || echo \"exit $?\"", "", home, TestSupport.ROOT);
        assertEquals("exit 2\n", empty.out, empty.toString());
        assertTrue(empty.err.contains("--bot is empty"), empty.err);
    }

    @Test
    void eachAliasRunsFromTheRemoteCatalog() throws Exception {
        TestSupport.Result list = bash("jbang alias list " + catalog, "");
        assertEquals(0, list.exit, list.toString());
        String plain = list.out.replaceAll("\u001B\\[[0-9;]*m", "");
        for (String alias : List.of("coze-login", "coze-chat", "coze-refresh", "coze-workflow", "coze-knowledge", "coze-audio", "coze-serve", "coze-mock"))
            assertTrue(Pattern.compile("(?m)^" + alias + "@\\S+\n   \\S.{20,}").matcher(plain).find(),
                    "alias " + alias + " is listed with its description: " + plain);

        TestSupport.Result withToken = bash("jbang coze-login@" + catalog + " --with-token", TestSupport.PAT + "\n");
        assertEquals(0, withToken.exit, withToken.toString());
        TestSupport.Result chat = bash("jbang coze-chat@" + catalog + " --bot echo 'hello from a remote catalog'", "");
        assertEquals(0, chat.exit, chat.toString());
        assertEquals("hello from a remote catalog\n", chat.out);
        TestSupport.Result workflow = bash("jbang coze-workflow@" + catalog + " echo --param input='hello from a remote workflow'", "");
        assertEquals(0, workflow.exit, workflow.toString());
        assertEquals("hello from a remote workflow\n", workflow.out);
        TestSupport.Result print = bash("jbang coze-refresh@" + catalog + " --print", "");
        assertEquals(TestSupport.PAT + "\n", print.out, print.toString());
        TestSupport.Result installed = bash("jbang app install --force --name coze-chat coze-chat@" + catalog
                + " && coze-chat --bot echo 'hello from an installed command'", "");
        assertEquals(0, installed.exit, installed.toString());
        assertEquals("hello from an installed command\n", installed.out);
        assertTrue(Files.readString(jbangDir.resolve("bin/coze-chat")).contains("coze-chat@" + catalog), "the app runs the alias");
        TestSupport.Result completion = bash("source <(coze-chat generate-completion); COMP_WORDS=(coze-chat --conv); COMP_CWORD=1; "
                + "_picocli_coze-chat 2>/dev/null || true; echo \"${COMPREPLY[@]}\"", "");
        assertEquals("--conversation\n", completion.out, completion.toString());
        TestSupport.Result fromCatalog = bash("jbang coze-install@" + catalog + " --catalog " + catalog + " --no-warm --dir \"$HOME/one jvm\" coze-chat"
                + " && for i in 1 2; do \"$HOME/one jvm/coze-chat\" --bot echo 'hello from coze-install'; done", "");
        assertEquals(0, fromCatalog.exit, fromCatalog.toString());
        assertEquals(home.resolve("one jvm/coze-chat") + "\nhello from coze-install\nhello from coze-install\n", fromCatalog.out);
        assertTrue(Files.readString(home.resolve("one jvm/coze-chat")).contains("coze-chat@" + catalog), "the installed command runs the alias");
        assertTrue(Files.isExecutable(home.resolve("one jvm/coze-jbang")), "beside a copy of the launcher, from coze-install's jar");
        assertTrue(TestSupport.recordedMains(jbangDir).contains("CozeChat"), "the installed command recorded its line for one-JVM starts");
        TestSupport.Result mockHelp = bash("jbang coze-mock@" + catalog + " --help", "");
        assertTrue(mockHelp.out.contains("Usage: coze-mock"), mockHelp.toString());
        TestSupport.Result serveHelp = bash("jbang coze-serve@" + catalog + " --help", "");
        assertTrue(serveHelp.out.contains("Usage: coze-serve"), serveHelp.toString());
    }
    /** Help is read at 80 columns: no line of an example, a URL or the exit codes may wrap in the middle. */
    @Test
    void helpFootersFitWithoutWrapping() throws Exception {
        for (Class<?> command : List.of(CozeLogin.class, CozeChat.class, CozeRefresh.class, CozeWorkflow.class, CozeKnowledge.class, CozeAudio.class, CozeServe.class, CozeInstall.class,
                CozeMock.class)) {
            TestSupport.Result help = TestSupport.script(command, home, "--help").run();
            picocli.CommandLine.Command c = command.getAnnotation(picocli.CommandLine.Command.class);
            for (String line : c.footer())
                if (!line.contains("${")) assertTrue(help.out.contains(line + System.lineSeparator()), command.getSimpleName() + " wraps: " + line);
            assertTrue(help.out.lines().allMatch(l -> l.length() <= 80), help.out);
        }
        TestSupport.Result completion = TestSupport.script(CozeLogin.class, home, "generate-completion").run();
        assertTrue(completion.out.contains("(\"cn\" \"com\") # --api-base values"), "--api-base completes to cn and com, not to commands");
    }

    /**
     * From a clone: the catalog registered under a name, a command installed from it, then run in a
     * fresh shell from another folder with nothing on PATH but the installed commands and the system's.
     */
    @Test
    void aCloneInstallsCommandsThatRunFromAnyFolder() throws Exception {
        Path user = Files.createTempDirectory("coze-clone-user");
        Path jbang = Files.createDirectories(user.resolve(".jbang"));
        Path launcherCache = Path.of(System.getenv().getOrDefault("JBANG_DIR", System.getProperty("user.home") + "/.jbang"), "launcher");
        if (Files.isDirectory(launcherCache)) Files.createSymbolicLink(jbang.resolve("launcher"), launcherCache);
        String fresh = "env -i HOME=" + user + " JBANG_DIR=" + jbang + " PATH=" + jbang.resolve("bin") + ":/usr/bin:/bin JBANG_REPO="
                + System.getenv().getOrDefault("JBANG_REPO", Path.of(System.getProperty("user.home"), ".m2", "repository").toString())
                + " COZE_API_BASE=" + mock.baseUrl() + " COZE_API_TOKEN=" + TestSupport.PAT + " COZE_HOME=" + user.resolve(".coze") + " ";
        TestSupport.Result install = bash(fresh + "bash -c './jbang catalog add --global --name coze \"$PWD/jbang-catalog.json\""
                + " && ./jbang app install coze-chat@coze'", "", user, TestSupport.ROOT);
        assertEquals(0, install.exit, install.toString());
        assertTrue(Files.isExecutable(jbang.resolve("bin/jbang")), "a jbang the installed commands can run: " + install);
        TestSupport.Result run = bash(fresh + "bash -c 'cd / && coze-chat --bot echo \"hello from a clone\"'", "", user, user);
        assertEquals(0, run.exit, run.toString());
        assertEquals("hello from a clone\n", run.out);
        assertEquals("", new String(new ProcessBuilder("git", "status", "--porcelain", "jbang-catalog.json").directory(TestSupport.ROOT.toFile())
                .start().getInputStream().readAllBytes()), "the clone's own catalog is left as it was");
    }
}
