package mock;

import static mock.MockHttp.blank;
import static mock.MockHttp.body;
import static mock.MockHttp.query;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import lib.core.Json;
import mock.MockChats.Chat;
import mock.MockConversations.Conversation;

/**
 * A bot's turn, `/v3/chat`: the faults that act before it begins, the user's message (text or
 * `object_string`, MockFiles), then the answer as one JSON reply and a poll, or streamed in Coze's
 * wire format (MockSseWriter) with the faults that act once it has begun (MockStreamFaults). The
 * bots of MockActions (a question node, a local plugin, variables) answer their own way; MockChats
 * keeps the chats.
 */
final class MockChat {
    private final MockState state;
    private final MockHttp http;
    private final MockConversations conversations;
    private final MockChats chats;
    private final MockFiles files;
    private final MockStreamFaults streamFaults;
    private final MockActions actions;

    MockChat(MockState state, MockHttp http, MockConversations conversations, MockChats chats, MockFiles files,
             MockStreamFaults streamFaults, MockActions actions) {
        this.state = state;
        this.http = http;
        this.conversations = conversations;
        this.chats = chats;
        this.files = files;
        this.streamFaults = streamFaults;
        this.actions = actions;
    }

    /** `POST /v3/chat?conversation_id=`: a bot's turn. */
    void chat(HttpExchange ex) throws IOException {
        JsonObject req = Json.object(body(ex));
        String botId = Json.str(req, "bot_id");
        chat(ex, req, botId, botId == null ? null : state.bots.get(botId), query(ex, "conversation_id"), true);
    }

    /** A turn of `bot` (null: none by that id), for a bot or a chatflow; needsUser: Coze asks a bot's chat for a user_id. */
    void chat(HttpExchange ex, JsonObject req, String botId, MockBots.Bot bot, String conversationId, boolean needsUser) throws IOException {
        state.bump("chat");
        MockFaults f = bot == null ? state.faults : state.faults.with(bot.faults);
        int chatNumber = state.chatsUnderFaults.incrementAndGet();
        if (f.has("reset")) throw new MockHttp.Abort();
        if (f.has("delay")) state.pause(f.num("delay", 0));
        for (String name : f.values.keySet()) {
            if (name.matches("http\\d{3}") && chatNumber <= f.num(name, Long.MAX_VALUE)) {
                int status = Integer.parseInt(name.substring(4));
                if (f.has("retry-after") || status == 429) ex.getResponseHeaders().set("Retry-After", String.valueOf(f.num("retry-after", 1)));
                if (status == 429) http.envelopeError(ex, 429, 4013, "Requests are too frequent, please try again later.");
                else http.text(ex, status, "text/html", "<html><body><h1>" + status + " Service Unavailable</h1></body></html>");
                return;
            }
        }
        if (f.has("no-permission")) {
            http.envelopeError(ex, 200, 4101, "The token does not have permission to access this resource (chat).");
            return;
        }
        if (f.has("json-error")) {
            http.envelopeError(ex, 200, (int) f.num("json-error", 4000), "injected error");
            return;
        }
        if (f.has("wrong-type")) {
            http.text(ex, 200, "text/html; charset=utf-8", "<html><body>maintenance</body></html>");
            return;
        }
        String studioRefusal = state.config.studio ? MockStudio.refusal(req, state) : null;
        if (studioRefusal != null) {
            MockStudio.badRequest(ex, state, studioRefusal);
            return;
        }
        if (blank(botId) || (needsUser && blank(Json.str(req, "user_id")))) {
            http.envelopeError(ex, 200, 4000, "invalid parameter: bot_id and user_id are required");
            return;
        }
        // Studio streams when `stream` is absent; the cloud does not.
        boolean stream = req.has("stream") ? req.get("stream").getAsBoolean() : state.config.studio;
        if (bot == null && state.config.studio) {
            MockStudio.agentNotPublished(ex, state, botId, stream);
            return;
        }
        if (bot == null) {
            http.envelopeError(ex, 200, 4200, "Requested resource bot_id=" + botId + " does not exist. Please ensure that the bot is published to the API channel.");
            return;
        }
        Conversation conv;
        if (conversationId == null) conv = conversations.newConversation(botId);
        else if ((conv = conversations.get(conversationId)) == null) {
            http.envelopeError(ex, 200, 4000, "invalid parameter: conversation_id " + conversationId + " does not exist");
            return;
        }
        String userText = "object_string".equals(lastContentType(req)) ? files.objectString(lastUserText(req)) : lastUserText(req);
        if ("object_string".equals(lastContentType(req))) {
            if (userText == null) {
                http.envelopeError(ex, 200, 4000, "invalid parameter: the object_string message breaks Coze's rules (a JSON array of"
                        + " text, image, file and audio items; at most one text, and text only with a file or an image)");
                return;
            }
        }
        Chat chat = chats.newChat(conv, botId, req);
        synchronized (conv) {
            if (conv.activeChat != null) {
                http.envelopeError(ex, 200, 4016, "Conversation occupied: there is a chat in progress in this conversation.");
                return;
            }
            conv.activeChat = chat.id;
        }
        chats.add(chat);
        boolean save = !req.has("auto_save_history") || req.get("auto_save_history").getAsBoolean();
        if (save && userText != null) conv.messages.add(conversations.message(conv.id, botId, chat.id, "user", "question", userText));
        chat.inputCount = userText == null ? 0 : userText.length();
        if (stream) {
            try {
                streamChat(ex, conv, chat, bot, userText, f, save);
            } finally {
                conv.activeChat = null;
            }
        } else {
            chat.status = "in_progress";
            http.ok(ex, chats.chatJson(chat));
            state.pool.execute(() -> {
                try {
                    state.pause(Math.max(200, f.num("drip", 0)));
                    for (JsonObject m : replyMessages(conv, chat, bot, userText)) chat.messages.add(m);
                    chats.finish(conv, chat, save);
                } finally {
                    conv.activeChat = null;
                }
            });
        }
    }

