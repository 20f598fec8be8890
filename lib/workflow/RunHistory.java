package lib.workflow;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lib.core.CozeException;
import lib.core.Json;
import lib.core.Urls;
import lib.core.Waiting;
import lib.http.CozeHttp;

/**
 * An asynchronous run (`/v1/workflow/run` with `is_async`) and what Coze keeps of it:
 * `GET /v1/workflows/{workflow_id}/run_histories/{execute_id}` answers `data:[one history]` whose
 * `execute_status` is Running, Success or Fail, with the output, the error and, at an interrupt,
 * `interrupt_data` (docs/workflow_history). A Coze Studio keeps it at
 * `GET /v1/workflow/get_run_history?workflow_id=…&execute_id=…` instead, the same `data:[one history]`
 * with the error in `error_msg` and no interrupt or node details (workflow.thrift, WorkflowExecuteHistory).
 */
public record RunHistory(String status, String output, String errorCode, String errorMessage, String debugUrl,
        Waiting.Resume waiting, List<String> unfinishedNodes, JsonObject raw) {
    public static final String RUNNING = "Running", SUCCESS = "Success", FAIL = "Fail";

    /** Starts the run and returns Coze's answer at once: `execute_id` and `debug_url` next to `code`. */
    public static JsonObject start(CozeHttp http, JsonObject runBody) {
        JsonObject body = runBody.deepCopy();
        body.addProperty("is_async", true);
        JsonObject reply = http.call("POST", "/v1/workflow/run", body);
        if (Json.str(reply, "execute_id") == null) throw new CozeException(CozeException.FAILED, "Coze started the run but gave no execute id");
        return reply;
    }

    /** studio: the login's site is a Coze Studio, which has its own route for this. */
    public static RunHistory fetch(CozeHttp http, boolean studio, String workflowId, String executeId) {
        String path = studio ? "/v1/workflow/get_run_history?workflow_id=" + Urls.encode(workflowId) + "&execute_id=" + Urls.encode(executeId)
                : "/v1/workflows/" + Urls.encode(workflowId) + "/run_histories/" + Urls.encode(executeId);
        JsonElement data = http.api("GET", path, null);
        if (!data.isJsonArray() || data.getAsJsonArray().isEmpty() || !data.getAsJsonArray().get(0).isJsonObject())
            throw new CozeException(CozeException.FAILED, "Coze has no run " + executeId + " of workflow " + workflowId);
        return of(workflowId, data.getAsJsonArray().get(0).getAsJsonObject());
    }

    static RunHistory of(String workflowId, JsonObject h) {
        JsonObject interrupt = Json.obj(h, "interrupt_data");
        String eventId = Json.str(interrupt, "event_id");
        Waiting.Resume waiting = eventId == null || eventId.isEmpty() ? null : new Waiting.Resume(workflowId, eventId, (int) Json.num(interrupt, "type", 2));
        List<String> unfinished = new ArrayList<>();
        JsonObject nodes = Json.obj(h, "node_execute_status");
        if (nodes != null)
            for (Map.Entry<String, JsonElement> n : nodes.entrySet())
                if (n.getValue().isJsonObject() && !"true".equals(Json.str(n.getValue().getAsJsonObject(), "is_finish"))) unfinished.add(n.getKey());
        return new RunHistory(String.valueOf(Json.str(h, "execute_status")), Json.str(h, "output"), Json.str(h, "error_code"),
                Json.str(h, h.has("error_message") ? "error_message" : "error_msg"), Json.str(h, "debug_url"), waiting, unfinished, h);
    }

    /** Still going: neither ended nor waiting for an answer. */
    public boolean running() {
        return !status.equals(SUCCESS) && !status.equals(FAIL) && waiting == null;
    }

    /** A failed run as the error it is: Coze's message, and the node that did not finish where Coze names one. */
    public CozeException failure() {
        String why = errorMessage == null || errorMessage.isBlank() ? "no reason given" : errorMessage;
        String at = unfinishedNodes.isEmpty() ? "" : " at node " + String.join(", ", unfinishedNodes);
        String code = errorCode == null || errorCode.isBlank() || errorCode.equals("0") ? "" : " (" + errorCode + ")";
        return new CozeException(CozeException.FAILED, "the workflow failed" + at + ": " + why + code,
                debugUrl == null ? null : "its trace: " + debugUrl);
    }

    /** Polls until the run is no longer running, waiting 0.5 s at first and then longer, up to 10 s, between reads. */
    public static RunHistory await(CozeHttp http, boolean studio, String workflowId, String executeId, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        long pause = 500;
        while (true) {
            RunHistory h = fetch(http, studio, workflowId, executeId);
            if (!h.running()) return h;
            if (System.nanoTime() + pause * 1_000_000 > deadline)
                throw new CozeException(CozeException.NETWORK, "the run is still going after " + limit.toSeconds() + " s",
                        "wait longer with --idle-timeout, or ask again later with coze-workflow status");
            Thread.sleep(pause);
            pause = Math.min(10_000, pause * 3 / 2);
        }
    }
}
