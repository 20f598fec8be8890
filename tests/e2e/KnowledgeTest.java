import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lib.core.Json;
import mock.MockBots;
import mock.MockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** coze-knowledge end to end against coze-mock's knowledge bases, as a CI job that syncs a folder uses it. */
@ExtendWith(MockHome.class)
class KnowledgeTest {
    MockServer mock;
    Path home;

    TestSupport.Script knowledge(String... args) {
        return TestSupport.script(CozeKnowledge.class, home, args).api(mock).pat();
    }

    String create(String name) throws Exception {
        TestSupport.Result r = knowledge("create", name, "--workspace", MockBots.PERSONAL).run();
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.out.matches("\\d+\n"), "the id alone: " + r);
        return r.out.strip();
    }

    Path file(String name, String text) throws Exception {
        return TestSupport.userFile(home, name, text);
    }

    @Test
    void createListUpdateDelete() throws Exception {
        String id = create("Handbook");
        create("Other");
        TestSupport.Result list = knowledge("list", "--workspace", MockBots.PERSONAL, "--name", "Hand").run();
        assertEquals(0, list.exit, list.toString());
        assertEquals(id + "\tHandbook\t0 documents\n", list.out);
        assertEquals(0, knowledge("update", id, "--name", "手册", "--description", "for staff").run().exit);
        TestSupport.Result json = knowledge("list", "--workspace", MockBots.PERSONAL, "--json").run();
        List<JsonObject> bases = json.out.lines().map(Json::object).toList();
        assertEquals(2, bases.size(), json.out);
        JsonObject renamed = bases.stream().filter(b -> id.equals(Json.str(b, "dataset_id"))).findFirst().orElseThrow();
        assertEquals("手册", Json.str(renamed, "name"));
        assertEquals("for staff", Json.str(renamed, "description"));
        TestSupport.Result deleted = knowledge("delete", id).run();
        assertEquals(0, deleted.exit, deleted.toString());
        assertEquals("", deleted.out, "nothing but results on stdout");
        assertFalse(knowledge("list", "--workspace", MockBots.PERSONAL).run().out.contains(id));
        TestSupport.Result gone = knowledge("delete", id).run();
        assertEquals(1, gone.exit, gone.toString());
        assertTrue(gone.err.contains("no knowledge base " + id), gone.err);
    }

    @Test
    void filesAndPagesAreAddedStreamedAndWaitedFor() throws Exception {
        String id = create("Docs");
        Path a = file("a.md", "# A\n\nhello"), b = file("b.txt", "你好".repeat(50_000));
        TestSupport.Result r = knowledge("add", id, a.toString(), b.toString(), "https://example.com/faq", "--wait").run();
        assertEquals(0, r.exit, r.toString());
        List<String> lines = r.out.lines().toList();
        assertEquals(3, lines.size(), r.out);
        assertTrue(lines.stream().allMatch(l -> l.matches("\\d+\t\\S+\tdone")), r.out);
        assertTrue(r.out.contains("\ta.md\tdone") && r.out.contains("\tb.txt\tdone") && r.out.contains("\thttps://example.com/faq\tdone"), r.out);
        assertEquals(2, mock.count("documents.streamed"), "local files go up as a stream, not a body read into memory");
        assertTrue(mock.count("datasets.process") >= 3, "polled until processing ended");
        TestSupport.Result docs = knowledge("docs", id, "--json").run();
        List<JsonObject> all = docs.out.lines().map(Json::object).toList();
        assertEquals(3, all.size(), docs.out);
        JsonObject big = all.stream().filter(d -> "b.txt".equals(Json.str(d, "name"))).findFirst().orElseThrow();
        assertEquals(300_000, Json.num(big, "size", 0), "every byte arrived");
        assertTrue(all.get(0).get("document_id").getAsJsonPrimitive().isString(), "ids come as strings (Agw-Js-Conv: str)");
    }

    @Test
    void withoutWaitEachDocumentIsPrintedAsItIsAdded() throws Exception {
        String id = create("Docs");
        TestSupport.Result r = knowledge("add", id, file("a.md", "x").toString(), "--json").run();
        assertEquals(0, r.exit, r.toString());
        JsonObject d = Json.object(r.out.strip());
        assertEquals("a.md", Json.str(d, "name"));
        assertEquals(0, Json.num(d, "status", -1), "still processing");
        assertEquals(0, mock.count("datasets.process"));
    }

    @Test
    void aDocumentThatFailsOrIsRefusedExitsOneAndTheRestGoOn() throws Exception {
        String id = create("Docs");
        Path empty = file("empty.md", ""), exe = file("tool.exe", "MZ"), ok = file("ok.md", "fine");
        TestSupport.Result r = knowledge("add", id, empty.toString(), exe.toString(), ok.toString(), "https://unreachable.example/", "--wait").run();
        assertEquals(1, r.exit, r.toString());
        assertTrue(r.out.contains("\tempty.md\tfailed: the document has no text\n"), r.out);
        assertTrue(r.out.contains("\tok.md\tdone\n"), r.out);
        assertTrue(r.out.contains("\thttps://unreachable.example/\tfailed: the web page could not be read\n"), r.out);
        assertFalse(r.out.contains("tool.exe"), "a refused file has no document: " + r.out);
        assertTrue(r.err.contains("coze-knowledge: tool.exe: not added: ") && r.err.contains("file type exe is not supported"), r.err);
        assertTrue(r.err.contains("coze-knowledge: error: 3 of 4 documents did not make it (1 not added) (2 failed in processing)"), r.err);
    }

    @Test
    void usageMistakesSendNothing() throws Exception {
        String id = create("Docs");
        TestSupport.Result missing = knowledge("add", id, home.resolve("no-such.md").toString()).run();
        assertEquals(2, missing.exit, missing.toString());
        assertTrue(missing.err.contains("cannot read"), missing.err);
        assertEquals(0, mock.count("documents.create"));
        TestSupport.Result noWorkspace = knowledge("list").run();
        assertEquals(2, noWorkspace.exit, noWorkspace.toString());
        TestSupport.Result wrongWorkspace = knowledge("list", "--workspace", "1").run();
        assertEquals(1, wrongWorkspace.exit, wrongWorkspace.toString());
    }

    @Test
    void processingLongerThanTheTimeoutExitsFive() throws Exception {
        String id = create("Docs");
        Path a = file("a.md", "one");
        TestSupport.Result r = knowledge("add", id, a.toString(), a.toString(), "--timeout", "1s", "--wait").run();
        assertEquals(5, r.exit, "processing outlasted --timeout: " + r);
        assertTrue(r.err.contains("still processing after 1 s"), r.err);
    }

    /** Adds files to a new base and returns the ids of its documents by name. */
    java.util.Map<String, String> documents(String base, String... names) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("add", base));
        for (String n : names) args.add(file(n, "text of " + n).toString());
        TestSupport.Result r = knowledge(args.toArray(String[]::new)).run();
        assertEquals(0, r.exit, r.toString());
        java.util.Map<String, String> ids = new java.util.HashMap<>();
        r.out.lines().map(l -> l.split("\t")).forEach(f -> ids.put(f[1], f[0]));
        return ids;
    }

    @Test
    void aDocumentIsRenamedAndItsWebPageRefetchedAsAsked() throws Exception {
        String base = create("Docs");
        String id = documents(base, "a.md").get("a.md");
        TestSupport.Result r = knowledge("update-doc", id, "--name", "入门.md", "--auto-update", "48").run();
        assertEquals(0, r.exit, r.toString());
        assertEquals(id + "\n", r.out, "the id alone");
        JsonObject doc = Json.object(knowledge("docs", base, "--json").run().out.strip());
        assertEquals("入门.md", Json.str(doc, "name"));
        assertEquals(1, Json.num(doc, "update_type", -1));
        assertEquals(48, Json.num(doc, "update_interval", -1));
        TestSupport.Result json = knowledge("update-doc", id, "--no-auto-update", "--json").run();
        assertEquals(0, json.exit, json.toString());
        assertEquals(id, Json.str(Json.object(json.out), "document_id"));
        assertEquals(0, Json.num(Json.object(knowledge("docs", base, "--json").run().out.strip()), "update_type", -1));
        assertEquals("入门.md", Json.str(Json.object(knowledge("docs", base, "--json").run().out.strip()), "name"), "a name left out stays");
    }

    @Test
    void documentUpdateMistakes() throws Exception {
        String id = documents(create("Docs"), "a.md").get("a.md");
        TestSupport.Result nothing = knowledge("update-doc", id).run();
        assertEquals(2, nothing.exit, nothing.toString());
        assertTrue(nothing.err.contains("nothing to change"), nothing.err);
        TestSupport.Result often = knowledge("update-doc", id, "--auto-update", "12").run();
        assertEquals(2, often.exit, often.toString());
        assertTrue(often.err.contains("24 hours"), often.err);
        assertEquals(0, mock.count("documents.update"), "nothing was sent");
        TestSupport.Result unknown = knowledge("update-doc", "123", "--name", "x").run();
        assertEquals(1, unknown.exit, unknown.toString());
        assertEquals("", unknown.out);
        assertTrue(unknown.err.contains("no document 123"), unknown.err);
    }

    @Test
    void documentsAreDeletedFromArgumentsOrStdin() throws Exception {
        String base = create("Docs");
        java.util.Map<String, String> ids = documents(base, "a.md", "b.md", "c.md", "d.md");
        TestSupport.Result r = knowledge("delete-docs", ids.get("a.md"), ids.get("b.md")).run();
        assertEquals(0, r.exit, r.toString());
        assertEquals(ids.get("a.md") + "\n" + ids.get("b.md") + "\n", r.out);
        TestSupport.Result piped = knowledge("delete-docs", "--json").stdin(ids.get("c.md") + "\n\n").run();
        assertEquals(0, piped.exit, piped.toString());
        assertEquals(ids.get("c.md"), Json.str(Json.object(piped.out), "document_id"));
        TestSupport.Result left = knowledge("docs", base).run();
        assertEquals(1, left.out.lines().count(), left.out);
        assertTrue(left.out.startsWith(ids.get("d.md") + "\td.md\t"), left.out);
        TestSupport.Result unknown = knowledge("delete-docs", ids.get("d.md"), "123").run();
        assertEquals(1, unknown.exit, unknown.toString());
        assertTrue(unknown.err.contains("no document 123"), unknown.err);
        assertEquals("", unknown.out, "nothing was deleted, so nothing is printed");
        assertEquals(1, knowledge("docs", base).run().out.lines().count());
        TestSupport.Result none = knowledge("delete-docs").stdin("").run();
        assertEquals(2, none.exit, none.toString());
        assertEquals(2, mock.count("documents.delete"));
    }

    @Test
    void helpOfTheDocumentCommandsHasExamples() throws Exception {
        for (String command : List.of("update-doc", "delete-docs")) {
            TestSupport.Result help = knowledge(command, "--help").run();
            assertEquals(0, help.exit, help.toString());
            assertTrue(help.out.contains("Examples:") && help.out.contains("coze-knowledge " + command) && help.out.contains("--json"), help.out);
        }
    }
}
