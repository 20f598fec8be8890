package lib.discover;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import lib.core.CozeException;

/**
 * `--bot` by id or by name. A value of digits is an id. A name is looked up among every bot the
 * login can see (the exact name, else the name ignoring case), once: the id is remembered in
 * chat.json. A value that is a listed bot's id is that id, remembered the same way (coze-mock's
 * bots have such ids, and every run listed the bots again). One that fits no bot is a usage error
 * (sent as an id, Coze would only answer "not found"); when the bots cannot be listed (a token
 * without the listBot permission, say) the value is taken as an id, and only a network failure stops here.
 */
public final class BotNames {
    private BotNames() {}

    /** Where the ids of names found once are kept (chat.json). */
    public interface Memory {
        String botId(String apiBase, String userId, String name);

        void rememberBotId(String apiBase, String userId, String name, String botId);
    }

    /** `unsaved`: told why the id found could not be remembered (the chat goes on with it). */
    public static String resolve(String value, String apiBase, String userId, Memory memory, Supplier<Directory> directory,
                          Consumer<String> unsaved, Consumer<String> debug) {
        if (isId(value)) return value;
        String known = memory.botId(apiBase, userId, value);
        if (known != null) return known;
        List<Directory.Bot> bots;
        try {
            bots = directory.get().bots();
        } catch (CozeException cannotList) {
            if (cannotList.exitCode == CozeException.NETWORK || cannotList.exitCode == CozeException.INTERRUPTED) throw cannotList;
            if (debug != null) debug.accept("could not list bots (" + cannotList.getMessage() + "); using '" + value + "' as an id");
            return value;
        }
        String id = bots.stream().anyMatch(b -> value.equals(b.id())) ? value : byName(value, bots);
        try {
            memory.rememberBotId(apiBase, userId, value, id);
        } catch (CozeException e) {
            unsaved.accept(e.getMessage() + " (the name will be looked up again next time)");
        }
        return id;
    }

    /** Coze's ids are digits, and so are Coze Studio's: anything else is a name (or coze-mock's word ids). */
    static boolean isId(String value) {
        return value.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static String byName(String value, List<Directory.Bot> bots) {
        List<Directory.Bot> matches = bots.stream().filter(b -> value.equals(b.name())).toList();
        if (matches.isEmpty()) matches = bots.stream().filter(b -> value.equalsIgnoreCase(b.name())).toList();
        if (matches.size() > 1) {
            StringBuilder which = new StringBuilder();
            for (Directory.Bot b : matches) which.append(which.length() == 0 ? "" : ", ").append(b.id()).append(" (").append(b.name()).append(')');
            throw new CozeException(CozeException.USAGE, "the name '" + value + "' fits " + matches.size() + " bots: " + which,
                    "pass --bot with one of these ids");
        }
        if (matches.isEmpty())
            throw new CozeException(CozeException.USAGE, "no bot named '" + value + "' among the " + bots.size() + " bots you can see",
                    "list them with coze-chat --list-bots, or give the bot's id");
        return matches.get(0).id();
    }
}
