import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import lib.auth.TokenStore;
import lib.core.Json;
import mock.MockServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A self-hosted Coze Studio (coze-mock in its Studio dialect): a personal token stored with
 * `--api-base`, then coze-chat and coze-workflow with no other flag; a stream Studio closes after the
 * chat completed, what Studio's chat request has, what it lacks, its 700012006 error at login; plain
 * http:// off this machine only with the consent given at login. ChatTest, WorkflowTest and
 * LoginTest run their cases where the dialects differ against both (Dialect): a stream's end, a
 * refused token, the question in interrupt_data.data, lower-case events, cancel, --no-stream.
 */
@ExtendWith(MockHome.class)
class StudioTest {
    MockServer mock;
    Path home;

    @BeforeEach
    void asStudio() throws Exception {
        mock.stop(); // MockHome's cloud mock; this class talks to a Studio
        mock = studio();
    }

    private static MockServer studio(String... faults) throws Exception {
        return release(null, faults);
    }

    /** A Studio of this release (`0.2.0`), without the routes it did not have yet; null for the current one. */
    private static MockServer release(String version, String... faults) throws Exception {
        return Dialect.studio(version, faults);
    }

    private TestSupport.Result login(String base, String... more) throws Exception {
        String[] args = new String[more.length + 3];
        args[0] = "--api-base";
        args[1] = base;
        args[2] = "--with-token";
        System.arraycopy(more, 0, args, 3, more.length);
        return TestSupport.script(CozeLogin.class, home, args).stdin(TestSupport.PAT + "\n").run();
    }

    @Test
    void aStoredTokenIsFoundToBeStudioAndChatAndWorkflowsNeedNoOtherFlag() throws Exception {
        TestSupport.Result in = login(mock.baseUrl());
        assertEquals(0, in.exit, in.toString());
        assertTrue(in.err.contains("Logged in to the Coze Studio at " + mock.baseUrl()), in.err);
        String stored = Files.readString(home.resolve("token.json"), StandardCharsets.UTF_8);
        assertTrue(stored.contains("\"site_kind\":\"studio\""), "the kind is kept with the login");

        TestSupport.Result status = TestSupport.script(CozeLogin.class, home, "status").run();
        assertEquals(0, status.exit, status.toString());
        assertTrue(status.out.startsWith("Logged in to a Coze Studio (self-hosted)"), status.out);
        assertFalse(status.out.contains("HTTP 404"), "no user lookup Studio cannot answer: " + status.out);

        TestSupport.Result chat = TestSupport.script(CozeChat.class, home, "--bot", mock.botId("echo"), "hello studio").run();
        assertEquals(0, chat.exit, "a stream ending with conversation.stream.done is a whole turn: " + chat);
        assertEquals("hello studio\n", chat.out);

        TestSupport.Result run = TestSupport.script(CozeWorkflow.class, home, "multi").run();
        assertEquals(0, run.exit, "lower-case workflow events: " + run);
        assertEquals("one\ntwo\nthree\n", run.out);
    }

    @Test
    void aStreamTheServerClosesAfterChatCompletedIsAWholeTurn() throws Exception {
        mock.stop();
        mock = studio("no-done");
        assertEquals(0, login(mock.baseUrl()).exit);
        TestSupport.Result chat = TestSupport.script(CozeChat.class, home, "--bot", mock.botId("echo"), "closed early").run();
        assertEquals(0, chat.exit, chat.toString());
        assertEquals("closed early\n", chat.out);
    }

    @Test
    void aChatSendsWhatStudiosRequestHas() throws Exception {
        assertEquals(0, login(mock.baseUrl()).exit);
        TestSupport.Result chat = TestSupport.script(CozeChat.class, home, "--bot", mock.botId("echo"), "--param", "city=北京", "hi").run();
        assertEquals(0, chat.exit, "parameters as a JSON object: " + chat);
        assertEquals(1, mock.count("chat"));
        assertEquals(0, mock.count("studio.auto_save_history"), "no auto_save_history, which Studio's request lacks");
    }

    @Test
    void whatStudioLacksIsOneLineAndExitTwo() throws Exception {
        assertEquals(0, login(mock.baseUrl()).exit);
        TestSupport.Result list = TestSupport.script(CozeChat.class, home, "--list-bots").run();
        assertEquals(2, list.exit, list.toString());
        assertTrue(list.err.contains("Coze Studio has no API that lists bots"), list.err);
        assertFalse(list.err.contains("404"), list.err);
        TestSupport.Result workspaces = TestSupport.script(CozeChat.class, home, "--list-workspaces").run();
        assertEquals(2, workspaces.exit, workspaces.toString());
        assertTrue(workspaces.err.contains("Coze Studio has no API that lists bots or workspaces"), workspaces.err);
        TestSupport.Result named = TestSupport.script(CozeChat.class, home, "--bot", "Travel Helper", "hi").run();
        assertEquals(2, named.exit, named.toString());
        assertTrue(named.err.contains("Coze Studio cannot find a bot by its name") && named.err.contains("the bot's id"), named.err);
        TestSupport.Result tool = TestSupport.script(CozeChat.class, home, "--bot", mock.botId("echo"), "--tool", "weather=echo sunny", "hi").run();
        assertEquals(2, tool.exit, tool.toString());
        assertTrue(tool.err.contains("no --tool"), tool.err);
        assertEquals(0, mock.count("chat"), "nothing was sent");
    }

