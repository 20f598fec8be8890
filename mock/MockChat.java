package mock;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import lib.core.Json;

/**
 * Coze's conversations and `/v3/chat`: streaming in Coze's wire format (MockSseWriter) with the faults
 * tests switch on, polling (retrieve, message list) and cancel.
 */
public abstract class MockChat extends MockStreamFaults {
    final Map<String, MockBots.Bot> bots = new LinkedHashMap<>();
    final Map<String, Chat> chats = new ConcurrentHashMap<>();
    final AtomicInteger chatsUnderFaults = new AtomicInteger();

    /** For the benchmark: when the latest stream's first answer delta and its `done` went out (System.nanoTime), and all bytes streamed. */
    volatile long firstDeltaSentAt, doneSentAt;
    final AtomicLong streamedBytes = new AtomicLong();

    MockChat(Config config) {
        super(config);
        MockBots.builtIn(bots);
        if (config.scriptedBots != null) MockBots.load(config.scriptedBots, bots);
    }

    /** `POST /v3/chat?conversation_id=`: a bot's turn. */
    void chat(HttpExchange ex) throws IOException {
        JsonObject req = Json.object(body(ex));
        String botId = Json.str(req, "bot_id");
        chat(ex, req, botId, botId == null ? null : bots.get(botId), query(ex, "conversation_id"), true);
    }

