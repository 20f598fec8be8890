import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.net.ServerSocket;
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

    @Test
    void cozeMockExplainsItselfAndStaysOutOfTheWay() throws Exception {
        TestSupport.Result help = TestSupport.script(CozeMock.class, home, "--help").run();
        String helpText = help.out.replaceAll("\\s+", " ");
        for (String offered : new String[] {"echo streams your text back", "reasoner ", "multi two answers", "7300000000000000001",
                "question asks", "fail ends", "chatflow a chatflow", "exec Run COMMAND against a mock started for it alone."})
            assertTrue(helpText.contains(offered), "--help names " + offered + ":\n" + help.out);
        assertFalse(help.out.matches("(?s).*=<[a-zA-Z]+>.*"), "no raw picocli labels: " + help.out);

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        TestSupport.Result quiet = TestSupport.script(CozeMock.class, home, "exec", "--", java, "-cp", cp, "CozeChat", "--bot", "echo", "hi").run();
        assertEquals(0, quiet.exit, quiet.toString());
        assertFalse(quiet.err.contains("/v3/chat"), "no request log under exec: " + quiet.err);
        TestSupport.Result verbose = TestSupport.script(CozeMock.class, home, "exec", "-v", "--", java, "-cp", cp, "CozeChat", "--bot", "echo", "hi").run();
        assertTrue(verbose.err.contains("POST /v3/chat 200"), "-v shows it: " + verbose.err);

        TestSupport.Result before = TestSupport.script(CozeMock.class, home, "--fault", "drip=400", "exec", "--", "true").run();
        assertEquals(2, before.exit, "an option before exec is refused, not ignored: " + before);
        assertEquals("coze-mock: error: --fault before exec is not used: put it after exec; coze-mock exec --fault drip=400 -- COMMAND\n", before.err);

        TestSupport.Result missing = TestSupport.script(CozeMock.class, home, "--bots", home.resolve("bots.json").toString()).run();
        assertEquals(2, missing.exit, missing.toString());
        assertTrue(missing.err.startsWith("coze-mock: error: there is no bots file ") && !missing.err.contains("Exception"), missing.err);

        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            TestSupport.Result busy = TestSupport.script(CozeMock.class, home, "--port", String.valueOf(taken.getLocalPort())).run();
            assertEquals(2, busy.exit, "a busy port is a local conflict, exit 2 as the README says: " + busy);
            assertTrue(busy.err.contains("is busy"), busy.err);
        }
    }

    @Test
    void inputsAreCheckedBeforeAnythingIsSent() throws Exception {
        // From a file, as `coze-chat < big.txt`: the command reads only as much as it needs to refuse.
        Path big = java.nio.file.Files.writeString(home.getParent().resolve("big.txt"), "a".repeat(10 << 20));
        TestSupport.Result tooLong = TestSupport.script(CozeChat.class, home, "--bot", "echo").api(mock).pat()
                .under("sh", "-c", "exec \"$@\" < \"$0\"", big.toString()).run();
        assertEquals(2, tooLong.exit, tooLong.toString());
        assertEquals("coze-chat: error: the message is over 1 MiB, the most one message may carry; send a shorter text, or attach the file"
                + " with -a FILE\n", tooLong.err, "one line with the limit, the same every run");
        assertEquals(0, mock.count("chat"), "nothing was sent");

        TestSupport.Result emptyArg = TestSupport.script(CozeChat.class, home, "--bot", "echo", "").api(mock).pat().stdin("").run();
        TestSupport.Result emptyStdin = TestSupport.script(CozeChat.class, home, "--bot", "echo").api(mock).pat().stdin("").run();
        assertEquals(2, emptyArg.exit, emptyArg.toString());
        assertEquals(emptyStdin.exit + emptyStdin.err, emptyArg.exit + emptyArg.err, "\"\" is no message, as empty stdin is");

        Path photo = java.nio.file.Files.write(home.getParent().resolve("photo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        TestSupport.Result alone = TestSupport.script(CozeChat.class, home, "--bot", "echo", "-a", photo.toString()).api(mock).pat().stdin("").run();
        assertEquals(0, alone.exit, alone.toString());
        assertEquals("[image photo.png]\n", alone.out, "the file is sent alone");

        TestSupport.Script binary = TestSupport.script(CozeChat.class, home, "--bot", "echo").api(mock).pat();
        binary.stdin = java.nio.file.Files.readAllBytes(photo);
        TestSupport.Result refused = binary.run();
        assertEquals(2, refused.exit, refused.toString());
        assertTrue(refused.err.startsWith("coze-chat: error: stdin is not UTF-8 text") && refused.err.contains("-a FILE"), refused.err);
    }

    @Test
    void smallerSlips() throws Exception {
        TestSupport.Result refresh = TestSupport.script(CozeRefresh.class, home, "--json").run();
        assertEquals(4, refresh.exit, refresh.toString());
        assertEquals("not logged in", Json.str(Json.object(refresh.out.strip()), "error"), "JSON also when not logged in: " + refresh);

        TestSupport.Result help = TestSupport.script(CozeChat.class, home, "--bot", "echo", "help").api(mock).pat().run();
        assertEquals(0, help.exit, help.toString());
        assertTrue(help.err.contains("coze-chat --help"), "a lone subcommand-like word gets a hint: " + help.err);

        TestSupport.Result both = TestSupport.script(CozeChat.class, home, "--bot", "echo", "-c", "--conversation", "7400000000000000001", "hi")
                .api(mock).pat().run();
        assertEquals(2, both.exit, both.toString());
        assertTrue(both.err.startsWith("coze-chat: error: -c and --conversation"), both.err);
    }

    /** -c after the conversation went away on Coze (here: the server lost it) starts a new one and says so. */
    @Test
    void continuingAConversationThatIsGoneStartsANewOne() throws Exception {
        assertEquals(0, TestSupport.script(CozeLogin.class, home, "--with-token").api(mock).stdin(TestSupport.PAT + "\n").run().exit);
        assertEquals("first\n", TestSupport.script(CozeChat.class, home, "--bot", "echo", "first").run().out);
        int port = mock.port();
        mock.stop();
        MockServer.Config fresh = new MockServer.Config();
        fresh.port = port;
        fresh.pats.add(TestSupport.PAT);
        mock = MockServer.start(fresh);
        TestSupport.Result again = TestSupport.script(CozeChat.class, home, "-c", "again").run();
        assertEquals(0, again.exit, again.toString());
        assertEquals("again\n", again.out);
        assertTrue(again.err.contains("is gone on Coze; starting a new one"), again.err);
        TestSupport.Result then = TestSupport.script(CozeChat.class, home, "-c", "then").run();
        assertEquals(0, then.exit, then.toString());
        assertFalse(then.err.contains("is gone"), "the new conversation is the one -c continues now: " + then.err);
    }

    @Test
    void aBadPasteAsksAgain() throws Exception {
        TestSupport.Running run = TestSupport.script(CozeLogin.class, home, "--client-id", "c.app.coze", "--redirect-uri",
                "http://127.0.0.1:" + TestSupport.freePort() + "/callback", "--paste", "--timeout", "30s").api(mock).interactive().start();
        long end = System.nanoTime() + 30_000_000_000L;
        while (!run.err().contains("Address:") && run.process.isAlive() && System.nanoTime() < end) Thread.sleep(20);
        String url = run.err().lines().filter(l -> l.contains("authorize?")).findFirst().orElseThrow().strip();
        run.type("the wrong thing from the clipboard\n");
        while (!run.err().contains("paste the whole address") && run.process.isAlive() && System.nanoTime() < end) Thread.sleep(20);
        assertTrue(run.process.isAlive(), "still asking: " + run.err());
        run.type(LoginTest.FakeBrowser.consent(url, "authorize") + "\n");
        run.process.getOutputStream().close();
        TestSupport.Result r = run.finish();
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.err.contains("Logged in to"), r.err);
    }
}