    @Test
    void ctrlCOnAStudioWithoutCancelExits130AndSaysTheChatMayGoOnThere() throws Exception {
        mock.stop();
        mock = release("0.2.0", "gate");
        assertEquals(0, login(mock.baseUrl()).exit);
        TestSupport.Running run = TestSupport.script(CozeChat.class, home, "--bot", mock.botId("echo"), "abcdef").start();
        assertTrue(run.awaitOut("abc"), run.err());
        new ProcessBuilder("kill", "-INT", String.valueOf(run.process.pid())).start().waitFor();
        TestSupport.Result r = run.finish();
        mock.gate.release();
        assertEquals(130, r.exit, r.toString());
        assertEquals("abc\n", r.out, "what arrived is flushed");
        assertTrue(r.err.contains("this Coze Studio cannot cancel a chat (that came in v0.3.0)"), r.err);
        assertFalse(r.err.contains("cancelled on Coze too") || r.err.contains("404"), r.err);
        assertEquals(0, mock.count("canceled"));
    }

    @Test
    void noStreamOnAStudioWithoutRetrieveIsOneLineAndExitTwo() throws Exception {
        mock.stop();
        mock = release("0.5.0");
        assertEquals(0, login(mock.baseUrl()).exit);
        TestSupport.Result r = TestSupport.script(CozeChat.class, home, "--no-stream", "--bot", mock.botId("echo"), "hi").run();
        assertEquals(2, r.exit, r.toString());
        String line = "this Coze Studio has no non-streaming chat (added in Coze Studio v0.5.1); upgrade it, or drop --no-stream";
        assertTrue(r.err.contains("coze-chat: error: " + line), r.err);
        assertEquals(1, r.err.lines().count(), "one line: " + r.err);
        assertEquals(0, mock.count("chat"), "found out before the message was sent");

        // A token in the environment does not say the site is a Studio: the poll finds out, and says the same.
        TestSupport.Result env = TestSupport.script(CozeChat.class, home, "--no-stream", "--bot", mock.botId("echo"), "hi").api(mock).pat().run();
        assertEquals(2, env.exit, env.toString());
        assertTrue(env.err.contains(line) && !env.err.contains("404"), env.err);

        mock.stop();
        mock = release("0.5.1");
        assertEquals(0, login(mock.baseUrl()).exit);
        TestSupport.Result polled = TestSupport.script(CozeChat.class, home, "--no-stream", "--bot", mock.botId("echo"), "polled").run();
        assertEquals(0, polled.exit, "v0.5.1 has it: " + polled);
        assertEquals("polled\n", polled.out);
    }

    /** Knowledge documents came to Studio in v0.5.1, and templates never did: what an older Studio answers is one line. */
    @Test
    void whatAStudioHasNotGotIsOneLine() throws Exception {
        mock.stop();
        mock = release("0.5.0");
        assertEquals(0, login(mock.baseUrl()).exit);
        String line = "error: the site has no such API (HTTP 404)";
        TestSupport.Result docs = TestSupport.script(CozeKnowledge.class, home, "docs", "7400000000000000001").run();
        assertEquals(1, docs.exit, docs.toString());
        assertTrue(docs.err.startsWith("coze-knowledge: " + line) && docs.err.contains("a Coze Studio may not have it"), docs.err);
        assertEquals(1, docs.err.lines().count(), "one line: " + docs.err);
        assertEquals("", docs.out);
        TestSupport.Result template = TestSupport.script(CozeChat.class, home, "--duplicate-template", "7400000000000000002", "--workspace", "1").run();
        assertEquals(1, template.exit, template.toString());
        assertTrue(template.err.startsWith("coze-chat: " + line), template.err);
        assertEquals(1, template.err.lines().count(), "one line: " + template.err);
    }

