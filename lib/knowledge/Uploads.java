package lib.knowledge;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import lib.core.CozeException;
import lib.core.Json;
import lib.core.ProgressLine;

/**
 * Documents added to a knowledge base one at a time, each on stdout once Coze has it; then, with
 * --wait, Coze's processing followed until every one is done or failed. A document Coze refuses is
 * said on stderr and the rest go on; a network or login failure stops the batch, saying which made it.
 */
public final class Uploads {
    private final Knowledge knowledge;
    private final KnowledgeOutput out;
    private final Consumer<String> say;
    /** A line rewritten in place at a terminal's stderr, null elsewhere. */
    private final Consumer<String> progress;

    public Uploads(Knowledge knowledge, KnowledgeOutput out, Consumer<String> say, Consumer<String> progress) {
        this.knowledge = knowledge;
        this.out = out;
        this.say = say;
        this.progress = progress;
    }

    /** Adds them all; with `wait`, until processing ends or `limit` passes. Throws FAILED when any did not make it. */
    public void add(String datasetId, List<DocumentSource> sources, boolean wait, Duration limit) throws InterruptedException {
        List<JsonObject> added = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        int refused = 0;
        for (DocumentSource s : sources) {
            String adding = "adding " + (added.size() + refused + 1) + "/" + sources.size() + ": " + s.name();
            show(adding);
            ProgressLine line = ProgressLine.of(adding, s.size(), progress);
            try {
                JsonObject d;
                try {
                    d = knowledge.add(datasetId, s, line == null ? null : line::sent);
                } finally {
                    if (line != null) line.close();
                }
                added.add(d);
                names.put(Json.str(d, "document_id"), s.name());
                if (!wait) out.document(d, s.name());
            } catch (CozeException e) {
                show(null);
                say.accept(s.name() + ": not added: " + e.line());
                refused++;
                if (e.exitCode == CozeException.FAILED) continue;
                if (wait) added.forEach(d -> out.document(d, names.get(Json.str(d, "document_id"))));
                say.accept(added.size() + " of " + sources.size() + " documents were added before this; the rest were not tried");
                throw e;
            }
        }
        int failed = 0;
        if (wait && !added.isEmpty()) {
            for (JsonObject p : await(datasetId, new ArrayList<>(names.keySet()), limit)) {
                out.document(p, names.get(Json.str(p, "document_id")));
                if (Json.num(p, "status", -1) != Knowledge.DONE) failed++;
            }
        }
        show(null);
        if (refused + failed > 0)
            throw new CozeException(CozeException.FAILED, (refused + failed) + " of " + sources.size() + " documents did not make it"
                    + (refused > 0 ? " (" + refused + " not added)" : "") + (failed > 0 ? " (" + failed + " failed in processing)" : ""));
    }

    /** Asks for the documents' progress, 0.5 s apart at first and then longer (up to 5 s), until none is processing. */
    private List<JsonObject> await(String datasetId, List<String> ids, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        long pause = 500;
        while (true) {
            List<JsonObject> now = knowledge.progress(datasetId, ids);
            long busy = now.stream().filter(p -> Json.num(p, "status", -1) == Knowledge.PROCESSING).count();
            if (busy == 0 && now.size() >= ids.size()) return now;
            show("processing: " + (ids.size() - busy) + "/" + ids.size() + " done");
            if (System.nanoTime() + pause * 1_000_000 > deadline) {
                show(null);
                throw new CozeException(CozeException.NETWORK, busy + " documents are still processing after " + limit.toSeconds() + " s",
                        "wait longer with --timeout, or look later with coze-knowledge docs " + datasetId);
            }
            Thread.sleep(pause);
            pause = Math.min(5_000, pause * 3 / 2);
        }
    }

    /** The progress line, or null to clear it. */
    private void show(String line) {
        if (progress != null) progress.accept(line);
    }
}
