package lib.chat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lib.core.Style;
import lib.core.Terminal;

/**
 * Markdown made readable at a terminal while it streams, without ever redrawing: text is printed as
 * it arrives. Only the first characters of a line wait until it is clear whether they open a heading,
 * a list item, a quote or a code fence, and a lone `*` waits for the character after it. Headings
 * and `**bold**` are bold, `*emphasis*` italic, code cyan, fences and quote bars dim. Inline styles
 * end with their line, so an unclosed marker cannot colour the rest of an answer. A table (`| a | b |`
 * rows with a `|---|` row second) is the one thing held whole: its columns can only be aligned once its
 * last row is in, and it is shown as written when it is not a table or is wider than the terminal.
 */
public final class MarkdownStream {
    /** A line start that may still become a marker: spaces, `#`…, a bullet, digits, `>` or up to three backticks. */
    private static final Pattern UNDECIDED = Pattern.compile(" {0,8}(#{1,6}|[-*+]|\\d{1,3}\\.?|>|`{1,2})?");
    private static final Pattern HEADING = Pattern.compile(" {0,3}#{1,6} "), BULLET = Pattern.compile("( *)[-*+] "),
            QUOTE = Pattern.compile(" {0,3}> "), FENCE = Pattern.compile(" {0,3}```"), TABLE_ROW = Pattern.compile(" {0,3}\\|"),
            DELIMITER = Pattern.compile(" *:?-+:? *"), CELL_BORDER = Pattern.compile("(?<!\\\\)\\|");

    private enum Line { TEXT, HEADING, FENCE, CODE, TABLE }

    private final Style style;
    private final IntSupplier columns;
    private final StringBuilder held = new StringBuilder(), row = new StringBuilder();
    private final List<String> table = new ArrayList<>();
    private boolean atLineStart = true, inFence, bold, italic, code, starHeld;
    private Line line = Line.TEXT;
    private char previous = ' ';

    /** columns: the terminal's width now, asked when a table is complete (it may have been resized). */
    public MarkdownStream(Style style, IntSupplier columns) {
        this.style = style;
        this.columns = columns;
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
        if (line == Line.TABLE) {
            table.add(row.toString());
            row.setLength(0);
            line = Line.TEXT;
            showTable(false, out);
        } else if (!table.isEmpty()) showTable(true, out);
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
        else if (line == Line.TABLE) row.append(c);
        else if (line == Line.FENCE || line == Line.CODE) out.append(c);
        else inline(c, out);
    }

    /** The held start of a line is now known: print its marker as styled, and the rest as text. */
    private void decide(StringBuilder out) {
        String start = held.toString();
        held.setLength(0);
        if (!inFence && TABLE_ROW.matcher(start).lookingAt()) {
            atLineStart = false;
            line = Line.TABLE;
            row.append(start);
            return;
        }
        if (!table.isEmpty()) showTable(true, out);
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
        if (line == Line.TABLE) {
            table.add(row.toString());
            row.setLength(0);
            line = Line.TEXT;
            atLineStart = true;
            if (table.size() == 2 && !delimiterRow(table.get(1))) showTable(true, out); // not a table: no need to wait
            return;
        }
        releaseStar('\n', out);
        if (line == Line.FENCE) inFence = !inFence;
        if (bold || italic || code || line != Line.TEXT) out.append(style.reset());
        bold = italic = code = false;
        line = Line.TEXT;
        previous = ' ';
        atLineStart = true;
        out.append('\n');
    }

    /** The rows held, as aligned columns when they are a table that fits the terminal, else as written; lastLineEnded: the last row's newline came. */
    private void showTable(boolean lastLineEnded, StringBuilder out) {
        List<String> rows = List.copyOf(table);
        table.clear();
        List<List<String>> cells = rows.size() >= 2 && delimiterRow(rows.get(1)) ? rendered(rows) : null;
        int[] widths = cells == null ? null : widths(cells);
        if (widths == null || 3 * (widths.length - 1) + Arrays.stream(widths).sum() > columns.getAsInt()) {
            for (int i = 0; i < rows.size(); i++) {
                for (int j = 0; j < rows.get(i).length(); j++) inline(rows.get(i).charAt(j), out);
                if (i < rows.size() - 1 || lastLineEnded) endLine(out);
            }
            return;
        }
        String cross = style.dim("─┼─"), bar = style.dim(" │ ");
        List<String> alignments = cells(rows.get(1));
        for (int r = 0; r < cells.size(); r++) {
            if (r == 1) {
                for (int c = 0; c < widths.length; c++) out.append(c == 0 ? "" : cross).append(style.dim("─".repeat(widths[c])));
                out.append('\n');
            }
            List<String> rowCells = cells.get(r);
            for (int c = 0; c < widths.length; c++) {
                String cell = rowCells.get(c), a = alignments.get(c).strip();
                int pad = widths[c] - Terminal.width(cell);
                int left = a.endsWith(":") ? (a.startsWith(":") ? pad / 2 : pad) : 0;
                boolean last = c == widths.length - 1;
                out.append(c == 0 ? "" : bar).append(" ".repeat(left)).append(cell).append(last && left == 0 ? "" : " ".repeat(pad - left));
            }
            if (r < cells.size() - 1 || lastLineEnded) out.append('\n');
        }
    }

    /** The table's cells rendered (the header bold), the delimiter row left out; null when the header and delimiter rows differ in cells. */
    private List<List<String>> rendered(List<String> rows) {
        int count = cells(rows.get(1)).size();
        if (cells(rows.get(0)).size() != count) return null;
        List<List<String>> rendered = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            if (r == 1) continue;
            List<String> cells = cells(rows.get(r)), shown = new ArrayList<>();
            for (int c = 0; c < count; c++) shown.add(cell(c < cells.size() ? cells.get(c).strip().replace("\\|", "|") : "", r == 0));
            rendered.add(shown);
        }
        return rendered;
    }

    private static int[] widths(List<List<String>> cells) {
        int[] widths = new int[cells.get(0).size()];
        for (List<String> row : cells)
            for (int c = 0; c < widths.length; c++) widths[c] = Math.max(widths[c], Terminal.width(row.get(c)));
        return widths;
    }

    /** One cell's inline Markdown, its styles closed at its end; a header's bold. */
    private String cell(String text, boolean header) {
        StringBuilder out = new StringBuilder();
        line = header ? Line.HEADING : Line.TEXT;
        if (header) out.append(style.start("1"));
        for (int i = 0; i < text.length(); i++) inline(text.charAt(i), out);
        releaseStar(' ', out);
        if (bold || italic || code || header) out.append(style.reset());
        bold = italic = code = false;
        line = Line.TEXT;
        previous = ' ';
        return out.toString();
    }

    /** A row's cells between its outer pipes (an escaped `\\|` is text). */
    private static List<String> cells(String row) {
        String inner = row.strip();
        inner = inner.substring(1);
        if (inner.endsWith("|") && !inner.endsWith("\\|")) inner = inner.substring(0, inner.length() - 1);
        return List.of(CELL_BORDER.split(inner, -1));
    }

    private static boolean delimiterRow(String row) {
        for (String cell : cells(row)) if (!DELIMITER.matcher(cell).matches()) return false;
        return true;
    }
}