    /** The assistant messages of a reply, complete: answers, verbose, follow-ups. */
    private List<JsonObject> replyMessages(Conversation conv, Chat chat, MockBots.Bot bot, String userText) {
        List<JsonObject> out = new ArrayList<>();
        for (List<String> pieces : answers(conv, chat, bot, userText)) {
            JsonObject m = conversations.message(conv.id, bot.id, chat.id, "assistant", "answer", String.join("", pieces));
            if (bot.reasoning != null) m.addProperty("reasoning_content", String.join("", bot.reasoning));
            out.add(m);
            chat.outputCount += pieces.size();
        }
        out.add(chats.verbose(conv, chat, bot));
        for (String q : bot.followUps) out.add(conversations.message(conv.id, bot.id, chat.id, "assistant", "follow_up", q));
        return out;
    }

    private void streamChat(HttpExchange ex, Conversation conv, Chat chat, MockBots.Bot bot, String userText, MockFaults f, boolean save)
            throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        MockSseWriter w = new MockSseWriter(ex.getResponseBody(), f, state);
        w.event("conversation.chat.created", chats.chatJson(chat));
        chat.status = "in_progress";
        w.event("conversation.chat.in_progress", chats.chatJson(chat));
        boolean first = true;
        List<List<String>> answers = answers(conv, chat, bot, userText);
        if (f.has("tool-messages")) streamFaults.toolMessages(w, conv, chat, bot);
        boolean card = f.has("card"), deltas = !card && !f.has("no-deltas");
        for (List<String> pieces : answers) {
            String msgId = String.valueOf(state.nextId());
            if (bot.reasoning != null)
                for (String r : bot.reasoning) w.event("conversation.message.delta", chats.delta(msgId, conv, chat, bot, "", r));
            for (String piece : deltas ? pieces : List.<String>of()) {
                w.event("conversation.message.delta", chats.delta(msgId, conv, chat, bot, piece, null));
                chat.outputCount++;
                if (first) {
                    first = false;
                    state.firstDeltaSentAt = System.nanoTime();
                    if (!streamFaults.afterFirstDelta(w, conv, chat, f)) return;
                }
            }
            JsonObject done = conversations.message(conv.id, bot.id, chat.id, "assistant", "answer", card ? MockStreamFaults.CARD : String.join("", pieces));
            done.addProperty("id", msgId);
            if (card) done.addProperty("content_type", "card");
            if (bot.reasoning != null) done.addProperty("reasoning_content", String.join("", bot.reasoning));
            chat.messages.add(done);
            w.event("conversation.message.completed", done);
        }
        if (actions.requiresAction(w, conv, chat, bot, userText)) return;
        chats.complete(w, conv, chat, bot, f, save);
    }

    /** What `bot` answers `userText` in `conv`: a waiting bot's answer, its scripted answers, or the text echoed in pieces. */
    private List<List<String>> answers(Conversation conv, Chat chat, MockBots.Bot bot, String userText) {
        List<List<String>> own = actions.answers(conv, chat, bot, userText);
        if (own != null) return own;
        if (bot.answers != null) return bot.answers;
        long n = state.faults.num("deltas", 0);
        if (n > 0) {
            List<String> many = new ArrayList<>();
            for (long i = 0; i < n; i++) many.add("tok" + (i % 10) + " ");
            return List.of(many);
        }
        return List.of(MockChats.pieces(userText == null ? "" : userText, 3));
    }

    private static String lastContentType(JsonObject req) {
        JsonElement msgs = req.get("additional_messages");
        if (msgs == null || !msgs.isJsonArray() || msgs.getAsJsonArray().size() == 0) return null;
        JsonArray arr = msgs.getAsJsonArray();
        return Json.str(arr.get(arr.size() - 1).getAsJsonObject(), "content_type");
    }

    private static String lastUserText(JsonObject req) {
        JsonElement msgs = req.get("additional_messages");
        if (msgs == null || !msgs.isJsonArray() || msgs.getAsJsonArray().size() == 0) return null;
        JsonArray arr = msgs.getAsJsonArray();
        return Json.str(arr.get(arr.size() - 1).getAsJsonObject(), "content");
    }
}
