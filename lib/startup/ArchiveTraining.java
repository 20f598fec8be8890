import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * JBang's //CDS archives the classes that a command's first run loads, and later runs map only
 * those. When that first run is `--help`, a typo or "not logged in", the archive lacks HTTP, TLS,
 * SSE and JSON, and every later run starts about 0.25 s slower (docs/PERFORMANCE.md). So in that
 * one archiving run the command also rehearses its usual exchange against a canned answer on a
 * loopback port. Never on other runs, never a request that leaves the machine, nothing printed.
 */
final class ArchiveTraining {
    private ArchiveTraining() {}

    /** coze-chat: one streamed turn, rendered to nowhere. */
    static void rehearseChat() {
        ifArchiving("text/event-stream", CHAT_STREAM, base -> {
            PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
            TextOutput out = new TextOutput(nowhere, nowhere, new TextOutput.Look(false, true, Style.NONE, Style.NONE), line -> { });
            ChatStream.Request req = new ChatStream.Request("training", null, "training", null, "training", "text", new JsonObject(),
                    Duration.ofSeconds(10), Duration.ofSeconds(10), id -> { });
            out.finished(new ChatStream(new CozeHttp(base, null), null).run(req, "training", null, out));
        });
    }

    /** coze-login and coze-refresh: one token refresh. */
    static void rehearseRefresh() {
        ifArchiving("application/json", "{\"access_token\":\"training\",\"refresh_token\":\"training\","
                + "\"expires_in\":900,\"token_type\":\"Bearer\"}",
                base -> new CozeOAuth(new CozeHttp(base, null)).refresh("training", "training"));
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

    /** When this JVM writes a class archive at exit: runs exercise(base) against a server answering `body` to every request. */
    private static void ifArchiving(String contentType, String body, Consumer<String> exercise) {
        if (!archivingAtExit()) return;
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpServer server = null;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().set("Content-Type", contentType);
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            });
            server.start();
            exercise.accept("http://127.0.0.1:" + server.getAddress().getPort());
        } catch (IOException | RuntimeException e) {
            // Best effort: the archive is only less complete, and the user's command has already run.
        } finally {
            if (server != null) server.stop(0);
        }
    }

    /** JBang's first run with //CDS passes -XX:ArchiveClassesAtExit; /proc has the whole command line, which ProcessHandle cuts. */
    private static boolean archivingAtExit() {
        Path linux = Path.of("/proc/self/cmdline");
        String command;
        try {
            command = Files.isReadable(linux) ? new String(Files.readAllBytes(linux), StandardCharsets.UTF_8)
                    : ProcessHandle.current().info().commandLine().orElse("");
        } catch (IOException e) {
            return false;
        }
        return command.contains("-XX:ArchiveClassesAtExit=");
    }
}
