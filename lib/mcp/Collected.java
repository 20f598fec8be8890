package lib.mcp;

import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import lib.chat.ChatOutput;
import lib.chat.ChatStream;
import lib.workflow.WorkflowRun;

/**
 * A chat's answer or a workflow's messages gathered for one tool result, with
 * `notifications/progress` (the characters so far) while they come, when the client sent a
 * progress token; at most one every PERIOD_NANOS, so a long answer is not a notification per token.
 */
final class Collected implements ChatOutput, WorkflowRun.Events {
    private static final long PERIOD_NANOS = 200_000_000L;
    private final StringBuilder text = new StringBuilder();
    private final McpSyncServerExchange exchange;
    private final Object progressToken;
    private long lastSent;

    Collected(McpSyncServerExchange exchange, Object progressToken) {
        this.exchange = exchange;
        this.progressToken = progressToken;
    }

    /** What came, without the line end the last node left. */
    String text() {
        return text.toString().stripTrailing();
    }

    @Override
    public void answer(String delta) {
        text.append(delta);
        progress();
    }

    @Override
    public void message(String content, boolean nodeFinished) {
        if (content == null) return;
        text.append(content);
        if (nodeFinished && text.length() > 0 && text.charAt(text.length() - 1) != '\n') text.append('\n');
        progress();
    }

    @Override
    public void finished(ChatStream.Result result) {}

    private void progress() {
        long now = System.nanoTime();
        if (progressToken == null || now - lastSent < PERIOD_NANOS && lastSent != 0) return;
        lastSent = now;
        exchange.progressNotification(new McpSchema.ProgressNotification(progressToken, text.length(), null,
                text.length() + " characters so far"));
    }
}
