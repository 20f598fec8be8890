import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import mock.MockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Local plugins answered by --tool commands, against a bot that asks too much, too often or too strangely. */
@ExtendWith(MockHome.class)
class ToolsTest {
    MockServer mock;
    Path home;

    TestSupport.Script chat(String... args) {
        return TestSupport.script(CozeChat.class, home, args).api(mock).pat();
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
        assertTrue(System.nanoTime() - start < 30_000_000_000L, "not the 60 s of the command");
    }

    /** Ctrl-C while a command runs stops it (and what it started) and exits 130. */
    @Test
    void ctrlCWhileACommandRunsStopsItAndExits130() throws Exception {
        Path started = home.resolve("started");
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
