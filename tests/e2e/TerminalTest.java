import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import lib.core.Json;
import mock.MockBots;
import lib.core.Terminal;
import mock.MockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * coze-chat as a person at a terminal and a shell script see it: the REPL's line editing, history
 * and paste (on a pseudo-terminal), rendering and its absence, and pipes that close early.
 */
@ExtendWith(MockHome.class)
class TerminalTest {
    MockServer mock;
    Path home;

    TestSupport.Script chat(String... args) {
        return TestSupport.script(CozeChat.class, home, args).api(mock).pat();
    }

    /** What a shell pipeline reports: stdout through `head`, and coze-chat's own exit code on stderr. */
    TestSupport.Result throughHead(String head, String... args) throws Exception {
        return chat(args).under("bash", "-c", "\"$@\" | " + head + "; echo \"exit ${PIPESTATUS[0]}\" >&2", "sh").run();
    }

    @Test
    void aClosedPipeStopsTheStreamAndCancelsTheChat() throws Exception {
        mock.setFaults("deltas=2000", "drip=5");
        TestSupport.Result text = throughHead("head -c 5", "--bot", "echo", "count");
        assertEquals("tok0 ", text.out, "head got its five bytes");
        assertTrue(text.err.contains("exit 141"), "a pipe writer's exit code: " + text.err);
        assertFalse(text.err.contains("error"), "a reader that leaves is no error: " + text.err);
        assertEquals(1, mock.count("canceled"), "the bot stopped writing too: the chat was cancelled on Coze");

        TestSupport.Result json = throughHead("head -n 2", "--json", "--bot", "echo", "count");
        assertEquals(2, json.out.lines().count(), json.out);
        assertTrue(json.err.contains("exit 141"), json.err);
        assertEquals(2, mock.count("canceled"));
    }

    /** A reader that leaves after the chat is over on Coze: nothing left to cancel, and nothing said about it. */
    @Test
    void aFinishedChatNeedsNoCancelAndNoNote() throws Exception {
        // One answer bigger than a pipe holds and a reader that comes late: Coze has finished the chat when the write fails.
        mock.stop();
        MockServer.Config c = new MockServer.Config();
        c.pats.add(TestSupport.PAT);
        c.scriptedBots = "{\"bots\":[{\"id\":\"big\",\"answers\":[[\"" + "x".repeat(200_000) + "\"]]}]}";
        mock = MockServer.start(c);
        TestSupport.Result text = chat("--bot", "big", "hi")
                .under("bash", "-c", "\"$@\" | (sleep 2; head -c 10); echo \"exit ${PIPESTATUS[0]}\" >&2", "sh").run();
        assertEquals("xxxxxxxxxx", text.out);
        assertTrue(text.err.contains("exit 141"), text.err);
        assertEquals(1, mock.count("cancel"), "coze-chat asked");
        assertEquals(0, mock.count("canceled"), "Coze had nothing left to cancel");
        assertFalse(text.err.contains("cancel"), "and nothing is said about it: " + text.err);
    }

