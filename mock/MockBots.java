package mock;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lib.core.Json;

/**
 * coze-mock's bots: the built-in ones and those scripted in a `--bots` file, each in one of two
 * workspaces (personal and a team's).
 */
public final class MockBots {
    public static final String PERSONAL = "7000000000000000001", TEAM = "7000000000000000002";
    /** The team's bots, enough for two pages of a bot list. */
    public static final int TEAM_BOTS = 25;
    /** A bot template (an agent) that coze-mock can duplicate into a workspace. */
    public static final String TEMPLATE = "7418160152504827942";

    private MockBots() {}

    /** A bot: answers are lists of delta pieces; null answers mean "echo the user's text". */
    static final class Bot {
        final String id, name, workspace;
        final boolean published;
        final List<List<String>> answers;
        final List<String> reasoning;
        final List<String> followUps;
        final MockFaults faults;

        Bot(String id, String name, String workspace, boolean published, List<List<String>> answers, List<String> reasoning,
            List<String> followUps, MockFaults faults) {
            this.id = id;
            this.name = name;
            this.workspace = workspace;
            this.published = published;
            this.answers = answers;
            this.reasoning = reasoning;
            this.followUps = followUps;
            this.faults = faults;
        }
    }

    /** The bots every mock has: echo, reasoner and multi in the personal workspace, and the team's echo bots. */
    static void builtIn(Map<String, Bot> bots) {
        bots.put("echo", new Bot("echo", "Echo", PERSONAL, true, null, null, List.of(), new MockFaults()));
        bots.put("reasoner", new Bot("reasoner", "Reasoner", PERSONAL, true, List.of(List.of("The answer", " is ", "42.")),
                List.of("Let me think", " about it."), List.of("Why 42?", "What is the question?"), new MockFaults()));
        bots.put("multi", new Bot("multi", "Multi", PERSONAL, true, List.of(List.of("First", " answer."), List.of("Second", " answer.")),
                null, List.of(), new MockFaults()));
        for (int i = 1; i <= TEAM_BOTS; i++) {
            String id = String.valueOf(7_300_000_000_000_000_000L + i);
            bots.put(id, new Bot(id, "Team bot " + i, TEAM, i % 5 != 0, null, null, List.of(), new MockFaults()));
        }
    }

    /**
     * `{"bots":[{"id":"...","name":"...","answers":[["He","llo"]],"reasoning":[...],"follow_ups":[...],"faults":["drip=50"],
     * "workspace":"7000000000000000002","published":false}]}`; the workspace defaults to the personal one.
     */
    static void load(String text, Map<String, Bot> bots) {
        try {
            loadBots(text, bots);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) { // not JSON, or not this shape
            throw new IllegalArgumentException("expected {\"bots\":[{\"id\":\"…\",\"answers\":[[\"He\",\"llo\"]]}]} (" + e.getMessage() + ")", e);
        }
    }

    private static void loadBots(String text, Map<String, Bot> bots) {
        JsonObject root = Json.object(text);
        if (!root.has("bots") || !root.get("bots").isJsonArray()) throw new IllegalArgumentException("it has no \"bots\" list");
        for (JsonElement e : root.getAsJsonArray("bots")) {
            JsonObject b = e.getAsJsonObject();
            String id = Json.str(b, "id");
            if (id == null || id.isBlank()) throw new IllegalArgumentException("every bot needs an id");
            List<List<String>> answers = null;
            if (b.has("answers")) {
                answers = new ArrayList<>();
                for (JsonElement a : b.getAsJsonArray("answers")) answers.add(strings(a));
            }
            String workspace = Json.str(b, "workspace");
            boolean published = !b.has("published") || b.get("published").getAsBoolean();
            bots.put(id, new Bot(id, Json.str(b, "name"), workspace == null ? PERSONAL : workspace, published, answers,
                    b.has("reasoning") ? strings(b.get("reasoning")) : null,
                    b.has("follow_ups") ? strings(b.get("follow_ups")) : List.of(),
                    MockFaults.parse(b.has("faults") ? strings(b.get("faults")) : List.of())));
        }
    }

    private static List<String> strings(JsonElement e) {
        List<String> out = new ArrayList<>();
        for (JsonElement s : e.getAsJsonArray()) out.add(s.getAsString());
        return out;
    }
}
