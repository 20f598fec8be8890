import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lib.auth.TokenStore;
import lib.core.Json;
import mock.MockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** coze-mcp as an MCP client sees it: the official Java SDK's client drives the real script over stdio against coze-mock. */
@ExtendWith(MockHome.class)
class McpTest {
    MockServer mock;
    Path home;
    final List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
    StdioClientTransport transport;
    McpSyncClient client;

    /** Starts coze-mcp with `args` as a client would, and initializes. */
    McpSyncClient connect(TestSupport.Script script) {
        ServerParameters params = ServerParameters.builder(script.command.get(0))
                .args(script.command.subList(1, script.command.size())).env(script.env).build();
        transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
        client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60)).initializationTimeout(Duration.ofSeconds(60))
                .progressConsumer(progress::add).build();
        McpSchema.InitializeResult init = client.initialize();
        assertEquals("coze-mcp", init.serverInfo().name());
        return client;
    }

    TestSupport.Script mcp(String... args) {
        return TestSupport.script(CozeMcp.class, home, args).api(mock).pat();
    }

    @AfterEach
    void close() {
        if (client != null) client.closeGracefully();
    }

    static CallToolResult call(McpSyncClient c, String tool, Map<String, Object> args) {
        return c.callTool(new CallToolRequest(tool, args));
    }

    static String text(CallToolResult r) {
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> data(CallToolResult r) {
        return (Map<String, Object>) r.structuredContent();
    }

    @Test
    void theGenericToolsListChatAndRunWorkflows() throws Exception {
        McpSyncClient c = connect(mcp());
        List<String> names = c.listTools().tools().stream().map(McpSchema.Tool::name).toList();
        assertEquals(List.of("coze_chat", "coze_list_bots", "coze_resume_workflow", "coze_run_workflow"), names.stream().sorted().toList());
        McpSchema.Tool chat = c.listTools().tools().stream().filter(t -> t.name().equals("coze_chat")).findFirst().orElseThrow();
        assertEquals(List.of("bot", "message"), chat.inputSchema().get("required"), "the schema says what a call needs");

        CallToolResult bots = call(c, "coze_list_bots", Map.of());
        assertFalse(Boolean.TRUE.equals(bots.isError()), text(bots));
        assertTrue(text(bots).contains("echo\tEcho"), text(bots));
        assertTrue(text(call(c, "coze_list_bots", Map.of("workspace_id", "nope"))).startsWith("No bots"));

        CallToolResult answer = c.callTool(CallToolRequest.builder("coze_chat").arguments(Map.of("bot", "echo", "message", "hello 北京"))
                .progressToken("p-1").build());
        assertEquals("hello 北京", text(answer));
        String conversation = (String) data(answer).get("conversation_id");
        assertNotNull(conversation);
        assertNotNull(data(answer).get("chat_id"));
        assertTrue(data(answer).get("usage") instanceof Map, "usage: " + answer.structuredContent());
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (progress.isEmpty() && System.nanoTime() < end) Thread.sleep(20); // the client hands notifications on another thread
        assertFalse(progress.isEmpty(), "a progress token brings progress notifications");
        assertEquals("p-1", progress.get(0).progressToken());
        CallToolResult again = call(c, "coze_chat", Map.of("bot", "echo", "message", "more", "conversation_id", conversation));
        assertEquals(conversation, data(again).get("conversation_id"), "the conversation goes on");

        CallToolResult run = call(c, "coze_run_workflow", Map.of("workflow_id", "echo", "parameters", Map.of("input", "北京")));
        assertEquals("北京", text(run), run.toString());
        assertEquals("one\ntwo\nthree", text(call(c, "coze_run_workflow", Map.of("workflow_id", "multi"))));
    }

    @Test
    void aQuestionNodeIsAnsweredInASecondCall() {
        McpSyncClient c = connect(mcp());
        CallToolResult asked = call(c, "coze_chat", Map.of("bot", "question", "message", "weather?"));
        assertTrue(text(asked).startsWith("Which city do you mean?"), text(asked));
        String conversation = (String) data(asked).get("conversation_id");
        assertTrue(text(asked).contains("call coze_chat again") && text(asked).contains(conversation), text(asked));
        CallToolResult answered = call(c, "coze_chat", Map.of("bot", "question", "message", "Paris", "conversation_id", conversation));
        assertEquals("Thanks, Paris it is.", text(answered));
    }

    @Test
    void aWorkflowInterruptIsResumed() {
        McpSyncClient c = connect(mcp());
        CallToolResult asked = call(c, "coze_run_workflow", Map.of("workflow_id", "question"));
        assertTrue(text(asked).startsWith("Which city?"), text(asked));
        String eventId = (String) data(asked).get("event_id");
        assertNotNull(eventId, asked.toString());
        CallToolResult answered = call(c, "coze_resume_workflow", Map.of("workflow_id", "question", "event_id", eventId, "answer", "Beijing"));
        assertEquals("Weather in Beijing: sunny", text(answered));
        CallToolResult twice = call(c, "coze_resume_workflow", Map.of("workflow_id", "question", "event_id", eventId, "answer", "Paris"));
        assertTrue(twice.isError(), "an interrupt is answered once: " + twice);
        assertTrue(text(twice).startsWith("error: "), text(twice));
    }

    @Test
    void botAndWorkflowToolsAreNamedFromThemAndOnlyOffersJustThose() {
        McpSyncClient c = connect(mcp("--bot", "Question node", "--bot", "echo", "--workflow", "multi", "--only"));
        List<McpSchema.Tool> tools = c.listTools().tools();
        assertEquals(List.of("ask_echo", "ask_question_node", "run_workflow_multi"), tools.stream().map(McpSchema.Tool::name).sorted().toList());
        assertTrue(tools.stream().anyMatch(t -> t.description().startsWith("The Coze bot Question node.")), tools.toString());
        CallToolResult asked = call(c, "ask_question_node", Map.of("message", "weather?"));
        assertTrue(text(asked).contains("call ask_question_node again"), text(asked));
        assertEquals("hi", text(call(c, "ask_echo", Map.of("message", "hi"))));
        assertEquals("one\ntwo\nthree", text(call(c, "run_workflow_multi", Map.of())));
    }

    @Test
    void aClientsCancellationCancelsTheChatOnCoze() throws Exception {
        McpSyncClient c = connect(mcp());
        mock.setFaults("gate");
        // The SDK's client does not send notifications/cancelled itself: the request and the cancellation go out on its transport.
        transport.sendMessage(new McpSchema.JSONRPCRequest(McpSchema.JSONRPC_VERSION, "tools/call", "to-cancel",
                Map.of("name", "coze_chat", "arguments", Map.of("bot", "echo", "message", "abcdef"), "_meta", Map.of("progressToken", "p-c")))).block();
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (progress.stream().noneMatch(p -> "p-c".equals(p.progressToken())) && System.nanoTime() < end) Thread.sleep(20);
        assertTrue(progress.stream().anyMatch(p -> "p-c".equals(p.progressToken())), "the first delta arrived");
        transport.sendMessage(new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION, "notifications/cancelled",
                Map.of("requestId", "to-cancel", "reason", "the user stopped it"))).block();
        while (mock.count("canceled") == 0 && System.nanoTime() < end) Thread.sleep(20);
        mock.gate.release();
        assertEquals(1, mock.count("canceled"), "the chat was cancelled on the server");
        mock.setFaults();
        assertEquals("still here", text(call(c, "coze_chat", Map.of("bot", "echo", "message", "still here"))), "the server goes on");
    }

    @Test
    void anExpiredLoginRefreshesAndARevokedOneIsAToolErrorWhileTheServerGoesOn() throws Exception {
        JsonObject t = mock.issueTokens("c.app.coze", Duration.ofSeconds(-5));
        new TokenStore(home, w -> {}).save(new TokenStore.Login("pkce", mock.baseUrl(), "c.app.coze",
                Json.str(t, "access_token"), Json.str(t, "refresh_token"), Json.num(t, "expires_in", 0), "u-1"));
        McpSyncClient c = connect(TestSupport.script(CozeMcp.class, home).api(mock));
        assertEquals("hi", text(call(c, "coze_chat", Map.of("bot", "echo", "message", "hi"))));
        assertEquals(1, mock.count("token.refresh_token"), "the expired login was refreshed");

        new TokenStore(home, w -> {}).save(new TokenStore.Login("pkce", mock.baseUrl(), "c.app.coze",
                "czs_not_issued_by_the_mock", "rt_revoked", Json.num(t, "expires_in", 0), "u-1"));
        CallToolResult failed = call(c, "coze_chat", Map.of("bot", "echo", "message", "hi"));
        assertTrue(failed.isError(), failed.toString());
        assertTrue(text(failed).startsWith("error: ") && text(failed).contains("coze-login"), "the CLI's line: " + text(failed));
        assertEquals(4, c.listTools().tools().size(), "the server still answers");
        assertTrue(call(c, "coze_list_bots", Map.of()).isError());
    }

    @Test
    void stdoutCarriesOnlyTheProtocol() throws Exception {
        String init = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}\n";
        TestSupport.Running server = mcp().interactive().start();
        server.type(init);
        assertTrue(server.awaitOut("\"name\":\"coze-mcp\""), server.err());
        server.process.getOutputStream().close();
        TestSupport.Result r = server.finish();
        assertEquals(0, r.exit, r.toString());
        for (String line : r.out.strip().split("\n")) assertTrue(line.startsWith("{\"jsonrpc\":\"2.0\""), "only JSON-RPC on stdout: " + r);
        assertTrue(r.out.contains("\"name\":\"coze-mcp\""), r.toString());
        assertTrue(r.err.startsWith("coze-mcp: serving 4 tools"), "notes on stderr, and no logger's warnings: " + r.err);
    }
}
