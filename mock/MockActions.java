package mock;

import static mock.MockHttp.body;
import static mock.MockHttp.query;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import lib.core.Json;
import mock.MockChats.Chat;
import mock.MockConversations.Conversation;

/**
 * Turns that end waiting: `conversation.chat.requires_action`. The bot `question` is a chatflow's
 * question node: it asks, ends with a `reply_message` call, and answers the next message of the
 * conversation. The bot `weather` has a local plugin: it calls `get_weather` with `{"city": the
 * message}` and, once `/v3/chat/submit_tool_outputs` brings the output, streams its answer on. The
 * bot `variables` answers with the user_id, custom_variables, parameters and additional_messages its chat was sent. The
 * bot `plugins` calls the local plugins its message names, all at once (`get_weather 3*lookup`:
 * one get_weather, three lookup); with the word `again` it asks for them again after every answer.
 */
final class MockActions {
    static final String QUESTION = "question", WEATHER = "weather", VARIABLES = "variables", PLUGINS = "plugins";
    private final MockState state;
    private final MockHttp http;
    private final MockConversations conversations;
    private final MockChats chats;
    /** Chats waiting for their tools' outputs: chat id → the calls' ids. */
    private final Map<String, List<String>> waitingTools = new ConcurrentHashMap<>();

    /** Adds its bots to the state's, after the built-in and scripted ones. */
    MockActions(MockState state, MockHttp http, MockConversations conversations, MockChats chats) {
        this.state = state;
        this.http = http;
        this.conversations = conversations;
        this.chats = chats;
        Map<String, MockBots.Bot> bots = state.bots;
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
        bots.put(PLUGINS, new MockBots.Bot(PLUGINS, "Local plugins", MockBots.PERSONAL, true, List.of(), null, List.of(),
                new MockFaults()));
    }

    /** What these bots answer, where it is not their scripted answer or an echo (MockChat); null: that. */
    List<List<String>> answers(Conversation conv, Chat chat, MockBots.Bot bot, String userText) {
        if (QUESTION.equals(bot.id) && conv.awaitingReply) return List.of(List.of("Thanks, ", userText, " it is."));
        if (VARIABLES.equals(bot.id)) {
            JsonObject seen = new JsonObject();
            for (String field : List.of("user_id", "custom_variables", "parameters", "additional_messages"))
                if (chat.request.has(field)) seen.add(field, chat.request.get(field));
            return List.of(List.of(seen.toString()));
        }
        return null;
    }

    /** After the answers: true when the turn ended waiting for the user or a local plugin. */
    boolean requiresAction(MockSseWriter w, Conversation conv, Chat chat, MockBots.Bot bot, String userText) throws IOException {
        if (QUESTION.equals(bot.id)) {
            if (conv.awaitingReply) {
                conv.awaitingReply = false;
                return false;
            }
            conv.awaitingReply = true;
            JsonObject interrupt = conversations.message(conv.id, bot.id, chat.id, "assistant", "verbose",
                    "{\"msg_type\":\"interrupt\",\"data\":\"{\\\"interrupt_data\\\":{\\\"type\\\":2}}\"}");
            w.event("conversation.message.completed", interrupt);
            waitFor(w, conv, chat, MockStreamFaults.toolCall("", "reply_message", null));
            return true;
        }
        if (WEATHER.equals(bot.id)) {
            JsonObject fn = new JsonObject();
            fn.addProperty("name", "get_weather");
            JsonObject args = new JsonObject();
            args.addProperty("city", userText);
            fn.addProperty("arguments", args.toString());
            String callId = "call_" + state.nextId();
            waitingTools.put(chat.id, List.of(callId));
            waitFor(w, conv, chat, MockStreamFaults.toolCall(callId, "function", fn));
            return true;
        }
        if (PLUGINS.equals(bot.id)) {
            waitFor(w, conv, chat, pluginCalls(chat, userText));
            return true;
        }
        return false;
    }

