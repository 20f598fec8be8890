///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS com.google.code.gson:gson:2.13.1
//SOURCES lib/core/Folder.java lib/http/Folder.java lib/auth/Folder.java lib/knowledge/Folder.java
// Sources are UTF-8 whatever the locale (javac would read them as ASCII where LANG is unset);
// Ctrl-C handling uses sun.misc.Signal, which javac would warn about. String joins compile to
// StringBuilder calls: by default each shape spins a class at its first use, ~1 ms of start-up each.
//COMPILE_OPTIONS -encoding UTF-8 -XDignore.symbol.file -XDstringConcat=inline
// A short-lived CLI, started as the other commands are (docs/PERFORMANCE.md).
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:MaxRAM=128m -Xlog:disable -Xlog:all=error:stderr
//JAVA_OPTIONS --add-opens=java.net.http/jdk.internal.net.http=ALL-UNNAMED
//DESCRIPTION Coze knowledge bases from the shell: list, create, update, delete; add files and web pages and wait for their processing.

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import lib.auth.Credentials;
import lib.core.CozeCli;
import lib.core.CozeException;
import lib.core.Input;
import lib.core.ProgressLine;
import lib.core.Terminal;
import lib.http.CozeHttp;
import lib.knowledge.DocumentSource;
import lib.knowledge.Knowledge;
import lib.knowledge.KnowledgeOutput;
import lib.knowledge.Uploads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "coze-knowledge", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
        subcommands = {CozeKnowledge.ListBases.class, CozeKnowledge.Create.class, CozeKnowledge.Update.class, CozeKnowledge.Delete.class,
                CozeKnowledge.Docs.class, CozeKnowledge.Add.class, CozeKnowledge.UpdateDoc.class, CozeKnowledge.DeleteDocs.class},
        description = {"Coze knowledge bases: results on stdout (tab-separated, or JSON lines with --json), everything else on stderr."},
        footer = {"", "Examples:", "  coze-knowledge list --workspace 7000...", "  id=$(coze-knowledge create \"Handbook\" --workspace 7000...)",
                "  coze-knowledge add \"$id\" docs/*.md https://example.com/faq --wait", "  coze-knowledge docs \"$id\" --json",
                "  coze-knowledge update-doc 7386... --name \"FAQ\" --auto-update 24",
                "  coze-knowledge docs \"$id\" | cut -f1 | coze-knowledge delete-docs", "",
                "Exit codes: 0 ok, 1 Coze refused or a document failed, 2 usage,",
                "3 rate limited, 4 login needed, 5 network or --timeout passed,", "130 interrupted, 141 stdout was closed."})
public class CozeKnowledge implements Callable<Integer> {
    @Mixin
    CozeCli.Common common;

    public static void main(String... args) {
        CozeCli.main(new CozeKnowledge(), args);
    }

    @Override
    public Integer call() {
        common.spec.commandLine().usage(common.err());
        return 2;
    }

    /** What every subcommand has: the site, the common options, --json, and the knowledge API with the login's credentials. */
    abstract static class Sub implements Callable<Integer> {
        @Option(names = "--json", description = "One JSON object per line, as Coze describes it.")
        boolean json;

        @Mixin
        CozeCli.Site site;

        @Mixin
        CozeCli.Common common;

        Knowledge knowledge() {
            Credentials creds = Credentials.of(common);
            CozeHttp http = creds.http(creds.apiBase(site.apiBase, common.insecureHttp));
            return new Knowledge(http);
        }

        KnowledgeOutput out() {
            return new KnowledgeOutput(common.out(), json);
        }
    }

    /** The workspace a base lives in: `coze-chat --list-workspaces` shows the ids. */
    static class Workspace {
        @Option(names = "--workspace", required = true, defaultValue = "${env:COZE_WORKSPACE_ID}", paramLabel = "ID",
                description = "The workspace (default: $$COZE_WORKSPACE_ID; coze-chat --list-workspaces shows them).")
        String id;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
            description = "The workspace's knowledge bases: ID, name, number of documents.")
    static class ListBases extends Sub {
        @Mixin
        Workspace workspace;

        @Option(names = "--name", paramLabel = "TEXT", description = "Only those whose name contains TEXT.")
        String name;

        @Override
        public Integer call() {
            out().datasets(knowledge().list(workspace.id, name));
            return 0;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
            description = "Create a knowledge base and print its ID.")
    static class Create extends Sub {
        @Parameters(paramLabel = "NAME")
        String name;

        @Mixin
        Workspace workspace;

        @Option(names = "--description", paramLabel = "TEXT")
        String description;

        @Option(names = "--type", defaultValue = "text", paramLabel = "text|table|image", description = "What it holds (default: ${DEFAULT-VALUE}).")
        Type type;

        enum Type { text, table, image }

        @Override
        public Integer call() {
            out().value("dataset_id", knowledge().create(workspace.id, name, description, type.ordinal()));
            return 0;
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
            description = {"Rename a knowledge base. Coze sets the description anew: give it again to keep it."})
    static class Update extends Sub {
        @Parameters(paramLabel = "DATASET_ID")
        String id;

        @Option(names = "--name", required = true, paramLabel = "NAME")
        String name;

        @Option(names = "--description", paramLabel = "TEXT")
        String description;

        @Override
        public Integer call() {
            knowledge().update(id, name, description);
            common.say("coze-knowledge: updated " + id);
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
            description = "Delete a knowledge base with all its documents; bots that use it lose it.")
    static class Delete extends Sub {
        @Parameters(paramLabel = "DATASET_ID")
        String id;