    /** The REPL's small things: a banner and /help within 80 columns and aligned, /bot alone explained, a plugin's typed output kept out of the history, a block one entry. */
    @Test
    void theReplsBannerHelpAndHistoryAreTidy() throws Exception {
        TestSupport.Running repl = chat("--bot", "plugins").env("NO_COLOR", "1").inTerminal().start();
        assertTrue(repl.awaitOut("you> "), repl.out());
        for (String line : repl.screen().lines().toList()) assertTrue(line.length() <= 80, "fits 80 columns: " + line);
        repl.type("/help\r");
        assertTrue(repl.awaitOut("/attach FILE  send a file or link with your next message"), repl.screen());
        assertTrue(repl.awaitOut("/1 /2 …       send a suggested follow-up"), "one column for every command: " + repl.screen());
        repl.type("/bot\r");
        assertTrue(repl.awaitOut("(/bot NAME: a bot's id or name; /bots lists them)"), repl.screen());
        repl.type("lookup\r");
        assertTrue(repl.awaitOut("output of lookup {\"n\":0}> "), repl.screen());
        repl.type("secret-output\r");
        assertTrue(repl.awaitOut("Plugins: secret-output"), repl.screen());
        repl.type("\"\"\"\r");
        assertTrue(repl.awaitOut("...> "), repl.screen());
        repl.type("lookup\r");
        repl.type("\"\"\"\r");
        assertTrue(repl.awaitOut("output of lookup {\"n\":0}> "), repl.screen());
        repl.type("x\r");
        repl.type("/exit\r");
        assertEquals(0, repl.finish().exit);
        String history = Files.readString(home.resolve("history"));
        assertFalse(history.contains("secret-output"), "a plugin's output is no input to recall: " + history);
        assertEquals(2, history.lines().filter(l -> l.endsWith(":lookup")).count(), "the typed line and the block, one entry each: " + history);
    }

    /** A Markdown table in the REPL: aligned columns on this terminal's 200, CJK two columns each; wider than the terminal, as written; /bots in columns. */
    @Test
    void theReplRendersTablesAndListsBotsInColumns() throws Exception {
        mock.stop();
        MockServer.Config c = new MockServer.Config();
        c.pats.add(TestSupport.PAT);
        c.scriptedBots = "{\"bots\":[{\"id\":\"7443000000000000001\",\"name\":\"旅行助手\"}]}";
        mock = MockServer.start(c);
        TestSupport.Running repl = chat("--bot", "echo").inTerminal().start();
        assertTrue(repl.awaitOut("you> "), repl.out());
        String wide = "x".repeat(120);
        repl.type("\u001b[200~| 城市 | days |\r|---|---:|\r| 北京 | 3 |\r| " + wide + " | 10 |\u001b[201~\r");
        assertTrue(repl.awaitOut("conversation "), repl.screen());
        String pad = " ".repeat(116);
        assertTrue(repl.screen().contains("城市" + pad + " │ days\n" + "─".repeat(121) + "┼" + "─".repeat(5) + "\n北京" + pad + " │    3\n" + wide + " │   10\n"),
                "aligned in the terminal's 200 columns, not a guess of 80: " + repl.screen());
        String tooWide = "| " + "y".repeat(210) + " | z |\n|---|---|\n| 1 | 2 |";
        repl.type("\u001b[200~" + tooWide.replace("\n", "\r") + "\u001b[201~\r");
        assertTrue(repl.awaitOut(tooWide + "\nconversation "), "wider than the terminal: as written: " + repl.screen());
        repl.type("/bots\r");
        assertTrue(repl.awaitOut("Team bot 25"), repl.screen());
        repl.type("/exit\r");
        TestSupport.Result r = repl.finish();
        assertEquals(0, r.exit, r.toString());
        String screen = TestSupport.screen(r.out);
        List<String> bots = screen.lines().filter(l -> l.endsWith("published") || l.endsWith("draft")).toList();
        assertTrue(bots.size() >= 29, screen);
        for (String bot : bots) {
            String[] words = bot.split(" {2,}");
            assertEquals(3, words.length, "name, id, published or draft: " + bot);
            assertEquals(16, Terminal.width(bot.substring(0, bot.lastIndexOf(" " + words[1]) + 1)), "the ids in one column, after the longest name and two spaces: " + bots);
            assertEquals(37, Terminal.width(bot.substring(0, bot.lastIndexOf(words[2]))), "and the states: " + bots);
        }
        assertTrue(bots.contains("旅行助手        7443000000000000001  published"), "a wide name counted as two columns a character: " + bots);
    }

    @Test
    void nativeIsattyTellsEachStreamApartWithoutProc() throws Exception {
        // The probe coze-chat asks where there is no /proc (JLine's native isatty), on a real terminal:
        // stdin piped, stdout the terminal, stderr a file.
        TestSupport.Result probed = TestSupport.script(TtyReport.class, home)
                .under("bash", "-c", "echo hi | \"$@\" 2>/dev/null", "sh").inTerminal().run();
        assertEquals("0=false 1=true 2=false", TestSupport.screen(probed.out).strip(), probed.toString());
    }