    @Test
    void anAsyncRunIsFollowedThroughStudiosOwnRunHistory() throws Exception {
        assertEquals(0, login(mock.baseUrl()).exit);
        TestSupport.Result started = TestSupport.script(CozeWorkflow.class, home, "echo", "--async", "--param", "input=北京").run();
        assertEquals(0, started.exit, started.toString());
        String id = started.out.strip();
        TestSupport.Result done = TestSupport.script(CozeWorkflow.class, home, "status", "echo", id, "--wait").run();
        assertEquals(0, done.exit, "get_run_history, not run_histories, which Studio lacks: " + done);
        assertEquals("{\"output\":\"北京\"}\n", done.out);
        assertEquals(3, mock.count("workflow.history"), "polled while Running, then done");

        String failing = TestSupport.script(CozeWorkflow.class, home, "fail", "--async").run().out.strip();
        TestSupport.Result failed = TestSupport.script(CozeWorkflow.class, home, "status", "fail", failing, "--wait").run();
        assertEquals(1, failed.exit, failed.toString());
        assertTrue(failed.err.contains("the workflow failed: the code node raised an error (720701013)"), "Studio's error_msg: " + failed.err);
    }

    @Test
    void statusAsksStudioWhetherItStillTakesTheToken() throws Exception {
        String revoked = "pat_revoked_in_the_studio_ui";
        new TokenStore(home, w -> {}).save(new TokenStore.Login("pat", mock.baseUrl(), null, revoked, null, 0, "u-studio")
                .on(new TokenStore.Site(TokenStore.Site.STUDIO, false)));
        TestSupport.Result status = TestSupport.script(CozeLogin.class, home, "status").run();
        assertEquals(4, status.exit, "no expiry, yet Studio refuses it: " + status);
        assertTrue(status.out.startsWith("The Coze Studio at " + mock.baseUrl() + " rejects this token: it is not usable; run coze-login."), status.toString());
        assertTrue(status.out.contains("token check:   refused (") && status.out.contains("700012006"), "Studio's own words: " + status.out);
        assertFalse(status.out.contains(revoked) || status.err.contains(revoked));
        TestSupport.Result json = TestSupport.script(CozeLogin.class, home, "status", "--json").run();
        assertEquals(4, json.exit, json.toString());
        assertFalse(Json.object(json.out.strip()).get("usable").getAsBoolean(), json.out);

        mock.acceptToken(revoked);
        TestSupport.Result taken = TestSupport.script(CozeLogin.class, home, "status").run();
        assertEquals(0, taken.exit, taken.toString());
        assertFalse(taken.out.contains("token check"), "nothing to say when Studio takes it: " + taken.out);
    }

    @Test
    void aTokenStudioRefusesAtLoginIsExitFourWithItsMessageAndNotStored() throws Exception {
        TestSupport.Result refused = TestSupport.script(CozeLogin.class, home, "--api-base", mock.baseUrl(), "--with-token")
                .stdin("pat_not_known_to_studio\n").run();
        assertEquals(4, refused.exit, refused.toString());
        assertTrue(refused.err.contains("700012006") && refused.err.contains("authentication failed"), refused.err);
        assertFalse(Files.exists(home.resolve("token.json")), "a refused token is not stored");
    }

    @Test
    void plainHttpOffThisMachineNeedsOneConsentAtLoginAndIsSaidEachTime() throws Exception {
        // 0.0.0.0 is not spelled as loopback, yet reaches this machine: another machine of the network, by construction.
        String remote = "http://0.0.0.0:" + mock.port();
        TestSupport.Result refused = login(remote);
        assertEquals(2, refused.exit, refused.toString());
        assertTrue(refused.err.contains("--insecure-http"), refused.err);
        assertFalse(Files.exists(home.resolve("token.json")));

        TestSupport.Result in = login(remote, "--insecure-http");
        assertEquals(0, in.exit, in.toString());
        assertTrue(in.err.contains("warning: " + remote + " is plain http://"), in.err);

        TestSupport.Result chat = TestSupport.script(CozeChat.class, home, "--bot", mock.botId("echo"), "over the network").run();
        assertEquals(0, chat.exit, chat.toString());
        assertEquals("over the network\n", chat.out);
        assertEquals(1, chat.err.lines().filter(l -> l.contains("is plain http://")).count(), "one warning line: " + chat.err);
        TestSupport.Result run = TestSupport.script(CozeWorkflow.class, home, "echo", "--param", "input=x").run();
        assertEquals(0, run.exit, run.toString());
        assertTrue(run.err.contains("warning: " + remote + " is plain http://"), run.err);
    }

    @Test
    void siteKindOverridesWhatTheProbeWouldFind() throws Exception {
        TestSupport.Result asCloud = login(mock.baseUrl(), "--site-kind", "cloud");
        assertNotEquals(0, asCloud.exit, "told it is the cloud, the login asks /v1/users/me, which Studio lacks: " + asCloud);
        TestSupport.Result oauth = TestSupport.script(CozeLogin.class, home, "--api-base", mock.baseUrl(), "--site-kind", "studio",
                "--client-id", "x.app.coze").run();
        assertEquals(2, oauth.exit, oauth.toString());
        assertTrue(oauth.err.contains("personal access tokens only"), oauth.err);
        assertEquals(2, login(mock.baseUrl(), "--site-kind", "moon").exit);
    }
}
