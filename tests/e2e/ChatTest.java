import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import lib.auth.TokenStore;
import lib.chat.ChatStream;
import lib.core.CozeConfig;
import lib.core.Json;
import lib.http.SseParser;
import mock.MockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * coze-chat end to end: a real process against coze-mock, as a user or a shell script sees it.
 *
 * The cases that take a Dialect also run against coze-mock as a Coze Studio: those where Studio
 * speaks differently (how a stream ends, errors as HTTP 200 with a code, a failed turn, --no-stream's
 * polling, cancel). The rest stay on the cloud: what happens before any request (usage, locale,
 * stdin, the class archive) or on the wire alike in both (deltas as they come, the REPL), and what
 * Studio does not offer: OAuth logins and so their renewal (Studio takes personal tokens only), and
 * bot and workspace lists (StudioTest checks the line and exit 2 Studio gets for those instead).
 */
@ExtendWith(MockHome.class)
class ChatTest {
    MockServer mock;
    Path home;
    Dialect dialect = Dialect.CLOUD;

    TestSupport.Script chat(String... args) {
        return dialect.signedIn(TestSupport.script(CozeChat.class, home, args).api(mock));
    }

    /** This test talks to coze-mock in `d`'s dialect, logged in as its users are. */
    void speak(Dialect d) throws IOException {
        dialect = d;
        mock = d.serve(mock, home);
    }

    static final String TRICKY = "  leading spaces: colons: http://example.com:8080/x?a=b\n中文 and emoji 🌍🎉 split\n\ttab";

    @ParameterizedTest(name = "{0}, wire faults: {1}")
    @CsvSource(delimiter = '|', value = {"CLOUD|none", "CLOUD|crlf", "CLOUD|one-byte", "CLOUD|one-byte,crlf", "STUDIO|none", "STUDIO|one-byte,crlf"})
    void answerIsPrintedExactlyAsStreamed(Dialect d, String faults) throws Exception {
        speak(d);
        if (!faults.equals("none")) mock.setFaults(faults.split(","));
        TestSupport.Result r = chat("--bot", mock.botId("echo"), TRICKY).run();
        assertEquals(0, r.exit, r.toString());
        assertEquals(TRICKY + "\n", r.out, "exactly the answer plus one newline");
        assertTrue(r.err.contains("conversation "), r.err);
    }

    /** Cron, containers and CI often run with the C locale; the answer must still be UTF-8 on stdout. */
    @Test
    void answerIsUtf8UnderTheCLocale() throws Exception {
        TestSupport.Result r = chat("--bot", "echo").env("LANG", "C").env("LC_ALL", "C").stdin(TRICKY).run();
        assertEquals(0, r.exit, r.toString());
        assertEquals(TRICKY + "\n", r.out);
    }

