import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lib.auth.TokenStore;
import lib.core.Json;
import mock.MockBots;
import mock.MockDirectory;
import mock.MockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Finding things from the shell: who you are, your workspaces and bots, bots by name, conversations and history, chatflows. */
@ExtendWith(MockHome.class)
class FindTest {
    MockServer mock;
    Path home;

    TestSupport.Script chat(String... args) {
        return TestSupport.script(CozeChat.class, home, args).api(mock).pat();
    }

    void withBots(String... bots) throws IOException {
        mock.stop();
        MockServer.Config c = new MockServer.Config();
        c.pats.add(TestSupport.PAT);
        c.scriptedBots = "{\"bots\":[" + String.join(",", bots) + "]}";
        mock = MockServer.start(c);
    }

    @Test
    void listBotsCoversEveryWorkspaceAndEveryPage() throws Exception {
        TestSupport.Result r = chat("--list-bots").run();
        assertEquals(0, r.exit, r.toString());
        List<String> lines = r.out.lines().toList();
        long personal = chat("--list-bots", "--workspace", MockBots.PERSONAL).run().out.lines().count();
        assertEquals(personal + MockBots.TEAM_BOTS, lines.size(), r.out);
        assertEquals("echo\tEcho\tpublished", lines.get(0));
        assertTrue(lines.contains("7300000000000000025\tTeam bot 25\tdraft"), "the second page of the team's bots, drafts too: " + r.out);
        assertEquals(1, mock.count("workspaces"));
        assertEquals(3 + 1, mock.count("bots"), "one page for the personal workspace, two for the team's (and one more just above)");
        assertEquals("", r.err);

        TestSupport.Result team = chat("--list-bots", "--workspace", MockBots.TEAM, "--json").run();
        List<JsonObject> bots = team.out.lines().map(Json::object).toList();
        assertEquals(MockBots.TEAM_BOTS, bots.size());
        assertEquals(MockBots.TEAM, Json.str(bots.get(0), "workspace_id"));
        TestSupport.Result spaces = chat("--list-workspaces").run();
        assertEquals(MockBots.PERSONAL + "\tPersonal\tpersonal\n" + MockBots.TEAM + "\tTeam\tteam\n", spaces.out);
    }

    @Test
    void aBotByNameIsLookedUpOnceThenRemembered() throws Exception {
        withBots("{\"id\":\"7443000000000000001\",\"name\":\"My Bot\",\"answers\":[[\"from my bot\"]]}");
        TestSupport.Result first = chat("--bot", "My Bot", "hi").run();
        assertEquals(0, first.exit, first.toString());
        assertEquals("from my bot\n", first.out);
        int lookups = mock.count("workspaces") + mock.count("bots");
        assertTrue(lookups > 0);
        TestSupport.Result second = chat("--bot", "My Bot", "hi").run();
        assertEquals("from my bot\n", second.out);
        assertEquals(lookups, mock.count("workspaces") + mock.count("bots"), "the second run makes no lookup request");
        assertEquals("from my bot\n", chat("--bot", "my bot", "hi").run().out, "and ignoring case, when nothing fits exactly");
    }

    /** coze-mock's bots have ids that are not digits ("echo"): found among the listed ids once, then remembered too. */
    @Test
    void aBotIdThatIsNotDigitsIsLookedUpOnceThenRemembered() throws Exception {
        assertEquals("hi\n", chat("--bot", "echo", "hi").run().out);
        int lookups = mock.count("workspaces") + mock.count("bots");
        assertTrue(lookups > 0);
        assertEquals("again\n", chat("--bot", "echo", "again").run().out);
        assertEquals(lookups, mock.count("workspaces") + mock.count("bots"), "the second run makes no lookup request");
    }

    /**
     * chat.json that cannot be written (here a folder in its place, as a full disk, a read-only home or a lock
     * held too long would be): one warning, the answer, and no "-c" to a conversation -c will not find.
     */
    @Test
    void aChatJsonThatCannotBeSavedWarnsOnceAndTheChatAnswers() throws Exception {
        withBots("{\"id\":\"7443000000000000001\",\"name\":\"My Bot\",\"answers\":[[\"from my bot\"]],\"follow_ups\":[\"more?\"]}");
        Files.createDirectories(home.resolve("chat.json"));
        TestSupport.Result r = chat("--bot", "My Bot", "hi").run();
        assertEquals(0, r.exit, r.toString());
        assertEquals("from my bot\n", r.out);
        List<String> warnings = r.err.lines().filter(l -> l.startsWith("coze-chat: warning: ")).toList();
        assertEquals(1, warnings.size(), r.err);
        assertTrue(warnings.get(0).startsWith("coze-chat: warning: cannot save " + home.resolve("chat.json")), r.err);
        assertFalse(r.err.contains("coze-chat -c") || r.err.contains("with -c"), "nothing suggests -c: " + r.err);
        assertTrue(r.err.contains("\n  more?\n"), "the follow-up is still shown: " + r.err);
    }

