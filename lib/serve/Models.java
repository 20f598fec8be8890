package lib.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import lib.discover.Directory;

/**
 * The bots a login can see, as OpenAI's models: the bot id is the model's id, its name an alias.
 * The list costs a request per workspace and page, so it is kept: a minute, or a second when a
 * listing or an unknown name asks for it fresh (many requests at once then share one fetch).
 */
final class Models {
    static final long FRESH_NANOS = 60_000_000_000L, REFRESH_NANOS = 1_000_000_000L;

    private final Directory directory;
    private List<Directory.Bot> bots;
    private long fetchedAt;

    Models(Directory directory) {
        this.directory = directory;
    }

    /** The bot whose id, else whose name, is `model`; asks Coze again before saying there is none. */
    Directory.Bot find(String model) {
        Directory.Bot bot = find(bots(false), model);
        return bot != null ? bot : find(bots(true), model);
    }

    JsonObject list() {
        JsonArray data = new JsonArray();
        for (Directory.Bot b : bots(true)) data.add(model(b));
        JsonObject o = new JsonObject();
        o.addProperty("object", "list");
        o.add("data", data);
        return o;
    }

    static JsonObject model(Directory.Bot b) {
        JsonObject m = new JsonObject();
        m.addProperty("id", b.id());
        m.addProperty("object", "model");
        m.addProperty("created", 0);
        m.addProperty("owned_by", "coze");
        m.addProperty("name", b.name());
        return m;
    }

    private synchronized List<Directory.Bot> bots(boolean refresh) {
        if (bots == null || System.nanoTime() - fetchedAt > (refresh ? REFRESH_NANOS : FRESH_NANOS)) {
            bots = directory.bots();
            fetchedAt = System.nanoTime();
        }
        return bots;
    }

    private static Directory.Bot find(List<Directory.Bot> bots, String model) {
        for (Directory.Bot b : bots) if (b.id().equals(model)) return b;
        for (Directory.Bot b : bots) if (model.equals(b.name())) return b;
        return null;
    }
}