    /** One REPL session at a terminal: types each line, waits for its answer, leaves with /exit; what the screen showed. */
    String replSession(String... lines) throws Exception {
        TestSupport.Running repl = chat("--bot", "echo").env("NO_COLOR", "1").inTerminal().start();
        assertTrue(repl.awaitOut("you> "), repl.out());
        for (String line : lines) {
            repl.type(line + "\r");
            assertTrue(repl.awaitOut(line + "\nconversation "), repl.screen());
        }
        repl.type("/exit\r");
        TestSupport.Result r = repl.finish();
        assertEquals(0, r.exit, r.toString());
        assertFalse(r.out.contains("Exception") || r.out.contains("this is a bug"), r.out);
        return TestSupport.screen(r.out);
    }

    @Test
    void aHistoryFileThatCannotBeUsedIsSaidOnceAndTheChatGoesOn() throws Exception {
        Path history = Files.createDirectories(home).resolve("history");
        assertEquals(0, new ProcessBuilder("mkfifo", history.toString()).start().waitFor());
        String fifo = replSession("one");
        assertTrue(fifo.contains("warning: the input history is not kept in this session"), "a FIFO would hang the start: " + fifo);
        Files.delete(history);

        Path elsewhere = home.resolveSibling("elsewhere");
        Files.writeString(elsewhere, "");
        Files.createSymbolicLink(history, elsewhere);
        String link = replSession("two");
        assertTrue(link.contains("warning: the input history is not kept in this session"), link);
        assertEquals("", Files.readString(elsewhere), "nothing written through the link");
        Files.delete(history);

        Files.write(history, new byte[] {'1', ':', 'o', 'k', '\n', '2', ':', (byte) 0xff, (byte) 0xfe, '\n', 'x', '\n'});
        TestSupport.Running repl = chat("--bot", "echo").env("NO_COLOR", "1").inTerminal().start();
        assertTrue(repl.awaitOut("you> "), repl.out());
        assertTrue(repl.screen().contains("warning: skipped 2 unreadable lines of the input history"), repl.screen());
        repl.type("\u001b<\r"); // Alt-<: the oldest line, the one good line of the file
        assertTrue(repl.awaitOut("ok\nconversation "), repl.screen());
        // Every save now fails, as on a full disk: said once, not once per line.
        Files.delete(history);
        Files.createDirectory(history);
        repl.type("three\r");
        assertTrue(repl.awaitOut("three\nconversation "), repl.screen());
        repl.type("four\r");
        assertTrue(repl.awaitOut("four\nconversation "), repl.screen());
        repl.type("/exit\r");
        TestSupport.Result full = repl.finish();
        assertEquals(0, full.exit, full.toString());
        assertEquals(1, full.out.split("could not be saved", -1).length - 1, full.out);
        assertFalse(full.out.contains("Exception"), full.out);
    }

    @Test
    void noStdinKeepsALoopsInputForTheLoop() throws Exception {
        String loop = "while read -r q; do \"$@\" \"$q\"; done <<'EOF'\none\ntwo\nthree\nEOF\n";
        TestSupport.Result eaten = chat("-q", "--bot", "echo").under("bash", "-c", loop, "sh").run();
        assertEquals("two\nthree\n\none\n", eaten.out, "without -n the first chat reads the rest of the loop's input");
        TestSupport.Result kept = chat("-q", "-n", "--bot", "echo").under("bash", "-c", loop, "sh").run();
        assertEquals("one\ntwo\nthree\n", kept.out, kept.toString());
    }

