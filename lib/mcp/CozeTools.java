package lib.mcp;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import lib.chat.ChatSession;
import lib.chat.ChatStream;
import lib.chat.ConversationMemory;
import lib.chat.LocalTools;
import lib.chat.ToolCall;
import lib.chat.TurnNotes;
import lib.core.CozeException;
import lib.core.Os;
import lib.core.Terminal;
import lib.discover.Directory;
import lib.http.CozeHttp;
import lib.workflow.WorkflowRequest;
import lib.workflow.WorkflowRun;

/**
 * Coze as MCP tools: the bots, a chat turn, a workflow run and its resumption, and one tool per bot
 * or workflow the user named. A failure is a tool result with isError and the line coze-chat would
 * print (an expired login, a Coze error, a rate limit); the server goes on serving.
 */
public final class CozeTools {
    /** What every call shares: Coze as this login, who chats (asked per call: the login may come later), the waits, stderr. */
    /** memory: chat.json, or one for this server alone when the login keeps nothing on disk. */
    public record Context(CozeHttp http, String apiBase, Supplier<String> userId, ConversationMemory memory, Duration idleTimeout,
                          Duration stallTimeout, PrintWriter err) {}

    static final String LIST_BOTS = "coze_list_bots", CHAT = "coze_chat", RUN = "coze_run_workflow", RESUME = "coze_resume_workflow";
    /** The MCP tool-name rule: 1 to 64 of these characters. */
    private static final int MAX_NAME = 64;
    private static final Gson GSON = new Gson();

    private final Context ctx;
    private final Requests requests;
    private final Set<String> names = new HashSet<>(Set.of(LIST_BOTS, CHAT, RUN, RESUME));

    public CozeTools(Context ctx, Requests requests) {
        this.ctx = ctx;
        this.requests = requests;
    }

    /** The four tools every server offers. */
    public List<SyncToolSpecification> generic() {
        return List.of(
                tool(LIST_BOTS, "List the Coze bots this login can see, with id, name and description. Use an id or a name as `bot` of coze_chat.",
                        schema(prop("workspace_id", "string", "Only this workspace's bots (default: every workspace)."), List.of()),
                        c -> listBots(c.str("workspace_id"))),
                tool(CHAT, "Send a message to a Coze bot and return its answer. Give conversation_id (from an earlier result) to continue "
                        + "that conversation; without it a new one starts. When the bot asks a question instead of answering, call this "
                        + "tool again with the user's answer as message and the same conversation_id.",
                        schema(prop("bot", "string", "The bot's id, or its exact name (see coze_list_bots).")
                                + "," + prop("message", "string", "The message to the bot.")
                                + "," + prop("conversation_id", "string", "Continue this conversation (from an earlier result's structured content).")
                                + "," + prop("user_id", "string", "The user whose memory the bot uses (default: the login's user)."),
                                List.of("bot", "message")),
                        c -> chat(c, CHAT, c.required("bot"), c.required("message"), c.str("conversation_id"), c.str("user_id"))),
                tool(RUN, "Run a published Coze workflow and return its output. When the workflow stops at a question node, the result "
                        + "gives the question and an event_id: answer it with coze_resume_workflow.",
                        schema(prop("workflow_id", "string", "The workflow (the number in its editor's address).")
                                + ",\"parameters\":{\"type\":\"object\",\"description\":\"The start node's parameters by name, e.g. {\\\"city\\\":\\\"Paris\\\"}.\"}",
                                List.of("workflow_id")),
                        c -> runWorkflow(c, c.required("workflow_id"))),
                tool(RESUME, "Answer the question a workflow run stopped at (the event_id of a coze_run_workflow result) and return the rest of its output.",
                        schema(prop("workflow_id", "string", "The workflow that asked.")
                                + "," + prop("event_id", "string", "The event_id the earlier result gave.")
                                + "," + prop("answer", "string", "The answer to the question.")
                                + ",\"interrupt_type\":{\"type\":\"integer\",\"description\":\"The interrupt's type, as the earlier result gave it (default 2, a question node).\"}",
                                List.of("workflow_id", "event_id", "answer")),
                        c -> resume(c, c.required("workflow_id"), c.required("event_id"), c.required("answer"), c.integer("interrupt_type", 2))));
    }

