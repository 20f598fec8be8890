package lib.knowledge;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.util.List;
import lib.core.CozeException;
import lib.core.Json;
import lib.core.Terminal;

/**
 * What coze-knowledge prints on stdout: one line per knowledge base or document, tab-separated with
 * the id first, or Coze's object as one JSON line with --json. Text from Coze is shown, not obeyed, at a terminal.
 */
public final class KnowledgeOutput {
    private final PrintWriter out;
    private final boolean json;
    private final boolean terminal = Terminal.stdoutMayBe();

    public KnowledgeOutput(PrintWriter out, boolean json) {
        this.out = out;
        this.json = json;
    }

    /** ID, name, number of documents. */
    public void datasets(List<JsonObject> all) {
        for (JsonObject d : all) line(d, Json.str(d, "dataset_id"), Json.str(d, "name"), Json.num(d, "doc_count", 0) + " documents");
    }

    /** ID, name, processing state. */
    public void documents(List<JsonObject> all) {
        for (JsonObject d : all) document(d, Json.str(d, "name"));
    }

    /** One document: ID, name (Coze's, else the one it was added as), processing state. */
    public void document(JsonObject d, String name) {
        String shownName = Json.str(d, "name") != null ? Json.str(d, "name") : Json.str(d, "document_name") != null ? Json.str(d, "document_name") : name;
        line(d, Json.str(d, "document_id"), shownName, state(d));
    }

    /** The one value a command made (an id), alone on its line, or `{name: value}` with --json. */
    public void value(String name, String value) {
        JsonObject o = new JsonObject();
        o.addProperty(name, value);
        line(o, value);
    }

    static String state(JsonObject d) {
        long status = Json.num(d, "status", -1);
        if (status == Knowledge.DONE) return "done";
        if (status == Knowledge.PROCESSING) return "processing" + (d.has("progress") ? " " + Json.num(d, "progress", 0) + "%" : "");
        if (status == Knowledge.FAILED) {
            String why = Json.str(d, "status_descript");
            return "failed" + (why == null || why.isBlank() ? "" : ": " + why);
        }
        return "status " + status;
    }

    private void line(JsonObject o, String... fields) {
        if (json) out.println(Json.line(o));
        else out.println(String.join("\t", java.util.Arrays.stream(fields).map(f -> {
            String clean = f == null ? "" : f.replace('\t', ' ').replace('\n', ' ');
            return terminal ? Terminal.visible(clean) : clean;
        }).toList()));
        out.flush();
        CozeException.ensureOpen(out);
    }
}
