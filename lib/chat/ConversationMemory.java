package lib.chat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import lib.auth.PrivateFiles;
import lib.core.CozeException;
import lib.core.Json;
import lib.discover.BotNames;

/**
 * coze-chat's memory under COZE_HOME (`chat.json`): the default bot, the last conversation per
 * login and bot, and the ids of bots given by name. Every update is a locked read-modify-write with an atomic replace, so parallel
 * coze-chat calls never corrupt it; an unreadable file is simply started afresh (it holds no secret
 * and nothing that cannot be recreated).
 */
public final class ConversationMemory implements BotNames.Memory {
    private final Path file;
    /** What is remembered when there is no file: for this command only. */
    private JsonObject held = new JsonObject();

    public ConversationMemory(Path home) {
        this.file = home.resolve("chat.json");
    }

    private ConversationMemory() {
        this.file = null;
    }

    /** A memory for this command alone, that writes nothing (a service app from the environment keeps nothing on disk). */
    public static ConversationMemory inMemory() {
        return new ConversationMemory();
    }

    public String defaultBot() {
        return Json.str(read(), "default_bot");
    }

    public String lastConversation(String apiBase, String userId, String botId) {
        return Json.str(Json.obj(read(), "conversations"), key(apiBase, userId, botId));
    }

    /**
     * After a turn, in one write: the conversation to continue with -c (per login and bot, or per
     * chatflow as `workflow:ID`), and the bot a later coze-chat without --bot talks to (null: unchanged).
     */
    public void remember(String apiBase, String userId, String target, String conversationId, String defaultBot) {
        update(state -> {
            if (defaultBot != null) state.addProperty("default_bot", defaultBot);
            JsonObject conversations = Json.obj(state, "conversations");
            if (conversations == null) state.add("conversations", conversations = new JsonObject());
            conversations.addProperty(key(apiBase, userId, target), conversationId);
            return state;
        });
    }

    /** The id a bot name was found to have, or null. */
    @Override
    public String botId(String apiBase, String userId, String name) {
        return Json.str(Json.obj(read(), "bot_names"), key(apiBase, userId, name));
    }

    @Override
    public void rememberBotId(String apiBase, String userId, String name, String botId) {
        update(state -> {
            JsonObject names = Json.obj(state, "bot_names");
            if (names == null) state.add("bot_names", names = new JsonObject());
            names.addProperty(key(apiBase, userId, name), botId);
            return state;
        });
    }

    private static String key(String apiBase, String userId, String botId) {
        return apiBase + " " + userId + " " + botId;
    }

    private JsonObject read() {
        if (file == null) return held.deepCopy();
        try {
            byte[] bytes = PrivateFiles.read(file);
            return bytes == null ? new JsonObject() : Json.object(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException | JsonParseException e) {
            return new JsonObject();
        }
    }

    private synchronized void update(UnaryOperator<JsonObject> change) {
        if (file == null) {
            held = change.apply(read());
            return;
        }
        try (PrivateFiles.Held held = PrivateFiles.lock(file.resolveSibling("chat.json.lock"), Duration.ofSeconds(10))) {
            PrivateFiles.writeAtomically(file, (change.apply(read()) + "\n").getBytes(StandardCharsets.UTF_8), false);
        } catch (IOException e) {
            throw new CozeException(CozeException.FAILED, "cannot save " + file + ": " + e.getMessage());
        }
    }
}