    /** A turn of `bot` (null: none by that id), for a bot or a chatflow; needsUser: Coze asks a bot's chat for a user_id. */
    void chat(HttpExchange ex, JsonObject req, String botId, MockBots.Bot bot, String conversationId, boolean needsUser) throws IOException {
        bump("chat");
        MockFaults f = bot == null ? faults : faults.with(bot.faults);
        int chatNumber = chatsUnderFaults.incrementAndGet();
        if (f.has("reset")) throw new Abort();
        if (f.has("delay")) pause(f.num("delay", 0));
        for (String name : f.values.keySet()) {
            if (name.matches("http\\d{3}") && chatNumber <= f.num(name, Long.MAX_VALUE)) {
                int status = Integer.parseInt(name.substring(4));
                if (f.has("retry-after") || status == 429) ex.getResponseHeaders().set("Retry-After", String.valueOf(f.num("retry-after", 1)));
                if (status == 429) envelopeError(ex, 429, 4013, "Requests are too frequent, please try again later.");
                else text(ex, status, "text/html", "<html><body><h1>" + status + " Service Unavailable</h1></body></html>");
                return;
            }
        }
        if (f.has("no-permission")) {
            envelopeError(ex, 200, 4101, "The token does not have permission to access this resource (chat).");
            return;
        }
        if (f.has("json-error")) {
            envelopeError(ex, 200, (int) f.num("json-error", 4000), "injected error");
            return;
        }
        if (f.has("wrong-type")) {
            text(ex, 200, "text/html; charset=utf-8", "<html><body>maintenance</body></html>");
            return;
        }
        if (blank(botId) || (needsUser && blank(Json.str(req, "user_id")))) {
            envelopeError(ex, 200, 4000, "invalid parameter: bot_id and user_id are required");
            return;
        }
        if (bot == null) {
            envelopeError(ex, 200, 4200, "Requested resource bot_id=" + botId + " does not exist. Please ensure that the bot is published to the API channel.");
            return;
        }
        Conversation conv;
        if (conversationId == null) conv = newConversation(botId);
        else if ((conv = conversations.get(conversationId)) == null) {
            envelopeError(ex, 200, 4000, "invalid parameter: conversation_id " + conversationId + " does not exist");
            return;
        }
        String userText = "object_string".equals(lastContentType(req)) ? objectString(lastUserText(req)) : lastUserText(req);
        if ("object_string".equals(lastContentType(req))) {
            if (userText == null) {
                envelopeError(ex, 200, 4000, "invalid parameter: the object_string message breaks Coze's rules (a JSON array of"
                        + " text, image, file and audio items; at most one text, and text only with a file or an image)");
                return;
            }
        }
        Chat chat = new Chat(String.valueOf(ids.incrementAndGet()), conv.id, botId, req);
        synchronized (conv) {
            if (conv.activeChat != null) {
                envelopeError(ex, 200, 4016, "Conversation occupied: there is a chat in progress in this conversation.");
                return;
            }
            conv.activeChat = chat.id;
        }
        chats.put(chat.id, chat);
        boolean save = !req.has("auto_save_history") || req.get("auto_save_history").getAsBoolean();
        if (save && userText != null) conv.messages.add(message(conv.id, botId, chat.id, "user", "question", userText));
        chat.inputCount = userText == null ? 0 : userText.length();
        boolean stream = req.has("stream") && req.get("stream").getAsBoolean();
        if (stream) {
            try {
                streamChat(ex, conv, chat, bot, userText, f, save);
            } finally {
                conv.activeChat = null;
            }
        } else {
            chat.status = "in_progress";
            ok(ex, chatJson(chat));
            pool.execute(() -> {
                try {
                    pause(Math.max(200, f.num("drip", 0)));
                    for (JsonObject m : replyMessages(conv, chat, bot, userText)) chat.messages.add(m);
                    finish(conv, chat, save);
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
            JsonObject m = message(conv.id, bot.id, chat.id, "assistant", "answer", String.join("", pieces));
            if (bot.reasoning != null) m.addProperty("reasoning_content", String.join("", bot.reasoning));
            out.add(m);
            chat.outputCount += pieces.size();
        }
        out.add(verbose(conv, chat, bot));
        for (String q : bot.followUps) out.add(message(conv.id, bot.id, chat.id, "assistant", "follow_up", q));
        return out;
    }

    void finish(Conversation conv, Chat chat, boolean save) {
        if ("canceled".equals(chat.status)) return;
        chat.status = "completed";
        if (save) for (JsonObject m : chat.messages) if ("answer".equals(Json.str(m, "type"))) conv.messages.add(m);
    }

    private void streamChat(HttpExchange ex, Conversation conv, Chat chat, MockBots.Bot bot, String userText, MockFaults f, boolean save)
            throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        MockSseWriter w = new MockSseWriter(ex.getResponseBody(), f, streamedBytes, this::pause);
        w.event("conversation.chat.created", chatJson(chat));
        chat.status = "in_progress";
        w.event("conversation.chat.in_progress", chatJson(chat));
        boolean first = true;
        List<List<String>> answers = answers(conv, chat, bot, userText);
        if (f.has("tool-messages")) toolMessages(w, conv, chat, bot);
        boolean card = f.has("card"), deltas = !card && !f.has("no-deltas");
        for (List<String> pieces : answers) {
            String msgId = String.valueOf(ids.incrementAndGet());
            if (bot.reasoning != null)
                for (String r : bot.reasoning) w.event("conversation.message.delta", delta(msgId, conv, chat, bot, "", r));
            for (String piece : deltas ? pieces : List.<String>of()) {
                w.event("conversation.message.delta", delta(msgId, conv, chat, bot, piece, null));
                chat.outputCount++;
                if (first) {
                    first = false;
                    firstDeltaSentAt = System.nanoTime();
                    if (!afterFirstDelta(w, conv, chat, f)) return;
                }
            }
            JsonObject done = message(conv.id, bot.id, chat.id, "assistant", "answer", card ? CARD : String.join("", pieces));
            done.addProperty("id", msgId);
            if (card) done.addProperty("content_type", "card");
            if (bot.reasoning != null) done.addProperty("reasoning_content", String.join("", bot.reasoning));
            chat.messages.add(done);
            w.event("conversation.message.completed", done);
        }
        if (requiresAction(w, conv, chat, bot, userText)) return;
        complete(w, conv, chat, bot, f, save);
    }

    /** After the answers: true when the turn ended waiting for the user or a local plugin (MockActions). */
    boolean requiresAction(MockSseWriter w, Conversation conv, Chat chat, MockBots.Bot bot, String userText) throws IOException {
        return false;
    }

    /** The end of a streamed turn: its verbose message, follow-ups, `chat.completed` and `done`. */
    void complete(MockSseWriter w, Conversation conv, Chat chat, MockBots.Bot bot, MockFaults f, boolean save) throws IOException {
        JsonObject verbose = verbose(conv, chat, bot);
        chat.messages.add(verbose);
        w.event("conversation.message.completed", verbose);
        for (String q : bot.followUps) {
            JsonObject m = message(conv.id, bot.id, chat.id, "assistant", "follow_up", q);
            chat.messages.add(m);
            w.event("conversation.message.completed", m);
        }
        finish(conv, chat, save);
        JsonObject completed = chatJson(chat);
        completed.addProperty("completed_at", Instant.now().getEpochSecond());
        w.event("conversation.chat.completed", completed);
        if (f.has("no-done")) return;
        w.event("done", "\"[DONE]\"");
        doneSentAt = System.nanoTime();
        if (f.has("keep-open")) hold(w, f);
    }

    /** What `bot` answers `userText` in `conv`: its scripted answers, or the text echoed in pieces. */
    List<List<String>> answers(Conversation conv, Chat chat, MockBots.Bot bot, String userText) {
        if (bot.answers != null) return bot.answers;
        long n = faults.num("deltas", 0);
        if (n > 0) {
            List<String> many = new ArrayList<>();
            for (long i = 0; i < n; i++) many.add("tok" + (i % 10) + " ");
            return List.of(many);
        }
        return List.of(pieces(userText == null ? "" : userText, 3));
    }

    /** Splits text into pieces of up to n code points (a model never splits a character). */
    static List<String> pieces(String text, int n) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int end = i;
            for (int k = 0; k < n && end < text.length(); k++) end = text.offsetByCodePoints(end, 1);
            out.add(text.substring(i, end));
            i = end;
        }
        if (out.isEmpty()) out.add("");
        return out;
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

    JsonObject delta(String msgId, Conversation conv, Chat chat, MockBots.Bot bot, String content, String reasoning) {
        JsonObject m = new JsonObject();
        m.addProperty("id", msgId);
        m.addProperty("conversation_id", conv.id);
        m.addProperty("bot_id", bot.id);
        m.addProperty("role", "assistant");
        m.addProperty("type", "answer");
        m.addProperty("content", content);
        if (reasoning != null) m.addProperty("reasoning_content", reasoning);
        m.addProperty("content_type", "text");
        m.addProperty("chat_id", chat.id);
        m.addProperty("section_id", conv.id);
        return m;
    }

    JsonObject verbose(Conversation conv, Chat chat, MockBots.Bot bot) {
        return message(conv.id, bot.id, chat.id, "assistant", "verbose",
                "{\"msg_type\":\"generate_answer_finish\",\"data\":\"{\\\"finish_reason\\\":0,\\\"FinData\\\":\\\"\\\"}\",\"from_module\":null,\"from_unit\":null}");
    }

    void chatRetrieve(HttpExchange ex) throws IOException {
        Chat chat = chats.get(query(ex, "chat_id"));
        if (chat == null || !chat.conversationId.equals(query(ex, "conversation_id"))) envelopeError(ex, 200, 4000, "chat not found");
        else ok(ex, chatJson(chat));
    }

    void chatMessages(HttpExchange ex) throws IOException {
        Chat chat = chats.get(query(ex, "chat_id"));
        if (chat == null || !chat.conversationId.equals(query(ex, "conversation_id"))) {
            envelopeError(ex, 200, 4000, "chat not found");
            return;
        }
        JsonArray arr = new JsonArray();
        synchronized (chat.messages) {
            for (JsonObject m : chat.messages) arr.add(m);
        }
        ok(ex, arr);
    }

    void cancel(HttpExchange ex) throws IOException {
        bump("cancel");
        JsonObject req = Json.object(body(ex));
        Chat chat = chats.get(String.valueOf(Json.str(req, "chat_id")));
        if (chat == null || !chat.conversationId.equals(Json.str(req, "conversation_id"))) {
            envelopeError(ex, 200, 4000, "chat not found");
            return;
        }
        synchronized (chat) {
            if (!"created".equals(chat.status) && !"in_progress".equals(chat.status)) {
                envelopeError(ex, 200, 4104, "the current conversation can't be canceled");
                return;
            }
            chat.status = "canceled";
        }
        bump("canceled");
        ok(ex, chatJson(chat));
    }
}