    @Test
    void aNameThatFitsTwoBotsOrNoneIsAUsageError() throws Exception {
        withBots("{\"id\":\"7443000000000000001\",\"name\":\"Twin\"}",
                "{\"id\":\"7443000000000000002\",\"name\":\"Twin\",\"workspace\":\"" + MockBots.TEAM + "\"}");
        TestSupport.Result twins = chat("--bot", "Twin", "hi").run();
        assertEquals(2, twins.exit, twins.toString());
        assertTrue(twins.err.contains("fits 2 bots: 7443000000000000001 (Twin), 7443000000000000002 (Twin)"), twins.err);
        assertEquals(0, mock.count("chat"), "nothing was sent");
        TestSupport.Result unknown = chat("--bot", "no-such-bot", "hi").run();
        assertEquals(2, unknown.exit, unknown.toString());
        assertTrue(unknown.err.contains("coze-chat: error: no bot named 'no-such-bot' among the ")
                && unknown.err.contains("coze-chat --list-bots"), "a name that fits no bot says so, not Coze's 4200: " + unknown.err);
        assertEquals(0, mock.count("chat"), "nothing was sent");
    }

    @Test
    void historyPrintsATwoTurnConversationInOrder() throws Exception {
        TestSupport.Result first = chat("--bot", "echo", "first").run();
        assertEquals(0, first.exit, first.toString());
        assertEquals(0, chat("-c", "second").run().exit);
        TestSupport.Result history = chat("--history").run();
        assertEquals(0, history.exit, history.toString());
        assertEquals("you: first\nbot: first\nyou: second\nbot: second\n", history.out);
        List<JsonObject> json = chat("--history", "--json").run().out.lines().map(Json::object).toList();
        assertEquals(List.of("user", "assistant", "user", "assistant"), json.stream().map(m -> Json.str(m, "role")).toList());
        TestSupport.Result conversations = chat("--list-conversations").run();
        assertEquals(1, conversations.out.lines().count(), conversations.out);
        assertTrue(conversations.out.startsWith(conversationOf(first) + "\t"), conversations.out);
    }

    @Test
    void theReplFindsBotsShowsHistoryAndClearsTheContext() throws Exception {
        TestSupport.Running repl = chat("--bot", "echo").inTerminal().start();
        assertTrue(repl.awaitOut("you> "), repl.out());
        repl.type("hello\n");
        assertTrue(repl.awaitOut("hello\nconversation "), repl.out());
        repl.type("/history\n");
        assertTrue(repl.awaitOut("you: hello\nbot: hello\n"), repl.out());
        repl.type("/clear\n");
        assertTrue(repl.awaitOut("(the conversation's context is cleared on Coze)"), repl.out());
        repl.type("/bots\n");
        assertTrue(repl.awaitOut("7300000000000000025  draft"), "in columns: " + repl.out());
        repl.type("/bot Reasoner\n");
        assertTrue(repl.awaitOut("(new conversation with bot reasoner)"), repl.out());
        repl.type("why?\n");
        assertTrue(repl.awaitOut("The answer is 42."), repl.out());
        repl.type("/exit\n");
        assertEquals(0, repl.finish().exit);
        assertEquals(1, mock.count("conversation.clear"), "/clear reached Coze");
    }

    @Test
    void aChatflowTurnCompletesAndContinues() throws Exception {
        TestSupport.Result first = chat("--workflow", "chatflow", "hello flow").run();
        assertEquals(0, first.exit, first.toString());
        assertEquals("hello flow\n", first.out);
        TestSupport.Result again = chat("--workflow", "chatflow", "-c", "again").run();
        assertEquals("again\n", again.out);
        assertEquals(2, mock.count("workflows.chat"));
        assertEquals(conversationOf(first), conversationOf(again), "-c continues the chatflow's conversation");
        TestSupport.Result unpublished = chat("--workflow", "7501000000000000999", "hi").run();
        assertEquals(1, unpublished.exit);
        assertTrue(unpublished.err.contains("(4200"), unpublished.err);
    }

    static String conversationOf(TestSupport.Result r) {
        return r.err.replaceAll("(?s).*conversation (\\d+).*", "$1");
    }

    @Test
    void withTokenRefusesAWrongTokenAndStatusNamesTheUser() throws Exception {
        TestSupport.Result wrong = TestSupport.script(CozeLogin.class, home, "--with-token").api(mock).stdin("pat_wrong\n").run();
        assertEquals(4, wrong.exit, wrong.toString());
        assertTrue(wrong.err.contains("Coze refused this token"), wrong.err);
        assertFalse(home.resolve("token.json").toFile().exists(), "nothing was stored");
        TestSupport.Result right = TestSupport.script(CozeLogin.class, home, "--with-token").api(mock).stdin(TestSupport.PAT + "\n").run();
        assertEquals(0, right.exit, right.toString());
        assertTrue(right.err.contains("as Mock User (mock_user)"), right.err);
        assertEquals(MockDirectory.USER_ID, new TokenStore(home, w -> {}).load().userId(), "the chats' user_id is the Coze user's");
        TestSupport.Result status = TestSupport.script(CozeLogin.class, home, "status").run();
        assertEquals(0, status.exit, status.toString());
        assertTrue(status.out.contains("user:          Mock User (mock_user)"), status.out);
    }
}