        @Override
        public Integer call() {
            knowledge().delete(id);
            common.say("coze-knowledge: deleted " + id);
            return 0;
        }
    }

    @Command(name = "docs", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
            description = "A knowledge base's documents: ID, name, processing state.")
    static class Docs extends Sub {
        @Parameters(paramLabel = "DATASET_ID")
        String id;

        @Override
        public Integer call() {
            out().documents(knowledge().documents(id));
            return 0;
        }
    }

    @Command(name = "update-doc", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
            description = {"Rename a document, or say whether Coze fetches a web page again (and how often).",
                    "Prints the document's ID (or {\"document_id\": …} with --json) once Coze has taken the change."},
            footer = {"", "Examples:", "  coze-knowledge update-doc 7386... --name \"Onboarding FAQ\"",
                    "  coze-knowledge update-doc 7386... --auto-update 48", "  coze-knowledge update-doc 7386... --no-auto-update --json"})
    static class UpdateDoc extends Sub {
        @Parameters(paramLabel = "DOCUMENT_ID", description = "The document (coze-knowledge docs shows the ids).")
        String id;

        @Option(names = "--name", paramLabel = "NAME", description = "The document's new name.")
        String name;

        @Option(names = "--auto-update", paramLabel = "HOURS", description = "A web page: fetch it again every HOURS hours (24 at least).")
        Integer autoUpdate;

        @Option(names = "--no-auto-update", description = "A web page: stop fetching it again.")
        boolean noAutoUpdate;

        @Override
        public Integer call() {
            if (name == null && autoUpdate == null && !noAutoUpdate)
                throw new CozeException(CozeException.USAGE, "nothing to change", "give --name, --auto-update HOURS or --no-auto-update");
            if (autoUpdate != null && noAutoUpdate)
                throw new CozeException(CozeException.USAGE, "--auto-update and --no-auto-update both given", "give one of them");
            if (autoUpdate != null && autoUpdate < Knowledge.UpdateRule.MIN_INTERVAL_HOURS)
                throw new CozeException(CozeException.USAGE, "--auto-update is " + autoUpdate + " hours",
                        "Coze fetches a page again every " + Knowledge.UpdateRule.MIN_INTERVAL_HOURS + " hours at most often");
            Knowledge.UpdateRule rule = autoUpdate != null ? new Knowledge.UpdateRule(true, autoUpdate)
                    : noAutoUpdate ? new Knowledge.UpdateRule(false, Knowledge.UpdateRule.MIN_INTERVAL_HOURS) : null;
            knowledge().updateDocument(id, name, rule);
            out().value("document_id", id);
            common.say("coze-knowledge: updated document " + id);
            return 0;
        }
    }

    @Command(name = "delete-docs", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
            description = {"Delete documents from their knowledge base (IDs as arguments, or one per line on stdin).",
                    "Prints each deleted ID (or {\"document_id\": …} with --json) once Coze has deleted it."},
            footer = {"", "Examples:", "  coze-knowledge delete-docs 7386... 7387...",
                    "  coze-knowledge docs \"$kb\" | cut -f1 | coze-knowledge delete-docs   # empty a base",
                    "", "Exit codes: 0 all deleted, 1 Coze refused (the IDs printed before it were deleted), 2 usage."})
    static class DeleteDocs extends Sub {
        /** An ID is a 19-digit number; a longer line is not one. */
        static final int MAX_ID_BYTES = 256;

        @Parameters(arity = "0..*", paramLabel = "DOCUMENT_ID", description = "The documents (coze-knowledge docs shows the ids).")
        List<String> ids = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            List<String> all = new ArrayList<>(ids);
            if (all.isEmpty() && !Terminal.stdin())
                for (String line; (line = Input.line(System.in, MAX_ID_BYTES, "a document ID on stdin")) != null; ) all.add(line);
            all.replaceAll(String::strip);
            all.removeIf(String::isEmpty);
            if (all.isEmpty()) throw new CozeException(CozeException.USAGE, "no document to delete", "give document IDs (coze-knowledge docs shows them)");
            KnowledgeOutput out = out();
            knowledge().deleteDocuments(all.stream().distinct().toList(), batch -> batch.forEach(d -> out.value("document_id", d)));
            common.say("coze-knowledge: deleted " + all.stream().distinct().count() + " document(s)");
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
            description = {"Add local files (txt, md, pdf, docx, …; streamed, not read into memory) and web pages (http/https).",
                    "Each added document is printed (ID, name, state); with --wait once its processing has ended."},
            footer = {"", "Exit codes: 0 all made it, 1 one or more were refused or failed in processing",
                    "(said on stderr), 5 --timeout passed."})
    static class Add extends Sub {
        @Parameters(index = "0", paramLabel = "DATASET_ID")
        String id;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "FILE|URL")
        List<String> sources;

        @Option(names = "--wait", description = "Wait until Coze has processed every document.")
        boolean await;

        @Option(names = "--timeout", defaultValue = "30m", converter = CozeCli.DurationConverter.class, paramLabel = "DURATION",
                description = "With --wait: give up (exit 5) after this long (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() throws InterruptedException {
            List<DocumentSource> docs = sources.stream().map(DocumentSource::of).toList();
            new Uploads(knowledge(), out(), line -> common.say("coze-knowledge: " + line), ProgressLine.onStderr())
                    .add(id, docs, await, timeout);
            return 0;
        }
    }
}
