package lib.workflow;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.List;
import lib.core.CozeException;
import lib.core.Params;

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
}
