package mock;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import lib.core.Json;

/**
 * Turns that end waiting: `conversation.chat.requires_action`. The bot `question` is a chatflow's
 * question node: it asks, ends with a `reply_message` call, and answers the next message of the
 * conversation. The bot `weather` has a local plugin: it calls `get_weather` with `{"city": the
 * message}` and, once `/v3/chat/submit_tool_outputs` brings the output, streams its answer on. The
 * bot `variables` answers with the user_id, custom_variables and parameters its chat was sent.
 */
public abstract class MockActions extends MockChat {
    static final String QUESTION = "question", WEATHER = "weather", VARIABLES = "variables";
    /** Chats waiting for their tool output: chat id → the call's id. */
    private final Map<String, String> waitingTools = new ConcurrentHashMap<>();

    MockActions(Config config) {
        super(config);
        bots.put(QUESTION, new MockBots.Bot(QUESTION, "Question node", MockBots.PERSONAL, true,
                List.of(List.of("Which city", " do you mean?")), null, List.of(), new MockFaults()));
        bots.put("card", new MockBots.Bot("card", "Card", MockBots.PERSONAL, true, List.of(List.of("card")), null, List.of(),
                MockFaults.parse(List.of("card"))));
        bots.put("nodelta", new MockBots.Bot("nodelta", "No deltas", MockBots.PERSONAL, true, null, null, List.of(),
                MockFaults.parse(List.of("no-deltas"))));
        bots.put("research", new MockBots.Bot("research", "Research", MockBots.PERSONAL, true, null, null, List.of(),
                MockFaults.parse(List.of("tool-messages"))));
        bots.put(VARIABLES, new MockBots.Bot(VARIABLES, "Variables", MockBots.PERSONAL, true, null, null, List.of(), new MockFaults()));
        bots.put(WEATHER, new MockBots.Bot(WEATHER, "Weather plugin", MockBots.PERSONAL, true, List.of(), null, List.of(),
                new MockFaults()));
    }

    @Override
    List<List<String>> answers(Conversation conv, Chat chat, MockBots.Bot bot, String userText) {
        if (QUESTION.equals(bot.id) && conv.awaitingReply) return List.of(List.of("Thanks, ", userText, " it is."));
        if (VARIABLES.equals(bot.id)) {
            JsonObject seen = new JsonObject();
            for (String field : List.of("user_id", "custom_variables", "parameters"))
                if (chat.request.has(field)) seen.add(field, chat.request.get(field));
            return List.of(List.of(seen.toString()));
        }
        return super.answers(conv, chat, bot, userText);
    }

    @Override
    boolean requiresAction(MockSseWriter w, Conversation conv, Chat chat, MockBots.Bot bot, String userText) throws IOException {
        if (QUESTION.equals(bot.id)) {
            if (conv.awaitingReply) {
                conv.awaitingReply = false;
                return false;
            }
            conv.awaitingReply = true;
            JsonObject interrupt = message(conv.id, bot.id, chat.id, "assistant", "verbose",
                    "{\"msg_type\":\"interrupt\",\"data\":\"{\\\"interrupt_data\\\":{\\\"type\\\":2}}\"}");
            w.event("conversation.message.completed", interrupt);
            waitFor(w, conv, chat, toolCall("", "reply_message", null));
            return true;
        }
        if (WEATHER.equals(bot.id)) {
            JsonObject fn = new JsonObject();
            fn.addProperty("name", "get_weather");
            JsonObject args = new JsonObject();
            args.addProperty("city", userText);
            fn.addProperty("arguments", args.toString());
            String callId = "call_" + ids.incrementAndGet();
            waitingTools.put(chat.id, callId);
            waitFor(w, conv, chat, toolCall(callId, "function", fn));
            return true;
        }
        return false;
    }

    /** `conversation.chat.requires_action` with the one tool call, then `done`; the question so far is kept in the history. */
    private void waitFor(MockSseWriter w, Conversation conv, Chat chat, JsonObject call) throws IOException {
        chat.status = "requires_action";
        JsonObject c = chatJson(chat);
        c.add("required_action", requiredAction(call));
        for (JsonObject m : chat.messages) if ("answer".equals(Json.str(m, "type"))) conv.messages.add(m);
        w.event("conversation.chat.requires_action", c);
        JsonObject done = new JsonObject();
        done.addProperty("debug_url", baseUrl() + "/debug");
        w.event("done", done);
    }

    /** `POST /v3/chat/submit_tool_outputs?conversation_id=&chat_id=` `{tool_outputs:[{tool_call_id, output}], stream:true}`. */
    void submitToolOutputs(HttpExchange ex) throws IOException {
        JsonObject req = Json.object(body(ex));
        Conversation conv = conversations.get(query(ex, "conversation_id"));
        String chatId = query(ex, "chat_id");
        Chat chat = chatId == null ? null : chats.get(chatId);
        String callId = chatId == null ? null : waitingTools.get(chatId);
        if (conv == null || chat == null || callId == null) {
            envelopeError(ex, 200, 4000, "invalid parameter: no chat waiting for tool outputs with these ids");
            return;
        }
        String output = null;
        JsonElement outputs = req.get("tool_outputs");
        if (outputs != null && outputs.isJsonArray())
            for (JsonElement o : outputs.getAsJsonArray())
                if (callId.equals(Json.str(o.getAsJsonObject(), "tool_call_id"))) output = Json.str(o.getAsJsonObject(), "output");
        if (output == null) {
            envelopeError(ex, 200, 4000, "invalid parameter: tool_outputs lacks the output of " + callId);
            return;
        }
        waitingTools.remove(chatId);
        bump("submit_tool_outputs");
        MockBots.Bot bot = bots.get(WEATHER);
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        MockSseWriter w = new MockSseWriter(ex.getResponseBody(), faults, streamedBytes, this::pause);
        chat.status = "in_progress";
        w.event("conversation.chat.in_progress", chatJson(chat));
        String msgId = String.valueOf(ids.incrementAndGet());
        String text = "The weather: " + output;
        for (String piece : pieces(text, 8)) w.event("conversation.message.delta", delta(msgId, conv, chat, bot, piece, null));
        JsonObject answer = message(conv.id, bot.id, chat.id, "assistant", "answer", text);
        answer.addProperty("id", msgId);
        chat.messages.add(answer);
        w.event("conversation.message.completed", answer);
        complete(w, conv, chat, bot, faults, true);
    }
}
