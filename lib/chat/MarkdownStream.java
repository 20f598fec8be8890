package lib.chat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lib.core.Style;

/**
 * Markdown made readable at a terminal while it streams, without ever redrawing: text is printed as
 * it arrives. Only the first characters of a line wait until it is clear whether they open a heading,
 * a list item, a quote or a code fence, and a lone `*` waits for the character after it. Headings
 * and `**bold**` are bold, `*emphasis*` italic, code cyan, fences and quote bars dim. Inline styles
 * end with their line, so an unclosed marker cannot colour the rest of an answer.
 */
public final class MarkdownStream {
    /** A line start that may still become a marker: spaces, `#`…, a bullet, digits, `>` or up to three backticks. */
    private static final Pattern UNDECIDED = Pattern.compile(" {0,8}(#{1,6}|[-*+]|\\d{1,3}\\.?|>|`{1,2})?");
    private static final Pattern HEADING = Pattern.compile(" {0,3}#{1,6} "), BULLET = Pattern.compile("( *)[-*+] "),
            QUOTE = Pattern.compile(" {0,3}> "), FENCE = Pattern.compile(" {0,3}```");

    private enum Line { TEXT, HEADING, FENCE, CODE }

    private final Style style;
    private final StringBuilder held = new StringBuilder();
    private boolean atLineStart = true, inFence, bold, italic, code, starHeld;
    private Line line = Line.TEXT;
    private char previous = ' ';

    public MarkdownStream(Style style) {
        this.style = style;
    }

    /** The styled text to print now for this piece of the answer (control characters already made visible). */
    public String feed(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) accept(text.charAt(i), out);
        return out.toString();
    }

    /** Whatever is still held, and the styles closed: the answer is over. */
    public String finish() {
        StringBuilder out = new StringBuilder();
        if (atLineStart && held.length() > 0) decide(out);
        releaseStar(' ', out);
        if (bold || italic || code || line != Line.TEXT) out.append(style.reset());
        bold = italic = code = false;
        line = Line.TEXT;
        atLineStart = true;
        return out.toString();
    }

    private void accept(char c, StringBuilder out) {
        if (atLineStart) {
            if (c != '\n') {
                held.append(c);
                if (UNDECIDED.matcher(held).matches()) return;
            }
            decide(out);
            if (c == '\n') endLine(out);
            return;
        }
        if (c == '\n') endLine(out);
        else if (line == Line.FENCE || line == Line.CODE) out.append(c);
        else inline(c, out);
    }

    /** The held start of a line is now known: print its marker as styled, and the rest as text. */
    private void decide(StringBuilder out) {
        String start = held.toString();
        held.setLength(0);
        atLineStart = false;
        Matcher m;
        if (FENCE.matcher(start).lookingAt()) {
            line = Line.FENCE;
            out.append(style.start("2")).append(start);
            return;
        }
        if (inFence) {
            line = Line.CODE;
            out.append(style.start("36")).append(start);
            return;
        }
        line = Line.TEXT;
        String rest = start;
        if ((m = HEADING.matcher(start)).lookingAt()) {
            line = Line.HEADING;
            out.append(style.start("1"));
            rest = start.substring(m.end());
        } else if ((m = BULLET.matcher(start)).lookingAt()) {
            out.append(m.group(1)).append("• ");
            rest = start.substring(m.end());
        } else if ((m = QUOTE.matcher(start)).lookingAt()) {
            out.append(style.dim("│ "));
            rest = start.substring(m.end());
        }
        for (int i = 0; i < rest.length(); i++) inline(rest.charAt(i), out);
    }

    private void inline(char c, StringBuilder out) {
        if (code) {
            if (c == '`') toggle(() -> code = false, out);
            else out.append(c);
            previous = c;
            return;
        }
        if (c == '*') {
            if (starHeld) {
                starHeld = false;
                toggle(() -> bold = !bold, out);
            } else starHeld = true;
            return;
        }
        releaseStar(c, out);
        if (c == '`') toggle(() -> code = true, out);
        else out.append(c);
        previous = c;
    }

    /** A lone `*`: emphasis when it opens before a word or closes after one (`2 * 3` stays as it is). */
    private void releaseStar(char next, StringBuilder out) {
        if (!starHeld) return;
        starHeld = false;
        if (italic && previous != ' ') toggle(() -> italic = false, out);
        else if (!italic && next != ' ' && next != '\n') toggle(() -> italic = true, out);
        else out.append('*');
        previous = '*';
    }

    /** Changes one style, then sets the terminal to exactly the styles now on. */
    private void toggle(Runnable change, StringBuilder out) {
        change.run();
        out.append(style.reset());
        if (line == Line.HEADING || bold) out.append(style.start("1"));
        if (italic) out.append(style.start("3"));
        if (code) out.append(style.start("36"));
    }

    private void endLine(StringBuilder out) {
        releaseStar('\n', out);
        if (line == Line.FENCE) inFence = !inFence;
        if (bold || italic || code || line != Line.TEXT) out.append(style.reset());
        bold = italic = code = false;
        line = Line.TEXT;
        previous = ' ';
        atLineStart = true;
        out.append('\n');
    }
}