    /** One tool per bot, named and described from the bot as Coze lists it (by id or by name); unknown ones by what was given. */
    public List<SyncToolSpecification> forBots(List<String> given) {
        if (given.isEmpty()) return List.of();
        List<Directory.Bot> known = knownBots();
        List<SyncToolSpecification> tools = new ArrayList<>();
        for (String value : given) {
            Directory.Bot bot = known.stream().filter(b -> value.equals(b.id())).findFirst()
                    .or(() -> known.stream().filter(b -> value.equalsIgnoreCase(b.name())).findFirst()).orElse(null);
            String id = bot == null ? value : bot.id(), label = bot == null ? value : bot.name();
            String name = unique("ask_" + sanitise(label), "ask_bot_" + sanitise(id));
            String about = bot != null && !bot.description().isBlank() ? bot.description() : "The Coze bot " + label + ".";
            tools.add(tool(name, about + " Sends it a message and returns its answer. Give conversation_id (from an earlier result) to "
                            + "continue; when the bot asks a question, call " + name + " again with the user's answer and that conversation_id.",
                    schema(prop("message", "string", "The message to the bot.")
                            + "," + prop("conversation_id", "string", "Continue this conversation (from an earlier result)."), List.of("message")),
                    c -> chat(c, name, id, c.required("message"), c.str("conversation_id"), null)));
        }
        return tools;
    }

    private List<Directory.Bot> knownBots() {
        try {
            return new Directory(ctx.http()).bots();
        } catch (CozeException e) {
            say("cannot list the bots (" + e.line() + "); their tools are named by what was given");
            return List.of();
        }
    }

    /** One tool per workflow; Coze's API does not name a workflow to its runner, so the tool is named by its id. */
    public List<SyncToolSpecification> forWorkflows(List<String> ids) {
        List<SyncToolSpecification> tools = new ArrayList<>();
        for (String id : ids) {
            String name = unique("run_workflow_" + sanitise(id), "run_workflow");
            tools.add(tool(name, "Runs the Coze workflow " + id + " and returns its output; a question it asks is answered with "
                            + RESUME + " (workflow_id " + id + ").",
                    schema("\"parameters\":{\"type\":\"object\",\"description\":\"The start node's parameters by name.\"}", List.of()),
                    c -> runWorkflow(c, id)));
        }
        return tools;
    }