    @Test
    void theReplEditsRemembersAcrossSessionsAndTakesAPasteAsOneMessage() throws Exception {
        TestSupport.Running first = chat("--bot", "echo").env("NO_COLOR", "1").inTerminal().start();
        assertTrue(first.awaitOut("you> "), first.out());
        first.type("helo\u001bODl\r"); // left arrow (as a terminal in keypad mode sends it), then the missing l
        assertTrue(first.awaitOut("hello\nconversation "), "edited before it was sent: " + first.screen());
        first.type("\u001b[200~line one\rline two\u001b[201~\r");
        assertTrue(first.awaitOut("line one\nline two\nconversation "), first.screen());
        first.type("/exit\r");
        assertEquals(0, first.finish().exit);
        assertEquals(2, mock.count("chat"), "the pasted block was one message, not two");
        Path history = home.resolve("history");
        assertTrue(Files.readString(history).contains("hello"), "typed lines are kept");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(history)));

        TestSupport.Running second = chat("--bot", "echo").env("NO_COLOR", "1").inTerminal().start();
        assertTrue(second.awaitOut("you> "), second.out());
        second.type("\u001b<\r"); // Alt-<: the oldest line of the history
        assertTrue(second.awaitOut("hello\nconversation "), "the history of the last session: " + second.screen());
        second.type("/exit\r");
        assertEquals(0, second.finish().exit);
        assertEquals(3, mock.count("chat"));
    }

    @Test
    void ctrlCClearsALineOrDropsABlockAndTabCompletesCommands() throws Exception {
        TestSupport.Running repl = chat("--bot", "echo").env("NO_COLOR", "1").inTerminal().start();
        assertTrue(repl.awaitOut("you> "), repl.out());
        repl.type("junk\u0003");
        assertTrue(repl.awaitOut("(Ctrl-D or /exit to leave)"), repl.screen());
        repl.type("ok\r");
        assertTrue(repl.awaitOut("ok\nconversation "), repl.screen());
        assertFalse(repl.screen().contains("junkok"), "Ctrl-C cleared the line");
        // Typed at the prompt, as a person would: a Ctrl-C typed ahead also flushes the terminal's input.
        assertTrue(repl.awaitScreenEnd("you> "), repl.screen());
        repl.type("\"\"\"\rfirst line\r");
        assertTrue(repl.awaitScreenEnd("...> "), repl.screen());
        repl.type("\u0003");
        assertTrue(repl.awaitOut("(the multi-line message was dropped; nothing was sent)"), repl.screen());
        assertTrue(repl.awaitScreenEnd("you> "), repl.screen());
        repl.type("/his\t\r");
        assertTrue(repl.awaitOut("you: ok\nbot: ok"), "Tab completed /history: " + repl.screen());
        repl.type("\u0004");
        assertEquals(0, repl.finish().exit, "Ctrl-D leaves");
        assertEquals(1, mock.count("chat"), "neither the cleared line nor the dropped block was sent");
    }

    @Test
    void theReplOffersFollowUpsAsSlashNumbersAndRefusesJson() throws Exception {
        TestSupport.Running repl = chat("--bot", "reasoner").env("NO_COLOR", "1").inTerminal().start();
        assertTrue(repl.awaitOut("you> "), repl.out());
        repl.type("why\r");
        assertTrue(repl.awaitOut("/1 Why 42?"), repl.screen());
        repl.type("/1\r");
        assertTrue(repl.awaitOut("you> Why 42?"), repl.screen());
        repl.type("/exit\r");
        TestSupport.Result r = repl.finish();
        assertFalse(r.out.contains("continue with -c") || r.out.contains("coze-chat -c"), "no -c inside the REPL: " + r.out);

        TestSupport.Result json = chat("--bot", "echo", "--json").env("NO_COLOR", "1").inTerminal().run();
        assertEquals(2, json.exit, json.toString());
        assertTrue(json.out.contains("--json is for scripts"), json.out);
    }

    @Test
    void aTerminalGetsRenderedMarkdownAndAPipeGetsTheBytes() throws Exception {
        String md = "# Title\nSome **bold** and `code`, 2 * 3.\n- item";
        TestSupport.Result screen = chat("--bot", "echo", md).inTerminal().run();
        assertEquals(0, screen.exit, screen.toString());
        assertTrue(screen.out.contains("\u001b[1mTitle"), "a bold heading without its #: " + screen.out);
        assertTrue(screen.out.contains("\u001b[1mbold") && screen.out.contains("\u001b[36mcode"), screen.out);
        assertTrue(TestSupport.screen(screen.out).contains("Some bold and code, 2 * 3.\n• item"), screen.out);

        TestSupport.Result raw = chat("--bot", "echo", "--raw", md).inTerminal().run();
        assertTrue(raw.out.contains("# Title\r\nSome **bold** and `code`, 2 * 3.\r\n- item"), "--raw: as sent: " + raw.out);
        assertFalse(raw.out.contains("\u001b[1m"), raw.out);
        TestSupport.Result noColor = chat("--bot", "echo", md).env("NO_COLOR", "1").inTerminal().run();
        assertTrue(noColor.out.contains("# Title\r\nSome **bold** and `code`, 2 * 3.\r\n- item"), "NO_COLOR: as sent: " + noColor.out);
        assertFalse(noColor.out.contains("\u001b"), "and no escape at all, on stdout or stderr: " + noColor.out);
        TestSupport.Result piped = chat("--bot", "echo", md).run();
        assertEquals(md + "\n", piped.out, "a pipe gets the bytes as sent");
        assertFalse(piped.err.contains("\u001b"), "and stderr no styling either: " + piped.err);
    }

    @Test
    void aSpinnerWaitsForTheFirstTokenOnATerminalOnly() throws Exception {
        mock.setFaults("delay=1500");
        TestSupport.Result screen = chat("--bot", "echo", "slow").inTerminal().run();
        assertTrue(screen.out.contains("waiting for the bot"), "the spinner ran: " + screen.out);
        assertTrue(screen.out.contains("\r\u001b[K" + "slow"), "and its line was wiped before the answer: " + screen.out);
        assertFalse(chat("--bot", "echo", "slow").env("NO_COLOR", "1").inTerminal().run().out.contains("waiting for the bot"));
        TestSupport.Result piped = chat("--bot", "echo", "slow").run();
        assertFalse(piped.err.contains("waiting"), piped.err);
    }

    @Test
    void reasoningIsDimAndOnItsOwnLineAtATerminal() throws Exception {
        TestSupport.Result r = chat("--bot", "reasoner", "--reasoning", "why").inTerminal().run();
        assertTrue(r.out.contains("\u001b[2mLet me think about it.\u001b[0m\r\n"), "dim, then a line break: " + r.out);
        assertTrue(TestSupport.screen(r.out).contains("Let me think about it.\nThe answer is 42."), r.out);
        assertTrue(r.out.contains("coze-chat -c 'Why 42?'"), "one-shot follow-ups are commands: " + r.out);
    }

    @Test
    void aHomeThrownAwayAfterTheCommandGetsNoContinueHint() throws Exception {
        TestSupport.Result r = chat("--bot", "reasoner", "why").env("COZE_NO_CONTINUE_HINTS", "true").run();
        assertTrue(r.err.contains("  Why 42?") && r.err.contains("conversation "), r.err);
        assertFalse(r.err.contains("-c"), "coze-mock exec throws the home away: " + r.err);
    }

    @Test
    void jsonReportsAFailureBeforeTheStreamAsJson() throws Exception {
        TestSupport.Result r = TestSupport.script(CozeChat.class, home, "--json", "--bot", "echo", "hi").api(mock).run();
        assertEquals(4, r.exit, r.toString());
        var error = Json.object(r.out.strip());
        assertEquals("error", Json.str(error, "event"));
        assertEquals(4, Json.num(error, "exit_code", 0));
        assertTrue(Json.str(error, "message").contains("not logged in"), r.out);
        assertTrue(r.err.contains("coze-chat: error: not logged in"), "stderr says it too: " + r.err);
    }

    @Test
    void aBadDurationIsOneLineNotTheWholeHelp() throws Exception {
        TestSupport.Result r = chat("--bot", "echo", "--idle-timeout", "soon", "hi").run();
        assertEquals(2, r.exit, r.toString());
        assertEquals(1, r.err.lines().count(), r.err);
        assertTrue(r.err.startsWith("coze-chat: error: ") && r.err.contains("'soon' is not a duration") && r.err.contains("--help"), r.err);
        TestSupport.Result typo = chat("--conversaton", "x", "hi").run();
        assertTrue(typo.err.contains("Possible solutions: --continue, --conversation"), "a typo still gets its suggestions: " + typo.err);
        assertFalse(typo.err.contains("Usage:"), typo.err);
    }

    /** A file of `mb` megabytes of text, for uploads worth a progress line. */
    Path bigFile(String name, int mb) throws Exception {
        return TestSupport.userFile(home, name, "x".repeat(mb * 1024 * 1024));
    }

    @Test
    void aLargeUploadShowsItsProgressAtATerminalAndClearsItBeforeTheAnswer() throws Exception {
        Path big = bigFile("big.txt", 8);
        TestSupport.Result r = chat("--bot", "echo", "-a", big.toString(), "what is in it").env("NO_COLOR", "1").inTerminal().run();
        assertEquals(0, r.exit, r.toString());
        int drawn = r.out.indexOf("uploading big.txt: ");
        assertTrue(drawn >= 0 && r.out.substring(drawn).matches("(?s)uploading big\\.txt: \\d+\\.\\d of 8\\.0 MB \\(\\d+%\\).*"), r.out);
        int cleared = r.out.lastIndexOf("\r\033[K");
        assertTrue(cleared > drawn, "the line is cleared after its last drawing");
        assertTrue(r.out.indexOf("what is in it", cleared) > cleared, "the answer comes after the cleared line: " + r.out);

        TestSupport.Result quiet = chat("-q", "--bot", "echo", "-a", big.toString(), "what is in it").env("NO_COLOR", "1").inTerminal().run();
        assertEquals(0, quiet.exit, quiet.toString());
        assertFalse(quiet.out.contains("uploading"), "--quiet draws no line: " + quiet.out);

        Path doc = bigFile("big.md", 5);
        TestSupport.Result k = TestSupport.script(CozeKnowledge.class, home, "create", "Docs", "--workspace", MockBots.PERSONAL).api(mock).pat().run();
        TestSupport.Result added = TestSupport.script(CozeKnowledge.class, home, "add", k.out.strip(), doc.toString()).api(mock).pat()
                .inTerminal().run();
        assertEquals(0, added.exit, added.toString());
        assertTrue(added.out.matches("(?s).*adding 1/1: big\\.md: \\d+\\.\\d of 5\\.0 MB \\(\\d+%\\).*"), added.out);
    }

    @Test
    void aLargeUploadToAPipeHasNoProgressLine() throws Exception {
        Path big = bigFile("big.txt", 8);
        TestSupport.Result r = chat("--bot", "echo", "-a", big.toString(), "what is in it").run();
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.err.contains("uploading big.txt (8 MB)…"), "the one line scripts always had: " + r.err);
        assertFalse(r.err.contains(" of 8.0 MB") || r.err.contains("\r") || r.err.contains("\033"), r.err);
        Path doc = bigFile("big.md", 5);
        TestSupport.Result k = TestSupport.script(CozeKnowledge.class, home, "create", "Docs", "--workspace", MockBots.PERSONAL).api(mock).pat().run();
        TestSupport.Result added = TestSupport.script(CozeKnowledge.class, home, "add", k.out.strip(), doc.toString()).api(mock).pat().run();
        assertEquals(0, added.exit, added.toString());
        assertFalse(added.err.contains(" of 5.0 MB") || added.err.contains("\r"), added.err);
    }
}
