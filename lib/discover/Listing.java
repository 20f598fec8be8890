package lib.discover;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import lib.core.Json;
import lib.core.Terminal;

/**
 * What the finding options print on stdout: one line per item, tab-separated for `cut` and `awk`
 * (ID first), or one JSON object per line with --json. Names from Coze are shown, not obeyed, at a terminal.
 */
public final class Listing {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    private final PrintWriter out;
    private final boolean json, terminal;

    public Listing(PrintWriter out, boolean json, boolean terminal) {
        this.out = out;
        this.json = json;
        this.terminal = terminal;
    }

    public void workspaces(List<Directory.Workspace> all) {
        for (Directory.Workspace w : all) {
            JsonObject o = new JsonObject();
            o.addProperty("id", w.id());
            o.addProperty("name", w.name());
            o.addProperty("type", w.type());
            line(o, w.id(), w.name(), w.type());
        }
        out.flush();
    }

    public void bots(List<Directory.Bot> all) {
        for (Directory.Bot b : all) {
            JsonObject o = new JsonObject();
            o.addProperty("id", b.id());
            o.addProperty("name", b.name());
            o.addProperty("workspace_id", b.workspaceId());
            o.addProperty("published", b.published());
            line(o, b.id(), b.name(), b.published() ? "published" : "draft");
        }
        out.flush();
    }

    public void conversations(List<Directory.Conversation> all) {
        for (Directory.Conversation c : all) {
            JsonObject o = new JsonObject();
            o.addProperty("id", c.id());
            o.addProperty("created_at", c.createdAt());
            line(o, c.id(), TIME.format(Instant.ofEpochSecond(c.createdAt())));
        }
        out.flush();
    }

    /** `you: …` and `bot: …`, oldest first. */
    public void history(List<Directory.Message> all) {
        for (Directory.Message m : all) {
            if (json) {
                JsonObject o = new JsonObject();
                o.addProperty("id", m.id());
                o.addProperty("role", m.role());
                o.addProperty("type", m.type());
                o.addProperty("content", m.content());
                o.addProperty("created_at", m.createdAt());
                out.println(Json.line(o));
            } else {
                out.println(("user".equals(m.role()) ? "you: " : "bot: ") + shown(m.content()));
            }
        }
        out.flush();
    }

    private void line(JsonObject o, String... fields) {
        if (json) {
            out.println(Json.line(o));
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (String f : fields) sb.append(sb.length() == 0 ? "" : "\t").append(shown(f == null ? "" : f.replace('\t', ' ').replace('\n', ' ')));
        out.println(sb);
    }

    private String shown(String text) {
        return terminal ? Terminal.visible(text) : text;
    }
}
