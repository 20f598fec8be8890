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
        assertTrue(text.out.contains("rejects this token"), text.out);
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
}
