package mock;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import lib.core.Json;

/**
 * Asynchronous workflow runs: `POST /v1/workflow/run` with `is_async:true` answers `execute_id` and
 * `debug_url` next to `code` at once; `GET /v1/workflows/{workflow_id}/run_histories/{execute_id}`
 * answers `data:[history]` (docs/workflow_history); a Coze Studio answers its own
 * `GET /v1/workflow/get_run_history` in its own shape (studioHistory). A run reads Running twice, then ends as its
 * workflow does: `echo` and `multi` Success with their output, `fail` Fail with the node that did
 * not finish, `question` waiting with `interrupt_data` that stream_resume answers.
 */
final class MockRunHistories {
    /** How many reads of a run's history say Running before it ends. */
    static final int READS_WHILE_RUNNING = 2;

    /** `eventId`: the interrupt a `question` run stops at, null for the others. */
    private record Run(String workflowId, String output, String eventId, long created, AtomicInteger reads) {}

    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private final MockState state;
    private final MockHttp http;
    private final MockWorkflows workflows;

    MockRunHistories(MockState state, MockHttp http, MockWorkflows workflows) {
        this.state = state;
        this.http = http;
        this.workflows = workflows;
    }

    /** A run `/v1/workflow/run` was asked for with is_async, of a known, published workflow. */
    void start(HttpExchange ex, String workflowId, String output) throws IOException {
        String executeId = String.valueOf(state.nextId());
        String eventId = workflowId.equals("question") ? workflows.awaitAnswer(workflowId) : null;
        runs.put(executeId, new Run(workflowId, output, eventId, Instant.now().getEpochSecond(), new AtomicInteger()));
        state.bump("workflow.async");
        JsonObject o = new JsonObject();
        o.addProperty("code", 0);
        o.addProperty("msg", "Success");
        o.addProperty("execute_id", executeId);
        o.addProperty("debug_url", state.baseUrl() + "/work_flow?execute_id=" + executeId + "&workflow_id=" + workflowId);
        http.json(ex, 200, o);
    }

    /** `GET /v1/workflows/{workflow_id}/run_histories/{execute_id}`. */
    void history(HttpExchange ex) throws IOException {
        String[] parts = ex.getRequestURI().getPath().split("/");
        String workflowId = parts[3], executeId = parts[5];
        Run run = runs.get(executeId);
        if (run == null || !run.workflowId.equals(workflowId)) {
            http.envelopeError(ex, 200, 4000, "invalid parameter: no run " + executeId + " of workflow " + workflowId);
            return;
        }
        state.bump("workflow.history");
        boolean over = run.reads.incrementAndGet() > READS_WHILE_RUNNING;
        JsonObject h = new JsonObject();
        h.addProperty("execute_id", executeId);
        h.addProperty("bot_id", "0");
        h.addProperty("connector_id", "1024");
        h.addProperty("connector_uid", "mock-user");
        h.addProperty("run_mode", 2);
        h.addProperty("logid", "mock" + executeId);
        h.addProperty("create_time", run.created);
        h.addProperty("update_time", Instant.now().getEpochSecond());
        h.addProperty("debug_url", state.baseUrl() + "/work_flow?execute_id=" + executeId + "&workflow_id=" + workflowId);
        h.addProperty("output", "");
        h.addProperty("error_code", "");
        h.addProperty("error_message", "");
        h.addProperty("execute_status", "Running");
        if (over) end(h, run);
        JsonArray data = new JsonArray();
        data.add(h);
        http.ok(ex, data);
    }

    /**
     * A Coze Studio's `GET /v1/workflow/get_run_history?workflow_id=…&execute_id=…` (workflow_service.go,
     * workflow.thrift): the run found by its execute id alone; `data:[WorkflowExecuteHistory]` whose
     * ids are numbers, whose error is `error_msg`, with no interrupt or node details, next to
     * `BaseResp` and no `code` (an optional field left unset). A question run reads as Running there.
     */
    void studioHistory(HttpExchange ex) throws IOException {
        String executeId = MockHttp.query(ex, "execute_id");
        Run run = executeId == null ? null : runs.get(executeId);
        if (run == null) {
            MockStudio.error(ex, state, 777777775, "Workflow operation failure: record not found");
            return;
        }
        state.bump("workflow.history");
        boolean over = run.reads.incrementAndGet() > READS_WHILE_RUNNING && !run.workflowId.equals("question");
        boolean failed = over && run.workflowId.equals("fail");
        JsonObject h = new JsonObject();
        h.addProperty("execute_id", Long.parseLong(executeId));
        h.addProperty("execute_status", !over ? "Running" : failed ? "Fail" : "Success");
        h.add("bot_id", JsonNull.INSTANCE);
        h.addProperty("connector_id", 1024);
        h.addProperty("connector_uid", "mock-user");
        h.addProperty("run_mode", 2);
        h.addProperty("log_id", "mock" + executeId);
        h.addProperty("create_time", run.created);
        h.addProperty("update_time", Instant.now().getEpochSecond());
        h.addProperty("debug_url", state.baseUrl() + "/work_flow?execute_id=" + executeId + "&workflow_id=" + run.workflowId);
        h.addProperty("input", "{}");
        h.addProperty("output", over && !failed ? run.output : "");
        h.addProperty("token", over ? 8 : 0);
        h.addProperty("cost", "0.00000");
        h.add("cost_unit", JsonNull.INSTANCE);
        h.add("ext", JsonNull.INSTANCE);
        h.addProperty("error_code", failed ? "720701013" : null);
        h.addProperty("error_msg", failed ? "the code node raised an error" : null);
        JsonArray data = new JsonArray();
        data.add(h);
        JsonObject o = new JsonObject();
        o.add("data", data);
        o.add("BaseResp", JsonNull.INSTANCE);
        http.json(ex, 200, o);
    }

    private void end(JsonObject h, Run run) {
        switch (run.workflowId) {
            case "fail" -> {
                h.addProperty("execute_status", "Fail");
                h.addProperty("error_code", "720701013");
                h.addProperty("error_message", "the code node raised an error");
                JsonObject nodes = new JsonObject();
                nodes.add("Start", node("100001", true));
                nodes.add("Code", node("154702", false));
                h.add("node_execute_status", nodes);
            }
            case "question" -> {
                JsonObject i = new JsonObject();
                i.addProperty("event_id", run.eventId);
                i.addProperty("type", 2);
                i.addProperty("data", "{\"content_type\":\"text\",\"content\":\"Which city?\"}");
                h.add("interrupt_data", i);
            }
            default -> {
                h.addProperty("execute_status", "Success");
                h.addProperty("output", run.output);
                JsonObject usage = new JsonObject();
                usage.addProperty("input_count", 5);
                usage.addProperty("output_count", 3);
                usage.addProperty("token_count", 8);
                h.add("usage", usage);
            }
        }
    }

    private static JsonObject node(String id, boolean finished) {
        JsonObject n = new JsonObject();
        n.addProperty("node_id", id);
        n.addProperty("is_finish", finished);
        n.addProperty("update_time", Instant.now().getEpochSecond());
        return n;
    }

    static boolean async(JsonObject req) {
        return "true".equals(Json.str(req, "is_async"));
    }
}
