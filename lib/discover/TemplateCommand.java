package lib.discover;

import java.util.concurrent.Callable;
import lib.auth.Credentials;
import lib.core.CozeCli;
import lib.core.CozeException;
import lib.core.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** `coze-chat template …`: Coze's bot templates. */
@Command(name = "template", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
        subcommands = TemplateCommand.Duplicate.class,
        description = "Coze's bot templates (only as coze-chat's first word: a message that starts with \"template\" needs quotes).",
        footer = {"", "Examples:", "  coze-chat template duplicate 7418... --workspace 7000...", "  coze-chat template duplicate --help"})
public final class TemplateCommand implements Callable<Integer> {
    @Mixin
    CozeCli.Common common;

    @Override
    public Integer call() {
        refuseAfterMessageWords(common.spec);
        common.spec.commandLine().usage(common.err());
        return CozeException.USAGE;
    }

    /**
     * picocli takes the word "template" as this command wherever it stands, so `coze-chat tell me
     * about a template` would land here: words or options given to coze-chat before it mean a
     * message, refused with the way to send it rather than sent in part or not at all.
     */
    static void refuseAfterMessageWords(CommandSpec template) {
        CommandSpec chat = template.parent();
        if (chat == null) return;
        var parsed = chat.commandLine().getParseResult();
        if (parsed != null && (!parsed.matchedPositionals().isEmpty() || !parsed.matchedOptions().isEmpty()))
            throw new CozeException(CozeException.USAGE, "\"template\" in the middle of a message starts coze-chat's template command",
                    "quote the message (coze-chat \"… template …\"), or put -- before it");
    }

    @Command(name = "duplicate", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
            description = {"Copy a template into a workspace. stdout has the new bot's ID and type (agent), tab-separated,",
                    "or Coze's JSON object with --json; nothing else."},
            footer = {"", "Examples:", "  coze-chat template duplicate 7418... --workspace 7000...",
                    "  bot=$(coze-chat template duplicate 7418... --name \"Trip planner\" | cut -f1)",
                    "  coze-chat template duplicate 7418... --json | jq -r .entity_id", "",
                    "Exit codes: 0 ok, 1 Coze refused (no such template, not your workspace), 2 usage,",
                    "3 rate limited, 4 login needed, 5 network."})
    static final class Duplicate implements Callable<Integer> {
        @Parameters(paramLabel = "TEMPLATE_ID", description = "The template (the number in its address in Coze's template store).")
        String templateId;

        @Option(names = "--workspace", defaultValue = "${env:COZE_WORKSPACE_ID}", paramLabel = "ID",
                description = "Where the copy goes (default: $$COZE_WORKSPACE_ID; coze-chat --list-workspaces shows them).")
        String workspace;

        @Option(names = "--name", paramLabel = "NAME", description = "The copy's name (default: the template's).")
        String name;

        @Option(names = "--json", description = "Print Coze's answer as one JSON object (entity_id, entity_type).")
        boolean json;

        @Mixin
        CozeCli.Site site;

        @Mixin
        CozeCli.Common common;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            refuseAfterMessageWords(spec.parent());
            if (workspace == null || workspace.isBlank())
                throw new CozeException(CozeException.USAGE, "no workspace to copy the template into",
                        "give --workspace ID or set COZE_WORKSPACE_ID (coze-chat --list-workspaces shows them)");
            Credentials creds = Credentials.of(common);
            Templates.Copy copy = new Templates(creds.http(creds.apiBase(site.apiBase, common.insecureHttp)))
                    .duplicate(templateId, workspace.strip(), name);
            common.out().println(json ? Json.line(copy.data()) : copy.entityId() + "\t" + copy.entityType());
            common.say("coze-chat: template " + templateId + " copied into workspace " + workspace.strip() + " as " + copy.entityType() + " "
                    + copy.entityId());
            return 0;
        }

    }
}
