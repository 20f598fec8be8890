package lib.chat;

import java.util.function.IntSupplier;
import lib.core.CozeCli;
import lib.core.Os;
import lib.core.Style;
import lib.core.Terminal;
import lib.discover.Listing;

/**
 * How coze-chat shows its turns and lists, known once: what stdout and stderr are does not change
 * while the command runs. The REPL's turns are told apart from a one-shot's (notes, Ctrl-C).
 */
public final class TurnView {
    private final CozeCli.Common common;
    private final boolean json;
    private final TextOutput.Look look;
    /** Whether a later coze-chat -c can follow on: not when this home or this memory is thrown away. */
    private boolean continuable = true;
    private volatile boolean inRepl;

    public TurnView(CozeCli.Common common, boolean reasoning, boolean raw, boolean json) {
        this.common = common;
        this.json = json;
        this.look = new TextOutput.Look(reasoning && !common.quiet, Terminal.stdoutMayBe(), raw ? Style.NONE : Style.stdout(),
                common.quiet ? Style.NONE : Style.stderr(), () -> Terminal.columns(System.getenv()));
    }

    public void continuable(boolean can) {
        continuable = can;
    }

    public void enterRepl() {
        inRepl = true;
    }

    public boolean inRepl() {
        return inRepl;
    }

    /** The style of what is said about the answer (dim at a terminal). */
    public Style meta() {
        return look.meta();
    }

    /** A one-shot turn's output: JSON events with --json, else the text. */
    public ChatOutput output() {
        return json ? new JsonOutput(common.out()) : text();
    }

    public TextOutput text() {
        return text(look);
    }

    /** The REPL's text, in the terminal's width as it is at each turn. */
    public TextOutput text(IntSupplier columns) {
        return text(look.inColumns(columns));
    }

    private TextOutput text(TextOutput.Look look) {
        return new TextOutput(common.out(), common.err(), look, line -> notes().line("coze-chat: " + line));
    }

    public TurnNotes notes() {
        return new TurnNotes(common.err(), common.quiet ? null : look.meta(), inRepl, json, !continuable, Os.current());
    }

    public Listing listing() {
        return new Listing(common.out(), json, look.toTerminal());
    }
}