    /** The calls the `plugins` bot makes for this message (names URL-decoded), remembered as the chat's waiting calls. */
    private JsonObject[] pluginCalls(Chat chat, String message) {
        List<JsonObject> calls = new java.util.ArrayList<>();
        for (String word : message.trim().split("\\s+")) {
            if (word.equals("again") || word.isEmpty()) continue;
            int star = word.indexOf('*');
            int times = star > 0 ? Integer.parseInt(word.substring(0, star)) : 1;
            for (int i = 0; i < times; i++) {
                JsonObject fn = new JsonObject();
                fn.addProperty("name", java.net.URLDecoder.decode(word.substring(star + 1), java.nio.charset.StandardCharsets.UTF_8));
                fn.addProperty("arguments", "{\"n\":" + i + "}");
                calls.add(MockStreamFaults.toolCall("call_" + state.nextId(), "function", fn));
            }
        }
        waitingTools.put(chat.id, calls.stream().map(c -> Json.str(c, "id")).toList());
        return calls.toArray(new JsonObject[0]);
    }

    /** `conversation.chat.requires_action` with the tool calls, then `done`; the question so far is kept in the history. */
    private void waitFor(MockSseWriter w, Conversation conv, Chat chat, JsonObject... call) throws IOException {
        chat.status = "requires_action";
        JsonObject c = chats.chatJson(chat);
        c.add("required_action", MockStreamFaults.requiredAction(call));
        for (JsonObject m : chat.messages) if ("answer".equals(Json.str(m, "type"))) conv.messages.add(m);
        w.event("conversation.chat.requires_action", c);
        JsonObject done = new JsonObject();
        done.addProperty("debug_url", state.baseUrl() + "/debug");
        w.event("done", done);
    }

    /** `POST /v3/chat/submit_tool_outputs?conversation_id=&chat_id=` `{tool_outputs:[{tool_call_id, output}], stream:true}`. */
    void submitToolOutputs(HttpExchange ex) throws IOException {
        JsonObject req = Json.object(body(ex));
        Conversation conv = conversations.get(query(ex, "conversation_id"));
        String chatId = query(ex, "chat_id");
        Chat chat = chatId == null ? null : chats.get(chatId);
        List<String> callIds = chatId == null ? null : waitingTools.get(chatId);
        if (conv == null || chat == null || callIds == null) {
            http.envelopeError(ex, 200, 4000, "invalid parameter: no chat waiting for tool outputs with these ids");
            return;
        }
        Map<String, String> given = new java.util.LinkedHashMap<>();
        JsonElement outputs = req.get("tool_outputs");
        if (outputs != null && outputs.isJsonArray())
            for (JsonElement o : outputs.getAsJsonArray())
                given.put(Json.str(o.getAsJsonObject(), "tool_call_id"), Json.str(o.getAsJsonObject(), "output"));
        for (String callId : callIds)
            if (given.get(callId) == null) {
                http.envelopeError(ex, 200, 4000, "invalid parameter: tool_outputs lacks the output of " + callId);
                return;
            }
        waitingTools.remove(chatId);
        state.bump("submit_tool_outputs");
        MockBots.Bot bot = state.bots.get(chat.botId);
        MockFaults faults = state.faults;
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        MockSseWriter w = new MockSseWriter(ex.getResponseBody(), faults, state);
        chat.status = "in_progress";
        w.event("conversation.chat.in_progress", chats.chatJson(chat));
        String asked = Json.str(chat.request.getAsJsonArray("additional_messages").get(0).getAsJsonObject(), "content");
        if (PLUGINS.equals(bot.id) && List.of(asked.trim().split("\\s+")).contains("again")) {
            waitFor(w, conv, chat, pluginCalls(chat, asked));
            return;
        }
        String msgId = String.valueOf(state.nextId());
        String text = (PLUGINS.equals(bot.id) ? "Plugins: " : "The weather: ") + String.join(", ", given.values());
        for (String piece : MockChats.pieces(text, 8)) w.event("conversation.message.delta", chats.delta(msgId, conv, chat, bot, piece, null));
        JsonObject answer = conversations.message(conv.id, bot.id, chat.id, "assistant", "answer", text);
        answer.addProperty("id", msgId);
        chat.messages.add(answer);
        w.event("conversation.message.completed", answer);
        chats.complete(w, conv, chat, bot, faults, true);
    }
}
