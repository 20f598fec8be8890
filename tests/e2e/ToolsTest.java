import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import mock.MockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Local plugins answered by --tool commands, against a bot that asks too much, too often or too strangely. */
@ExtendWith(MockHome.class)
class ToolsTest {
    MockServer mock;
    Path home;
    /** Where the test's commands leave their marks: COZE_HOME itself is made by coze-chat, maybe after a command runs. */
    @TempDir
    Path marks;

    TestSupport.Script chat(String... args) {
        return TestSupport.script(CozeChat.class, home, args).api(mock).pat();
    }

    /** A bot that asks again after every answer runs the command --max-tool-calls times, then the turn fails in one line. */
    @Test
    void aBotThatAsksForEverIsStoppedAtTheCap() throws Exception {
        Path runs = marks.resolve("runs");
        TestSupport.Result r = chat("--bot", "plugins", "--max-tool-calls", "5", "--tool", "lookup=echo x >> '" + runs + "'", "lookup again").run();
        assertEquals(1, r.exit, r.toString());
        assertTrue(r.err.contains("coze-chat: error: the bot asked for more than 5 local plugin calls in one answer"), r.err);
        assertEquals(5, java.nio.file.Files.readAllLines(runs).size(), "the command ran five times, not for ever\n" + r);
    }

    /** 2,000 calls in one requires_action: none runs. */
    @Test
    void twoThousandCallsAtOnceRunNone() throws Exception {
        Path runs = marks.resolve("runs");
        TestSupport.Result r = chat("--bot", "plugins", "--tool", "lookup=echo x >> '" + runs + "'", "2000*lookup").run();
        assertEquals(1, r.exit, r.toString());
        assertTrue(r.err.contains("more than 20 local plugin calls"), r.err);
        assertFalse(java.nio.file.Files.exists(runs), "no command ran");
        TestSupport.Result within = chat("--bot", "plugins", "--tool", "lookup=echo found", "3*lookup").run();
        assertEquals(0, within.exit, within.toString());
        assertEquals("Plugins: found\n, found\n, found\n", within.out);
    }

    /** Two calls, one with a command and one without: neither runs (its side effect would be thrown away), exit 6. */
    @Test
    void aCallWithoutACommandMeansNoneRuns() throws Exception {
        Path runs = marks.resolve("runs");
        TestSupport.Result r = chat("--bot", "plugins", "--tool", "lookup=echo x >> '" + runs + "'", "lookup unknown").run();
        assertEquals(6, r.exit, r.toString());
        assertFalse(java.nio.file.Files.exists(runs), "the allowed command did not run");
        assertTrue(r.err.contains("the bot called the local plugin unknown with {\"n\":0}; answer it with --tool unknown=COMMAND"), r.err);
        assertEquals(0, mock.count("submit_tool_outputs"));
    }

    /** At the REPL, a plugin name the bot chose is shown, not obeyed, in the prompt that asks for its output. */
    @Test
    void aPluginsNameInTheReplsPromptIsShownNotObeyed() throws Exception {
        TestSupport.Running repl = chat("--bot", "plugins").inTerminal().start();
        assertTrue(repl.awaitOut("you> "), repl.out());
        repl.type("x%1b]0;owned%07y\r"); // the mock decodes it: a name with a title-setting escape
        assertTrue(repl.awaitOut("output of x^[]0;owned^Gy {\"n\":0}> "), repl.out());
        assertFalse(repl.out().contains("\u001b]0;owned"), "no live escape of the bot's: " + repl.out());
        repl.type("typed\r");
        assertTrue(repl.awaitOut("Plugins: typed"), repl.screen());
        repl.type("/exit\r");
        assertEquals(0, repl.finish().exit);
    }

    /** The command gets none of the user's secrets: not the personal token, not a service app's key. */
    @Test
    void aToolCommandSeesNoCozeSecret() throws Exception {
        TestSupport.Result r = chat("--bot", "weather", "--tool", "get_weather=echo \"${COZE_API_TOKEN:-no token} ${COZE_JWT_OAUTH_PRIVATE_KEY:-no key}"
                + " $COZE_TOOL_NAME\"", "Tokyo").env("COZE_JWT_OAUTH_PRIVATE_KEY", "-----BEGIN PRIVATE KEY-----SENTINEL").run();
        assertEquals(0, r.exit, r.toString());
        assertEquals("The weather: no token no key get_weather\n", r.out);
    }

    /** A command that reads all its input before it writes (cat) gets 300 KB of arguments without a deadlock. */
    @Test
    void aCommandThatReadsEverythingFirstDoesNotDeadlock() throws Exception {
        String city = "x".repeat(300_000);
        TestSupport.Result r = chat("--bot", "weather", "--tool", "get_weather=cat").stdin(city).run();
        assertEquals(0, r.exit, r.toString().substring(0, 300));
        assertEquals("The weather: {\"city\":\"" + city + "\"}\n", r.out);
    }

    /** A command that never ends is stopped at --tool-timeout, and Coze hears why. */
    @Test
    void aCommandThatNeverEndsIsStoppedAtTheTimeout() throws Exception {
        long start = System.nanoTime();
        TestSupport.Result r = chat("--bot", "weather", "--tool-timeout", "1s", "--tool", "get_weather=sleep 60", "Oslo").run();
        assertEquals(0, r.exit, r.toString());
        assertEquals("The weather: error: get_weather took longer than 1 s and was stopped\n", r.out);
        assertTrue(r.err.contains("coze-chat: warning: get_weather took longer than 1 s and was stopped\n"), r.err);
        assertTrue(System.nanoTime() - start < 30_000_000_000L, "not the 60 s of the command");
    }

    /** Ctrl-C while a command runs stops it (and what it started) and exits 130. */
    @Test
    void ctrlCWhileACommandRunsStopsItAndExits130() throws Exception {
        Path started = marks.resolve("started");
        TestSupport.Running run = chat("--bot", "weather", "--tool", "get_weather=sleep 60 & echo $! > '" + started + "'; wait", "Oslo").start();
        for (int i = 0; i < 400 && !java.nio.file.Files.exists(started); i++) Thread.sleep(50);
        Thread.sleep(100);
        long sleeper = Long.parseLong(java.nio.file.Files.readString(started).strip());
        new ProcessBuilder("kill", "-INT", String.valueOf(run.process.pid())).start().waitFor();
        TestSupport.Result r = run.finish();
        assertEquals(130, r.exit, r.toString());
        for (int i = 0; i < 100 && ProcessHandle.of(sleeper).map(ProcessHandle::isAlive).orElse(false); i++) Thread.sleep(50);
        assertFalse(ProcessHandle.of(sleeper).map(ProcessHandle::isAlive).orElse(false), "the command's own child was stopped too");
        assertEquals(0, mock.count("cancel"), "a chat waiting for a tool's output cannot be cancelled on Coze, and is not tried");
        assertFalse(r.err.contains("could not cancel"), r.err);
    }
}
