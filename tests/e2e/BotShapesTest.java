import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import lib.core.Json;
import mock.MockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bots that end a turn waiting: a chatflow's question node, and a bot with a local plugin answered by a shell command.
 *
 * What a chat sends also runs against coze-mock as a Coze Studio (the case that takes a Dialect):
 * Studio's request has no `auto_save_history` and takes `parameters` only as a JSON object. The
 * turns that wait stay on the cloud: Studio never hands its API clients a required action (StudioTest
 * checks that --tool is one line and exit 2 there).
 */
@ExtendWith(MockHome.class)
class BotShapesTest {
    MockServer mock;
    Path home;
    Dialect dialect = Dialect.CLOUD;

    TestSupport.Script chat(String... args) {
        return dialect.signedIn(TestSupport.script(CozeChat.class, home, args).api(mock));
    }

    @Test
    void aQuestionNodeExitsSixAndTheReplyGoesOnWithMinusC() throws Exception {
        TestSupport.Result asked = chat("--bot", "question", "weather please").run();
        assertEquals(6, asked.exit, asked.toString());
        assertEquals("Which city do you mean?\n", asked.out, "the question streams like any answer");
        assertTrue(asked.err.contains("the bot is waiting for your reply: coze-chat -c \"…\""), asked.err);
        TestSupport.Result replied = chat("-c", "Paris").run();
        assertEquals(0, replied.exit, replied.toString());
        assertEquals("Thanks, Paris it is.\n", replied.out);
        JsonObject summary = Json.object(chat("--bot", "question", "--json", "again").run().out.lines().reduce((a, b) -> b).orElseThrow());
        assertEquals("requires_action", Json.str(summary, "status"));
    }

    @Test
    void aLocalPluginRunsItsCommandWithTheArgumentsOnStdin() throws Exception {
        Path seen = Files.createTempDirectory("coze-tool").resolve("stdin.json");
        TestSupport.Result r = chat("--bot", "weather", "--tool", "get_weather=cat > '" + seen + "'; echo \"$COZE_TOOL_NAME: sunny\"", "Tokyo").run();
        assertEquals(0, r.exit, r.toString());
        assertEquals("{\"city\":\"Tokyo\"}", Files.readString(seen), "the call's arguments on the command's stdin");
        assertEquals("The weather: get_weather: sunny\n", r.out, "only the answer on stdout: the tool's output went to Coze, not here");
        assertEquals(1, mock.count("submit_tool_outputs"));
        assertTrue(r.err.contains("coze-chat: tool get_weather {\"city\":\"Tokyo\"}"), r.err);
        TestSupport.Result failing = chat("--bot", "weather", "--tool", "get_weather=echo no network >&2; exit 3", "Oslo").run();
        assertEquals(0, failing.exit, failing.toString());
        assertTrue(failing.out.startsWith("The weather: error: get_weather failed (exit 3): no network"), "a failing command hands Coze its error: " + failing.out);
        assertTrue(failing.err.contains("coze-chat: warning: get_weather failed (exit 3): no network\n"), "and the user hears it too: " + failing.err);
    }

    @Test
    void aLocalPluginWithoutACommandExitsSixAndSaysWhatWasCalled() throws Exception {
        TestSupport.Result r = chat("--bot", "weather", "Tokyo").run();
        assertEquals(6, r.exit, r.toString());
        assertEquals("", r.out);
        assertTrue(r.err.contains("the bot called the local plugin get_weather with {\"city\":\"Tokyo\"}; answer it with --tool get_weather=COMMAND"),
                r.err);
        assertEquals(0, mock.count("submit_tool_outputs"));
    }

