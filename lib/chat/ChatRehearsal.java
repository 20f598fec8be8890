package lib.chat;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import lib.core.ArchiveTraining;
import lib.core.Style;
import lib.http.Bearer;
import lib.http.CozeHttp;

/** coze-chat's and coze-workflow's rehearsal for the class archive (see ArchiveTraining): one streamed turn, rendered to nowhere. */
public final class ChatRehearsal {
    private ChatRehearsal() {}

    public static void run() {
        ArchiveTraining.ifArchiving("text/event-stream", CHAT_STREAM, base -> {
            PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
            TextOutput out = new TextOutput(nowhere, nowhere, new TextOutput.Look(false, true, Style.NONE, Style.NONE, () -> 80), line -> { });
            ChatRequest req = new ChatRequest("training", null, "training", null, "training", "text", new JsonObject(),
                    Duration.ofSeconds(10), Duration.ofSeconds(10), id -> { });
            out.finished(new ChatStream(new CozeHttp(base, Bearer.of("training"), null), null).run(req, out));
        });
    }

    /** A short answer in Coze's wire format (https://www.coze.cn/open/docs/developer_guides/chat_v3). */
    private static final String CHAT_STREAM = "event:conversation.chat.created\n"
            + "data:{\"id\":\"1\",\"conversation_id\":\"2\",\"bot_id\":\"training\",\"status\":\"created\"}\n\n"
            + "event:conversation.chat.in_progress\n"
            + "data:{\"id\":\"1\",\"conversation_id\":\"2\",\"bot_id\":\"training\",\"status\":\"in_progress\"}\n\n"
            + "event:conversation.message.delta\n"
            + "data:{\"id\":\"3\",\"conversation_id\":\"2\",\"chat_id\":\"1\",\"role\":\"assistant\",\"type\":\"answer\","
            + "\"content\":\"ok\",\"content_type\":\"text\"}\n\n"
            + "event:conversation.message.completed\n"
            + "data:{\"id\":\"3\",\"conversation_id\":\"2\",\"chat_id\":\"1\",\"role\":\"assistant\",\"type\":\"answer\","
            + "\"content\":\"ok\",\"content_type\":\"text\"}\n\n"
            + "event:conversation.chat.completed\n"
            + "data:{\"id\":\"1\",\"conversation_id\":\"2\",\"status\":\"completed\",\"usage\":{\"token_count\":2,\"output_count\":1,\"input_count\":1}}\n\n"
            + "event:done\n"
            + "data:\"[DONE]\"\n\n";
}
