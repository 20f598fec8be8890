package lib.mcp;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.util.List;

/** The MCP server on stdin and stdout (the protocol only: every diagnostic goes to stderr), until the client closes stdin. */
public final class McpServe {
    private McpServe() {}

    public static void serve(Requests requests, List<SyncToolSpecification> tools, String version) throws InterruptedException {
        // stdout as the file it is: CozeCli's console-encoding PrintStream would re-encode the SDK's UTF-8.
        StdioServerTransportProvider transport = new StdioServerTransportProvider(McpJsonDefaults.getMapper(), requests,
                new FileOutputStream(FileDescriptor.out));
        McpSyncServer server = McpServer.sync(transport).serverInfo("coze-mcp", version)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .instructions("Coze bots and workflows as tools: list the bots, chat with one (continue with conversation_id), "
                        + "run a workflow and answer its questions.")
                .tools(tools).build();
        requests.awaitEnd();
        server.closeGracefully();
    }
}