    /** Arguments are decoded before any code of ours runs: under the C locale 你好 arrives as ??????, and the user is told. */
    @Test
    void argumentsMangledByTheCLocaleAreReported() throws Exception {
        TestSupport.Result r = chat("--bot", "echo", "你好").env("LANG", "C").env("LC_ALL", "C").run();
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.err.contains("coze-chat: warning: the arguments may have lost non-ASCII text"), r.err);
        assertTrue(r.err.contains("LANG=C.UTF-8"), r.err);
        TestSupport.Result utf8 = chat("--bot", "echo", "你好").env("LANG", "C.UTF-8").env("LC_ALL", "C.UTF-8").run();
        assertEquals("你好\n", utf8.out, utf8.toString());
        assertFalse(utf8.err.contains("warning"), utf8.err);
    }

    /** `--bot "$BOT"` with BOT unset must not chat with whatever bot was used last. */
    @Test
    void anEmptyBotIsAUsageError() throws Exception {
        TestSupport.Result r = chat("--bot", "", "hi").run();
        assertEquals(2, r.exit, r.toString());
        assertTrue(r.err.contains("--bot is empty"), r.err);
        assertEquals("", r.out);
        assertEquals(0, mock.count("chat"), "nothing was sent");
    }

    @Test
    void stdinAndArgumentsCombine() throws Exception {
        TestSupport.Result piped = chat("--bot", "echo").stdin("from stdin\n").run();
        assertEquals("from stdin\n", piped.out);
        TestSupport.Result both = chat("--bot", "echo", "and", "args").stdin("from stdin\n").run();
        assertEquals("from stdin\n\nand args\n", both.out);
        TestSupport.Result none = chat("--bot", "echo").stdin("").run();
        assertEquals(2, none.exit, none.toString());
        assertEquals("", none.out);
    }

    @Test
    void quietKeepsStderrCleanAndStdoutUnchanged() throws Exception {
        TestSupport.Result r = chat("-q", "--bot", "reasoner", "hi").run();
        assertEquals("The answer is 42.\n", r.out, "reasoning and follow-ups never reach stdout");
        assertEquals("", r.err);
        TestSupport.Result chatty = chat("--bot", "reasoner", "--reasoning", "hi").run();
        assertEquals("The answer is 42.\n", chatty.out);
        assertTrue(chatty.err.startsWith("reasoning: Let me think about it.\n"), "labelled, on a line of its own: " + chatty.err);
        assertTrue(chatty.err.contains("\n  coze-chat -c 'Why 42?'\n"), "a follow-up as the command that sends it: " + chatty.err);
        assertEquals("", chat("-q", "--bot", "reasoner", "--reasoning", "hi").run().err, "-q hides the reasoning too");
        TestSupport.Result polled = chat("--no-stream", "--bot", "reasoner", "--reasoning", "hi").run();
        assertEquals("The answer is 42.\n", polled.out);
        assertTrue(polled.err.startsWith("reasoning: Let me think about it.\n"), "--no-stream shows it as well: " + polled.err);
    }

    @Test
    void multipleAnswersArePrintedInOrder() throws Exception {
        assertEquals("First answer.\nSecond answer.\n", chat("--bot", "multi", "x").run().out);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void jsonOutputParsesBack(Dialect d) throws Exception {
        speak(d);
        TestSupport.Result r = chat("--json", "--bot", mock.botId("reasoner"), "hi").run();
        assertEquals(0, r.exit, r.toString());
        List<JsonObject> events = new ArrayList<>();
        for (String line : r.out.split("\n")) events.add(Json.object(line));
        JsonObject last = events.get(events.size() - 1);
        assertEquals("done", Json.str(last, "event"));
        assertEquals("The answer is 42.", Json.str(last, "answer"));
        assertNotNull(Json.str(last, "conversation_id"));
        assertEquals(2, last.getAsJsonArray("follow_ups").size());
        assertTrue(events.stream().anyMatch(e -> "delta".equals(Json.str(e, "event"))));
        assertTrue(events.stream().anyMatch(e -> "usage".equals(Json.str(e, "event"))));
    }

    @Test
    void continueUsesTheLastConversationOfTheBot() throws Exception {
        TestSupport.Result first = chat("--json", "--bot", "echo", "one").run();
        String conv = Json.str(Json.object(first.out.substring(first.out.lastIndexOf("{\"event\":\"done\""))), "conversation_id");
        TestSupport.Result second = chat("--json", "-c", "two").run();
        assertEquals(0, second.exit, second.toString());
        assertTrue(second.out.contains("\"conversation_id\":\"" + conv + "\""), "continued " + conv + ": " + second.out);
        TestSupport.Result fresh = chat("--json", "--bot", "echo", "three").run();
        assertFalse(fresh.out.contains("\"conversation_id\":\"" + conv + "\""), "a new conversation without -c");
        TestSupport.Result explicit = chat("--json", "--bot", "echo", "--conversation", conv, "four").run();
        assertTrue(explicit.out.contains("\"conversation_id\":\"" + conv + "\""));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void aConversationIsRememberedEvenWhenItsAnswerFails(Dialect d) throws Exception {
        speak(d);
        mock.setFaults("chat-failed");
        TestSupport.Result failed = chat("--json", "--bot", mock.botId("echo"), "abcdef").run();
        assertEquals(1, failed.exit, failed.toString());
        String conv = Json.str(Json.object(failed.out.lines().findFirst().orElseThrow()), "conversation_id");
        assertNotNull(conv, failed.out);
        mock.setFaults();
        TestSupport.Result again = chat("--json", "-c", "retry").run();
        assertEquals(0, again.exit, again.toString());
        assertTrue(again.out.contains("\"conversation_id\":\"" + conv + "\""), "continued " + conv + ": " + again.out);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void noStreamPollsAndPrintsTheWholeAnswer(Dialect d) throws Exception {
        speak(d);
        TestSupport.Result r = chat("--no-stream", "--bot", mock.botId("echo"), "polled answer").run();
        assertEquals(0, r.exit, r.toString());
        assertEquals("polled answer\n", r.out);
    }

    static void assertFails(TestSupport.Result r, int exit, String stderrPart) {
        assertEquals(exit, r.exit, r.toString());
        assertTrue(r.err.contains(stderrPart), "stderr should say '" + stderrPart + "': " + r.err);
        assertFalse(r.err.contains("\tat "), "no stack trace without --debug: " + r.err);
        assertEquals(1, r.err.lines().filter(l -> l.startsWith("coze-chat: error: ")).count(), r.err);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void stopsReadingAtDoneEvenIfTheServerKeepsTheSocketOpen(Dialect d) throws Exception {
        speak(d);
        mock.setFaults("keep-open");
        TestSupport.Result r = chat("--bot", mock.botId("echo"), "hi", "--idle-timeout", "50s").run();
        assertEquals(0, r.exit, r.toString());
        assertEquals("hi\n", r.out);
    }

    @Test
    void firstDeltaReachesStdoutWhileTheServerHoldsTheRest() throws Exception {
        mock.setFaults("gate");
        TestSupport.Running run = chat("--bot", "echo", "abcdef").start();
        assertTrue(run.awaitOut("abc"), "the first delta arrived before the server sent the rest: " + run.err());
        assertFalse(run.out().contains("def"));
        mock.gate.release();
        TestSupport.Result r = run.finish();
        assertEquals("abcdef\n", r.out);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void ctrlCCancelsOnTheServerAndExits130(Dialect d) throws Exception {
        speak(d);
        mock.setFaults("gate");
        TestSupport.Running run = chat("--bot", mock.botId("echo"), "abcdef").start();
        assertTrue(run.awaitOut("abc"));
        new ProcessBuilder("kill", "-INT", String.valueOf(run.process.pid())).start().waitFor();
        TestSupport.Result r = run.finish();
        mock.gate.release();
        assertEquals(130, r.exit, r.toString());
        assertEquals("abc\n", r.out, "what arrived is flushed");
        assertEquals(1, mock.count("canceled"), "the chat was cancelled on the server");
    }

    @Test
    void replAtATerminalHoldsAConversationAndCtrlCStopsOnlyTheAnswer() throws Exception {
        TestSupport.Running repl = chat("--bot", "echo").env("NO_COLOR", "1").inTerminal().start();
        assertTrue(repl.awaitOut("you> "), "the REPL prompts: " + repl.out());
        repl.type("first question\n");
        assertTrue(repl.awaitOut("first question\nconversation "), "the answer, then the conversation: " + repl.out());
        repl.type("second question\n");
        assertTrue(repl.awaitOut("second question\nconversation "), repl.out());
        java.util.List<String> ids = java.util.regex.Pattern.compile("conversation (\\S+)").matcher(repl.out())
                .results().map(m -> m.group(1)).toList();
        assertEquals(2, ids.size(), repl.out());
        assertEquals(ids.get(0), ids.get(1), "the second turn continued the first one's conversation");

        mock.setFaults("gate");
        repl.type("abcdef\n");
        assertTrue(repl.awaitOut("abcdef\nabc"), "the terminal's echo, then the first delta: " + repl.out());
        repl.type("\u0003");
        assertTrue(repl.awaitOut("cancelled"), "Ctrl-C stopped the answer: " + repl.out());
        mock.gate.release();
        assertTrue(repl.awaitOut("cancelled (the chat was cancelled on Coze too)\nyou> "), "and the REPL goes on: " + repl.out());
        repl.type("/exit\n");
        TestSupport.Result r = repl.finish();
        assertEquals(0, r.exit, r.toString());
        assertFalse(TestSupport.screen(r.out).contains("abcdef\nabcdef"), "the rest of the cancelled answer never arrived");
        assertEquals(1, mock.count("canceled"), "the chat was cancelled on the server");
        assertEquals(3, mock.count("chat"));
    }

    @Test
    void expiredStoredLoginIsRefreshedTransparently() throws Exception {
        JsonObject t = mock.issueTokens("c.app.coze", Duration.ofSeconds(-5));
        new TokenStore(home, w -> {}).save(new TokenStore.Login("pkce", mock.baseUrl(), "c.app.coze",
                Json.str(t, "access_token"), Json.str(t, "refresh_token"), Json.num(t, "expires_in", 0), "u-1"));
        TestSupport.Result r = TestSupport.script(CozeChat.class, home, "--bot", "echo", "hi").api(mock).run();
        assertEquals(0, r.exit, r.toString());
        assertEquals("hi\n", r.out);
        assertEquals(1, mock.count("token.refresh_token"));
        assertNotEquals(Json.str(t, "access_token"), new TokenStore(home, w -> {}).load().accessToken());
    }

    @Test
    void rejectedTokenIsRefreshedOnceAndRetried() throws Exception {
        JsonObject t = mock.issueTokens("c.app.coze", Duration.ofHours(1));
        String rejected = "czs_not_issued_by_the_mock";
        new TokenStore(home, w -> {}).save(new TokenStore.Login("pkce", mock.baseUrl(), "c.app.coze", rejected,
                Json.str(t, "refresh_token"), Json.num(t, "expires_in", 0), "u-1"));
        TestSupport.Result r = TestSupport.script(CozeChat.class, home, "--bot", "echo", "hi").api(mock).run();
        assertEquals(0, r.exit, r.toString());
        assertEquals(1, mock.count("token.refresh_token"));
    }

    /** Every kind of call, not only a chat's stream, gets one fresh token after Coze rejects the stored one. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"--list-workspaces", "--list-bots", "--no-stream --bot echo hi", "-a FILE --bot echo hi", "workflow echo"})
    void everyKindOfCallIsRetriedOnceWithAFreshToken(String command) throws Exception {
        JsonObject t = mock.issueTokens("c.app.coze", Duration.ofHours(1));
        new TokenStore(home, w -> {}).save(new TokenStore.Login("pkce", mock.baseUrl(), "c.app.coze", "czs_not_issued_by_the_mock",
                Json.str(t, "refresh_token"), Json.num(t, "expires_in", 0), "u-1"));
        Path file = Files.writeString(home.resolve("note.txt"), "an attachment");
        String[] args = command.replace("FILE", file.toString()).split(" ");
        TestSupport.Result r = args[0].equals("workflow")
                ? TestSupport.script(CozeWorkflow.class, home, java.util.Arrays.copyOfRange(args, 1, args.length)).api(mock).run()
                : TestSupport.script(CozeChat.class, home, args).api(mock).run();
        assertEquals(0, r.exit, r.toString());
        assertFalse(r.out.isEmpty(), r.toString());
        assertEquals(1, mock.count("token.refresh_token"));
    }

    /** A token the site refuses: the cloud's HTTP 401 with 4101, Studio's HTTP 200 with 700012006; both are exit 4 with the site's code. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void aTokenTheSiteRefusesIsExitFour(Dialect d) throws Exception {
        speak(d);
        TestSupport.Result r = TestSupport.script(CozeChat.class, home, "--bot", mock.botId("echo"), "hi").api(mock).env("COZE_API_TOKEN", "pat_SENTINEL_REFUSED").run();
        assertFails(r, 4, d == Dialect.CLOUD ? "4101" : "700012006");
        assertTrue(r.err.contains(d == Dialect.CLOUD ? "The token you entered is incorrect" : "authentication failed"), "the site's own words: " + r.err);
        assertFalse(r.err.contains("SENTINEL"), "never the token: " + r.err);
        assertEquals("", r.out);
    }

    /**
     * A bot the site will not run: the cloud answers 4200; Studio starts the stream and sends one
     * `error` event, or without a stream answers HTTP 400, its message a Go error with its stack.
     * Each is one line, with what to do.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void aBotTheSiteWillNotRunIsOneLineThatSaysWhy(Dialect d) throws Exception {
        speak(d);
        for (List<String> way : List.of(List.<String>of(), List.of("--no-stream"))) {
            List<String> args = new java.util.ArrayList<>(List.of("--bot", "7501000000000000999", "hi"));
            args.addAll(way);
            TestSupport.Result r = chat(args.toArray(String[]::new)).run();
            assertFails(r, 1, d == Dialect.CLOUD ? "not found, or not published to the API channel" : "agent not published, agentID=7501000000000000999");
            assertTrue(r.err.contains("publish it to the API channel") || r.err.contains("publish the bot to the API channel"), way + ": " + r.err);
            assertFalse(r.err.contains("stack=") || r.err.contains("goroutine"), "Studio's stack is not for the user: " + r.err);
            assertEquals("", r.out);
        }
    }

    @Test
    void notLoggedInSaysHowToLogIn() throws Exception {
        TestSupport.Result r = TestSupport.script(CozeChat.class, home, "--bot", "echo", "hi").api(mock).run();
        assertFails(r, 4, "run coze-login");
    }

    @Test
    void noSecretReachesOutputEvenWithDebug() throws Exception {
        TestSupport.Result r = chat("--debug", "--bot", "echo", "hi").run();
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.err.contains("debug: > POST"), r.err);
        assertFalse((r.out + r.err).contains(TestSupport.PAT));
        assertFalse((r.out + r.err).contains("SENTINEL"));
    }

    @Test
    void aTokenWithControlCharactersIsRefusedWithoutEchoingIt() throws Exception {
        String bad = "pat_SENTINEL_BAD\u0001TOKEN";
        TestSupport.Result r = TestSupport.script(CozeChat.class, home, "--bot", "echo", "hi").api(mock).env("COZE_API_TOKEN", bad).run();
        assertFails(r, 4, "control characters");
        assertFalse(r.err.contains("SENTINEL"), r.err);
    }

    /**
     * JBang's //CDS archives what the first run loads. A first run that only prints the version must
     * still give an archive that a chat's HTTP, TLS, SSE and JSON classes come from, and print nothing more.
     */
    @Test
    void aClassArchiveMadeByAVersionRunServesAChat() throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("coze-cds"), archive = dir.resolve("CozeChat.jsa"), loaded = dir.resolve("loaded.log");
        TestSupport.Result first = chat("--version").jvm("-XX:ArchiveClassesAtExit=" + archive).run();
        assertEquals(0, first.exit, first.toString());
        assertEquals("coze-chat " + CozeConfig.VERSION + " (coze-jbang)\n", first.out);
        assertEquals("", first.err);
        TestSupport.Result later = chat("--bot", "echo", "hi").jvm("-XX:SharedArchiveFile=" + archive,
                "-Xlog:class+load=info:file=" + loaded).run();
        assertEquals("hi\n", later.out, later.toString());
        java.util.Set<String> archived = TestSupport.fromArchive(loaded);
        for (String cls : List.of("jdk.internal.net.http.HttpClientImpl", "jdk.internal.net.http.Http1Response", SseParser.class.getName(),
                ChatStream.class.getName(), "com.google.gson.stream.JsonReader"))
            assertTrue(archived.contains(cls), cls + " did not come from the archive");
        // Coze is HTTPS: the rehearsal's whole TLS 1.3 handshake is archived, up to the server's Finished.
        String listed = chat("--version").jvm("-XX:SharedArchiveFile=" + archive, "-XX:+PrintSharedArchiveAndExit").run().out;
        for (String cls : List.of("sun.security.ssl.ServerHello", "sun.security.ssl.CertificateVerify", "sun.security.ssl.Finished$T13FinishedConsumer"))
            assertTrue(listed.contains(" " + cls + " "), cls + " is not in the archive");
    }

    @Test
    void helpAndUsageErrors() throws Exception {
        TestSupport.Result help = chat("--help").run();
        assertEquals(0, help.exit);
        assertTrue(help.out.contains("Usage: coze-chat"));
        assertEquals(2, chat("--bogus").run().exit);
        TestSupport.Result noBot = TestSupport.script(CozeChat.class, home, "hi").api(mock).pat().run();
        assertFails(noBot, 2, "COZE_BOT_ID");
    }
}
