import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import lib.core.Json;
import mock.MockBots;
import mock.MockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** coze-chat --duplicate-template against coze-mock's templates: the copy is a draft bot in the workspace. */
@ExtendWith(MockHome.class)
class TemplateTest {
    MockServer mock;
    Path home;

    TestSupport.Script chat(String... args) {
        return TestSupport.script(CozeChat.class, home, args).api(mock).pat();
    }

    @Test
    void aCopyIsPrintedAsIdAndTypeAndListedAsADraft() throws Exception {
        TestSupport.Result r = chat("--duplicate-template", MockBots.TEMPLATE, "--workspace", MockBots.TEAM, "--name", "Trip planner").run();
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.out.matches("\\d+\tagent\n"), "the id and the type alone: " + r);
        String id = r.out.split("\t")[0];
        assertTrue(r.err.contains("copied into workspace " + MockBots.TEAM), r.err);
        TestSupport.Result bots = chat("--list-bots", "--workspace", MockBots.TEAM).run();
        assertTrue(bots.out.contains(id + "\tTrip planner\tdraft"), bots.toString());
    }

    @Test
    void jsonIsCozesObjectAndTheWorkspaceComesFromTheEnvironment() throws Exception {
        TestSupport.Result r = chat("--duplicate-template", MockBots.TEMPLATE, "--json").env("COZE_WORKSPACE_ID", MockBots.PERSONAL).run();
        assertEquals(0, r.exit, r.toString());
        assertEquals(1, r.out.lines().count(), r.out);
        JsonObject o = Json.object(r.out);
        assertTrue(Json.str(o, "entity_id").matches("\\d+"), r.out);
        assertEquals("agent", Json.str(o, "entity_type"));
        assertTrue(chat("--list-bots", "--workspace", MockBots.PERSONAL).run().out.contains(Json.str(o, "entity_id") + "\tTravel template\tdraft"),
                "without --name the copy has the template's name");
    }

    @Test
    void anUnknownTemplateIsCozesNotFound() throws Exception {
        TestSupport.Result r = chat("--duplicate-template", "123", "--workspace", MockBots.PERSONAL).run();
        assertEquals(1, r.exit, r.toString());
        assertEquals("", r.out);
        assertTrue(r.err.contains("template 123 does not exist") && r.err.contains("4200"), r.err);
        assertEquals(0, mock.count("templates.duplicate"));
    }

    @Test
    void withoutAWorkspaceNothingIsSent() throws Exception {
        TestSupport.Result r = chat("--duplicate-template", MockBots.TEMPLATE).run();
        assertEquals(2, r.exit, r.toString());
        assertEquals("", r.out);
        assertTrue(r.err.contains("no workspace") && r.err.contains("--workspace"), r.err);
        assertEquals(0, mock.count("templates.duplicate") + mock.count("error.4000"), "nothing was sent");
        TestSupport.Result foreign = chat("--duplicate-template", MockBots.TEMPLATE, "--workspace", "42").run();
        assertEquals(1, foreign.exit, foreign.toString());
        assertTrue(foreign.err.contains("not a workspace of yours"), foreign.err);
    }

    @Test
    void helpShowsTheOptionAndAnExample() throws Exception {
        TestSupport.Result help = chat("--help").run();
        assertEquals(0, help.exit, help.toString());
        assertTrue(help.out.contains("--duplicate-template=TEMPLATE_ID") && help.out.contains("--name=NAME")
                && help.out.contains("coze-chat --duplicate-template 7418... --workspace 7000..."), help.out);
    }

    @Test
    void theWordTemplateInAMessageIsSentAsTheMessage() throws Exception {
        TestSupport.Result r = chat("--bot", "echo", "tell", "me", "about", "a", "template").run();
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.out.contains("tell me about a template"), r.out);
        assertEquals(1, mock.count("chat"), r.toString());
        assertEquals(0, mock.count("templates.duplicate"));
        TestSupport.Result first = chat("--bot", "echo", "template", "duplicate", "this").run();
        assertEquals(0, first.exit, first.toString());
        assertTrue(first.out.contains("template duplicate this"), first.out);
    }
}
