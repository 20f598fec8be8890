package lib.workflow;

import com.google.gson.JsonObject;
import java.time.Duration;
import lib.core.ArchiveTraining;
import lib.http.Bearer;
import lib.http.CozeHttp;

/** coze-workflow's rehearsal for the class archive (see ArchiveTraining): one streamed run, shown nowhere. */
public final class WorkflowRehearsal {
    private WorkflowRehearsal() {}

    public static void run() {
        ArchiveTraining.ifArchiving("text/event-stream", RUN_STREAM, base -> new WorkflowRun(new CozeHttp(base, Bearer.of("training"), null), null)
                .run(WorkflowRun.RUN, new JsonObject(), (content, nodeFinished) -> { }, Duration.ofSeconds(10), Duration.ofSeconds(10)));
    }

    /** A short run in Coze's wire format (https://www.coze.cn/open/docs/developer_guides/workflow_stream_run). */
    private static final String RUN_STREAM = "id: 0\nevent: Message\n"
            + "data: {\"content\":\"ok\",\"node_is_finish\":true,\"node_title\":\"End\",\"node_seq_id\":\"0\"}\n\n"
            + "id: 1\nevent: Done\ndata: {}\n\n";
}
