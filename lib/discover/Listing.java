package lib.discover;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
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

    /** The bots for a person (the interactive chat's /bots): name, id, and published or draft, in aligned columns. */
    public void botColumns(List<Directory.Bot> all) {
        if (all.isEmpty()) out.println("(no bots: your login sees none)");
        List<String[]> rows = new ArrayList<>();
        for (Directory.Bot b : all) rows.add(new String[] {field(b.name()), field(b.id()), b.published() ? "published" : "draft"});
        int[] widths = new int[2];
        for (String[] r : rows)
            for (int c = 0; c < widths.length; c++) widths[c] = Math.max(widths[c], Terminal.columns(r[c]));
        for (String[] r : rows)
            out.println(r[0] + " ".repeat(widths[0] - Terminal.columns(r[0]) + 2) + r[1] + " ".repeat(widths[1] - Terminal.columns(r[1]) + 2) + r[2]);
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
        for (String f : fields) sb.append(sb.length() == 0 ? "" : "\t").append(field(f));
        out.println(sb);
    }

    /** A field on one line, without the tabs that separate fields. */
    private String field(String f) {
        return shown(f == null ? "" : f.replace('\t', ' ').replace('\n', ' '));
    }

    private String shown(String text) {
        return terminal ? Terminal.visible(text) : text;
    }
}