    @Test
    void theReplAnswersAQuestionNodeAndTypesAPluginsOutput() throws Exception {
        TestSupport.Running repl = chat("--bot", "question").inTerminal().start();
        assertTrue(repl.awaitOut("you> "), repl.out());
        repl.type("weather please\n");
        assertTrue(repl.awaitOut("Which city do you mean?"), repl.out());
        assertTrue(repl.awaitOut("the bot is waiting for your reply\nyou> "), repl.out());
        repl.type("Paris\n");
        assertTrue(repl.awaitOut("Thanks, Paris it is."), repl.out());
        repl.type("/bot weather\n");
        assertTrue(repl.awaitOut("(new conversation with bot weather)"), repl.out());
        repl.type("Oslo\n");
        assertTrue(repl.awaitOut("output of get_weather {\"city\":\"Oslo\"}> "), repl.out());
        repl.type("rainy\n");
        assertTrue(repl.awaitOut("The weather: rainy"), repl.out());
        repl.type("/exit\n");
        assertEquals(0, repl.finish().exit);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void variablesParametersAndTheUserIdReachTheBot(Dialect d) throws Exception {
        dialect = d;
        mock = d.serve(mock, home);
        TestSupport.Result r = chat("--bot", mock.botId("variables"), "--var", "name=Mei", "--var", "city=北京", "--param", "days=3",
                "--user-id", "u-42", "hi").run();
        assertEquals(0, r.exit, r.toString());
        JsonObject seen = Json.object(r.out.strip());
        assertEquals("u-42", Json.str(seen, "user_id"));
        assertEquals("{\"name\":\"Mei\",\"city\":\"北京\"}", Json.obj(seen, "custom_variables").toString(), "variables are text");
        assertEquals("{\"days\":3}", Json.obj(seen, "parameters").toString(), "parameters stay JSON");
        JsonObject fromEnv = Json.object(chat("--bot", mock.botId("variables"), "hi").env("COZE_USER_ID", "u-env").run().out.strip());
        assertEquals("u-env", Json.str(fromEnv, "user_id"));
        assertTrue(mock.count("client_user_agent") >= 2, "X-Coze-Client-User-Agent is sent, as the SDKs send it");
    }

    @Test
    void failuresSayWhatHappenedAndWhatToDo() throws Exception {
        mock.setFaults("chat-failed-flat");
        TestSupport.Result flat = chat("--bot", "echo", "hi").run();
        assertEquals(1, flat.exit, flat.toString());
        assertTrue(flat.err.contains("the chat failed: error (701231)"), "chat.failed with {code,msg} at the top level: " + flat.err);
        mock.setFaults("json-error=4016");
        TestSupport.Result busy = chat("--bot", "echo", "hi").run();
        assertTrue(busy.err.contains("wait for it to finish, or start a new conversation"), busy.err);
        mock.setFaults("no-permission");
        int chats = mock.count("chat");
        TestSupport.Result denied = chat("--bot", "echo", "hi").run();
        assertEquals(4, denied.exit, denied.toString());
        assertTrue(denied.err.contains("logging in again will not help") && !denied.err.contains("run coze-login"), denied.err);
        assertEquals(chats + 1, mock.count("chat"), "no second try with a fresh token");
    }

    @Test
    void everyKindOfAnswerShows() throws Exception {
        TestSupport.Result tools = chat("--bot", "research", "hi").run();
        assertEquals("hi\n", tools.out, "calls and recalls stay off stdout");
        assertTrue(tools.err.contains("[plugin call] {\"name\":\"search\"") && tools.err.contains("[plugin answer] Sunny, 25°C")
                && tools.err.contains("[knowledge recalled]"), tools.err);
        assertFalse(chat("-q", "--bot", "research", "hi").run().err.contains("[plugin"), "-q hides them");
        String json = chat("--bot", "research", "--json", "hi").run().out;
        assertTrue(json.contains("\"type\":\"function_call\"") && json.contains("\"type\":\"tool_response\"")
                && json.contains("knowledge_recall"), "--json carries them all: " + json);
        assertEquals("whole answer\n", chat("--bot", "nodelta", "whole answer").run().out, "an answer with no deltas, from its completed message");
        assertEquals("Weather in Paris\nSunny, 25°C\nhttps://example.com/weather/paris\n", chat("--bot", "card", "weather").run().out,
                "a card as words and links, not JSON");
    }

    /** A plugin or a workflow may think for minutes; keep-alive comments keep the turn alive past the old 60 s. */
    @Test
    void aSilentGapOfSeventySecondsWithKeepAlivesDoesNotEndTheTurn() throws Exception {
        mock.setFaults("gap=70000", "ping=5000");
        TestSupport.Result r = chat("--bot", "echo", "abcdef").run(java.time.Duration.ofSeconds(120));
        assertEquals(0, r.exit, r.toString());
        assertEquals("abcdef\n", r.out);
    }

    @Test
    void attachmentsAreUploadedAndSentAsOneObjectStringMessage() throws Exception {
        Path photo = Files.write(Files.createTempDirectory("coze-attach").resolve("photo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        TestSupport.Result r = chat("--bot", "echo", "-a", photo.toString(), "-a", "https://example.com/doc.pdf", "what is this?").run();
        assertEquals(0, r.exit, r.toString());
        assertEquals("what is this? [image photo.png] [file https://example.com/doc.pdf]\n", r.out,
                "one upload, one message: the text, the image by file_id, the link by file_url");
        assertEquals(1, mock.count("files.upload"));
        assertEquals("from stdin [image photo.png]\n", chat("--bot", "echo", "-a", photo.toString()).stdin("from stdin").run().out);
        assertEquals(0, chat("-c", "-a", photo.toString(), "and this one?").run().exit, "with -c too");
        int chats = mock.count("chat"), uploads = mock.count("files.upload");
        TestSupport.Result missing = chat("--bot", "echo", "-a", photo.resolveSibling("missing.png").toString(), "hi").run();
        assertEquals(2, missing.exit, missing.toString());
        assertEquals(chats, mock.count("chat"), "nothing was sent");
        assertEquals(uploads, mock.count("files.upload"));
    }
}
