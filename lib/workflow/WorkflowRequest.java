package lib.workflow;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import lib.core.CozeException;
import lib.core.Input;
import lib.core.Params;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** The bodies of a workflow run and of its resumption, as /v1/workflow/stream_run, run and stream_resume take them. */
public final class WorkflowRequest {
    private WorkflowRequest() {}

    /** A run with these parameters, on behalf of a bot or an app when one is given (null otherwise). */
    public static JsonObject run(String workflowId, JsonObject parameters, String botId, String appId) {
        JsonObject b = new JsonObject();
        b.addProperty("workflow_id", workflowId);
        b.add("parameters", parameters);
        if (botId != null) b.addProperty("bot_id", botId);
        if (appId != null) b.addProperty("app_id", appId);
        return b;
    }

    /** The answer to the interrupt `eventId` of an earlier run. */
    public static JsonObject resume(String workflowId, String eventId, String answer, int interruptType) {
        JsonObject b = new JsonObject();
        b.addProperty("workflow_id", workflowId);
        b.addProperty("event_id", eventId);
        b.addProperty("resume_data", answer);
        b.addProperty("interrupt_type", interruptType);
        return b;
    }

    /** `--input` (a JSON object's text, or null), then each `--param KEY=VALUE` over it. */
    public static JsonObject parameters(String input, List<String> params) {
        JsonObject p = new JsonObject();
        if (input != null) {
            JsonElement e = Params.value(input.strip());
            if (!e.isJsonObject()) throw new CozeException(CozeException.USAGE, "--input is not a JSON object", "e.g. --input '{\"city\":\"北京\"}'");
            p = e.getAsJsonObject();
        }
        for (var kv : Params.parse(params).entrySet()) p.add(kv.getKey(), kv.getValue());
        return p;
    }

    /** The options of a run's start node (a mixin): its parameters, and whose resources it runs with. */
    public static final class Start {
        @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE",
                description = "A parameter of the start node (repeatable); VALUE is taken as JSON when it is JSON (3, true, [1,2]), else as text.")
        List<String> params = new ArrayList<>();

        @Option(names = "--input", paramLabel = "JSON|-", description = "All parameters as a JSON object, or - to read it from stdin; --param adds to it.")
        String input;

        @ArgGroup
        Owner owner;

        /** A workflow that uses a bot's or an app's resources runs on its behalf. */
        static final class Owner {
            @Option(names = "--bot", paramLabel = "ID", description = "Run on behalf of this bot.")
            String bot;

            @Option(names = "--app", paramLabel = "ID", description = "Run on behalf of this app.")
            String app;
        }

        /** The run's body; reads stdin for `--input -`. */
        public JsonObject body(String workflowId) throws IOException {
            return run(workflowId, parameters(input == null ? null : input.equals("-") ? Input.stdin() : input, params),
                    owner == null ? null : owner.bot, owner == null ? null : owner.app);
        }
    }
}
