import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import lib.core.Json;
import mock.MockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a newcomer trips over (issue 32): each test is something a first-time user would see. */
@ExtendWith(MockHome.class)
class NewcomerTest {
    MockServer mock;
    Path home;

    @Test
    void statusCallsATokenCozeRejectsNotUsable() throws Exception {
        TestSupport.Result text = TestSupport.script(CozeLogin.class, home, "status").api(mock).env("COZE_API_TOKEN", "wrong").run();
        assertEquals(4, text.exit, text.toString());
        assertFalse(text.out.contains("Logged in"), text.out);
        assertTrue(text.out.contains("rejects this token") && text.out.contains("check COZE_API_TOKEN") && !text.out.contains("coze-login"),
                "the hint names the token the user set, not a login: " + text.out);
        TestSupport.Result json = TestSupport.script(CozeLogin.class, home, "status", "--json").api(mock).env("COZE_API_TOKEN", "wrong").run();
        assertEquals(4, json.exit, json.toString());
        assertFalse(Json.object(json.out.strip()).get("usable").getAsBoolean(), json.out);
        TestSupport.Result good = TestSupport.script(CozeLogin.class, home, "status").api(mock).env("COZE_API_TOKEN", TestSupport.PAT).run();
        assertEquals(0, good.exit, good.toString());
        assertTrue(good.out.startsWith("Logged in"), good.out);
    }

    @Test
    void aLoginWithNoDisplaySaysAtOnceHowToFinish() throws Exception {
        TestSupport.Running login = TestSupport.script(CozeLogin.class, home, "--client-id", "c.app.coze", "--redirect-uri",
                "http://127.0.0.1:" + TestSupport.freePort() + "/callback", "--timeout", "60s").api(mock)
                .env("DISPLAY", "").env("WAYLAND_DISPLAY", "").start();
        try {
            long end = System.nanoTime() + 20_000_000_000L;
            while (!login.err().contains("Waiting for the browser") && login.process.isAlive() && System.nanoTime() < end) Thread.sleep(20);
            String err = login.err();
            assertTrue(login.process.isAlive(), "still waiting for the browser: " + err);
            assertTrue(err.contains("No display found") && err.contains("--paste") && err.contains("--device"), err);
        } finally {
            login.process.destroy();
        }
    }

    @Test
    void hintsNameWhatTheUserDid() throws Exception {
        TestSupport.Result var = TestSupport.script(CozeChat.class, home, "--bot", "echo", "--var", "name", "hi").api(mock).pat().run();
        assertEquals(2, var.exit, var.toString());
        assertTrue(var.err.contains("e.g. --var ") && !var.err.contains("--param"), var.err);

        TestSupport.Result both = TestSupport.script(CozeWorkflow.class, home, "echo", "--bot", "1", "--app", "2").api(mock).pat().run();
        assertEquals(2, both.exit, both.toString());
        assertTrue(both.err.startsWith("coze-workflow: error: --bot") && !both.err.contains("Error:"), both.err);

        assertEquals(0, TestSupport.script(CozeLogin.class, home, "--with-token").api(mock).stdin(TestSupport.PAT + "\n").run().exit);
        TestSupport.Result fromEnv = TestSupport.script(CozeChat.class, home, "--bot", "echo", "hi").env("COZE_API_BASE", "http://127.0.0.1:9").run();
        assertEquals(4, fromEnv.exit, fromEnv.toString());
        assertTrue(fromEnv.err.contains("unset COZE_API_BASE") && !fromEnv.err.contains("drop --api-base"), fromEnv.err);
        TestSupport.Result fromFlag = TestSupport.script(CozeChat.class, home, "--bot", "echo", "--api-base", "com", "hi").run();
        assertEquals(4, fromFlag.exit, fromFlag.toString());
        assertTrue(fromFlag.err.contains("drop --api-base"), fromFlag.err);

        // As with env or time, the command's own options need no --; they used to be taken for coze-mock's (--bot: "did you mean --bots?").
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        TestSupport.Result exec = TestSupport.script(CozeMock.class, home, "exec", java, "-cp", System.getProperty("java.class.path"),
                "CozeChat", "--bot", "echo", "hi").run();
        assertEquals(0, exec.exit, exec.toString());
        assertTrue(exec.out.startsWith("hi"), exec.toString());
    }
}