    /** A name MCP clients accept: letters, digits, '_' and '-', at most 64; `fallback` when nothing of `wanted` is left (a Chinese name). */
    static String sanitise(String wanted) {
        String s = wanted.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]+", "_").replaceAll("^_+|_+$", "");
        return s.length() > MAX_NAME - 13 ? s.substring(0, MAX_NAME - 13) : s;
    }

    private String unique(String wanted, String fallback) {
        String base = wanted.endsWith("_") ? fallback : wanted;
        String name = base;
        for (int i = 2; !names.add(name); i++) name = base + "_" + i;
        return name;
    }

    // --- the calls

    private CallToolResult listBots(String workspace) {
        Directory dir = new Directory(ctx.http());
        List<Directory.Bot> bots = workspace == null ? dir.bots() : dir.bots(workspace);
        StringBuilder text = new StringBuilder();
        List<Map<String, Object>> items = new ArrayList<>();
        for (Directory.Bot b : bots) {
            text.append(b.id()).append('\t').append(b.name()).append(b.published() ? "" : " (draft)")
                    .append(b.description().isBlank() ? "" : ": " + b.description()).append('\n');
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("id", b.id());
            o.put("name", b.name());
            o.put("description", b.description());
            o.put("workspace_id", b.workspaceId());
            o.put("published", b.published());
            items.add(o);
        }
        return CallToolResult.builder().addTextContent(bots.isEmpty() ? "No bots." : text.toString().strip())
                .structuredContent(Map.of("bots", items)).build();
    }

    private CallToolResult chat(McpCall c, String toolName, String bot, String message, String conversationId, String userId) {
        ChatSession session = new ChatSession(ctx.http(), ctx.apiBase(), ctx.memory(),
                new ChatSession.Settings(userId != null ? userId : ctx.userId().get(), new JsonObject(), false, ctx.idleTimeout(),
                        ctx.stallTimeout(), 20), LocalTools.parse(List.of(), Os.current(), Duration.ofMinutes(1)), this::say, this::say, null);
        session.useBot(bot);
        if (conversationId != null) session.useConversation(conversationId);
        Collected out = new Collected(c.exchange(), c.progressToken());
        ChatStream.Result r;
        if (!requests.onCancel(c.requestId(), session::cancel)) return error("cancelled");
        try {
            r = session.turn(message, out, new TurnNotes(ctx.err(), null, false, true, true, Os.current()), null);
        } finally {
            requests.finished(c.requestId());
        }
        if (r.cancelled) return error("cancelled" + (r.cancelledOnCoze ? " (the chat was cancelled on Coze too)" : ""));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("conversation_id", r.conversationId);
        data.put("chat_id", r.chatId);
        if (r.usage() != null) data.put("usage", GSON.fromJson(r.usage(), Map.class));
        String text = out.text();
        if (r.waiting()) {
            ToolCall call = r.toolCalls.isEmpty() ? null : r.toolCalls.get(0);
            if (call != null && !call.isReply()) return error(call.waiting().line(null) + ", which coze-mcp cannot answer");
            data.put("waiting_for_answer", true);
            text += "\n\n(The bot asks this and waits: call " + toolName + " again with the user's answer as message and conversation_id \""
                    + r.conversationId + "\".)";
        }
        return CallToolResult.builder().addTextContent(text).structuredContent(data).build();
    }

    private CallToolResult runWorkflow(McpCall c, String workflowId) {
        JsonElement params = c.args().get("parameters");
        if (params != null && !params.isJsonObject()) throw new CozeException(CozeException.USAGE, "parameters must be an object");
        return workflow(c, WorkflowRun.RUN, WorkflowRequest.run(workflowId, params == null ? new JsonObject() : params.getAsJsonObject(), null, null));
    }

    private CallToolResult resume(McpCall c, String workflowId, String eventId, String answer, int interruptType) {
        return workflow(c, WorkflowRun.RESUME, WorkflowRequest.resume(workflowId, eventId, answer, interruptType));
    }

    private CallToolResult workflow(McpCall c, String path, JsonObject body) {
        WorkflowRun run = new WorkflowRun(ctx.http(), this::say);
        Collected out = new Collected(c.exchange(), c.progressToken());
        WorkflowRun.Outcome o;
        if (!requests.onCancel(c.requestId(), run::cancel)) return error("cancelled");
        try {
            o = run.run(path, body, out, ctx.idleTimeout(), ctx.stallTimeout());
        } finally {
            requests.finished(c.requestId());
        }
        if (o.cancelled()) return error("cancelled");
        Map<String, Object> data = new LinkedHashMap<>();
        String text = out.text();
        if (o.waiting() != null) {
            data.put("event_id", o.waiting().eventId());
            data.put("interrupt_type", o.waiting().interruptType());
            text += "\n\n(The workflow asks this and waits: call " + RESUME + " with workflow_id \"" + o.waiting().workflowId()
                    + "\", event_id \"" + o.waiting().eventId() + "\" and the user's answer.)";
        }
        if (o.debugUrl() != null) data.put("debug_url", o.debugUrl());
        return CallToolResult.builder().addTextContent(text).structuredContent(data).build();
    }

    // --- plumbing

    private SyncToolSpecification tool(String name, String description, String schema, Function<McpCall, CallToolResult> handler) {
        McpSchema.Tool tool = McpSchema.Tool.builder().name(name).description(description)
                .inputSchema(McpJsonDefaults.getMapper(), schema).build();
        return SyncToolSpecification.builder().tool(tool).callHandler((exchange, request) -> call(name, exchange, request, handler)).build();
    }

    private CallToolResult call(String name, McpSyncServerExchange exchange, CallToolRequest request, Function<McpCall, CallToolResult> handler) {
        try {
            JsonElement args = GSON.toJsonTree(request.arguments() == null ? Map.of() : request.arguments());
            return handler.apply(new McpCall(args.isJsonObject() ? args.getAsJsonObject() : new JsonObject(), exchange, request.meta()));
        } catch (CozeException e) {
            say(name + ": " + e.line());
            return error(e.line());
        } catch (RuntimeException e) {
            say(name + ": failed: " + e);
            return error("failed: " + e.getMessage());
        }
    }

    private static CallToolResult error(String line) {
        return CallToolResult.builder().addTextContent("error: " + line).isError(true).build();
    }

    private static String schema(String properties, List<String> required) {
        return "{\"type\":\"object\",\"properties\":{" + properties + "},\"required\":" + GSON.toJson(required) + "}";
    }

    private static String prop(String name, String type, String description) {
        return GSON.toJson(name) + ":{\"type\":\"" + type + "\",\"description\":" + GSON.toJson(description) + "}";
    }

    private void say(String line) {
        ctx.err().println("coze-mcp: " + Terminal.visible(Terminal.oneLine(line)));
        ctx.err().flush();
    }
}
