package lib.discover;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import lib.core.CozeException;
import lib.core.Json;
import lib.core.Terminal;
import lib.http.CozeHttp;
import picocli.CommandLine.Option;

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
            for (int c = 0; c < widths.length; c++) widths[c] = Math.max(widths[c], Terminal.width(r[c]));
        for (String[] r : rows)
            out.println(r[0] + " ".repeat(widths[0] - Terminal.width(r[0]) + 2) + r[1] + " ".repeat(widths[1] - Terminal.width(r[1]) + 2) + r[2]);
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

    /** A template's copy: its id and type (agent), or Coze's object as it came. */
    public void copy(Templates.Copy c) {
        line(c.data(), c.entityId(), c.entityType());
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

    /**
     * coze-chat's finding options (a mixin): what to print instead of chatting. Copying a template
     * is one of them rather than a subcommand, because picocli would take a subcommand's name
     * anywhere in an unquoted message (`coze-chat tell me about a template`) as the command.
     */
    public static final class Options {
        @Option(names = "--list-workspaces", description = "Print your workspaces, one per line: ID, name, type.")
        public boolean workspaces;

        @Option(names = "--list-bots", description = "Print the bots you can see, one per line: ID, name, published or draft.")
        public boolean bots;

        @Option(names = "--workspace", paramLabel = "ID",
                description = "With --list-bots: only this workspace's bots. With --duplicate-template: where the copy goes (default: $$COZE_WORKSPACE_ID).")
        String workspace;

        @Option(names = "--duplicate-template", paramLabel = "TEMPLATE_ID",
                description = "Copy a bot template from Coze's template store into --workspace; print the copy: ID, type (agent).")
        String template;

        @Option(names = "--name", paramLabel = "NAME", description = "With --duplicate-template: the copy's name (default: the template's).")
        String name;

        @Option(names = "--list-conversations", description = "Print the bot's conversations, newest first: ID, time.")
        public boolean conversations;

        @Option(names = "--history", description = "Print a conversation's messages, oldest first (the last one, or -c / --conversation).")
        public boolean history;

        /** Whether the account's workspaces or bots are asked for, or a template's copy: no bot is needed. */
        public boolean ofAccount() {
            return workspaces || bots || template != null;
        }

        /** Whether a bot's conversations or a conversation's messages are asked for: no message is read. */
        public boolean ofBot() {
            return conversations || history;
        }

        /** Said at once rather than as a 404; without a listing a bot's name cannot be found either (Studio's ids are numbers). */
        public void refuseOnStudio(String bot) {
            if (workspaces || bots)
                throw new CozeException(CozeException.USAGE, "Coze Studio has no API that lists bots or workspaces",
                        "give the bot's id (the number in its address in Studio) with --bot");
            if (bot != null && !bot.isBlank() && !BotNames.isId(bot.strip()))
                throw new CozeException(CozeException.USAGE, "Coze Studio cannot find a bot by its name (it has no API that lists bots)",
                        "give the bot's id (the number in its address in Studio) with --bot");
        }

        /** Prints the workspaces or the bots, or copies the template and prints the copy (`say` tells where it went). */
        public void printAccount(CozeHttp http, Listing listing, Consumer<String> say) {
            Directory directory = new Directory(http);
            if (template != null) duplicate(http, listing, say);
            else if (workspaces) listing.workspaces(directory.workspaces());
            else listing.bots(workspace == null ? directory.bots() : directory.bots(workspace));
        }

        private void duplicate(CozeHttp http, Listing listing, Consumer<String> say) {
            String given = workspace != null ? workspace : System.getenv("COZE_WORKSPACE_ID");
            if (given == null || given.isBlank())
                throw new CozeException(CozeException.USAGE, "no workspace to copy the template into",
                        "give --workspace ID or set COZE_WORKSPACE_ID (coze-chat --list-workspaces shows them)");
            String into = given.strip(), id = template.strip();
            Templates.Copy copy = new Templates(http).duplicate(id, into, name);
            listing.copy(copy);
            say.accept("coze-chat: template " + id + " copied into workspace " + into + " as " + copy.entityType() + " " + copy.entityId());
        }

        /** Prints the bot's conversations, or the conversation's messages. */
        public void printBot(Directory directory, String bot, String conversation, Listing listing) {
            if (conversations) listing.conversations(directory.conversations(bot));
            else listing.history(directory.history(conversation));
        }
    }
}
