package mock;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fault switches: `name` or `name=value`, for every chat or for one scripted bot. */
public final class MockFaults {
    /** Every fault, with what it does: `--fault` takes only these, and `coze-mock --help` lists them. A `=N` takes a number. */
    public static final Map<String, String> KNOWN = new LinkedHashMap<>();

    static {
        known("delay=MS", "wait this long before answering a chat");
        known("drip=MS", "pause this long between stream events");
        known("one-byte", "write the stream one byte at a time");
        known("crlf", "end the stream's lines with CRLF");
        known("deltas=N", "echo bots answer with N small deltas");
        known("drop=N", "close the connection after N events");
        known("drop-mid=N", "close it in the middle of event N");
        known("cut=N", "end the response cleanly after N events, with no done");
        known("reset", "reset the connection instead of answering");
        known("httpNNN=N", "answer the first N chats with HTTP status NNN");
        known("retry-after=S", "send Retry-After: S with those statuses");
        known("json-error=CODE", "answer with Coze's error envelope and this code");
        known("no-permission", "answer 4101, the token lacks the chat permission");
        known("wrong-type", "answer with an HTML page");
        known("chat-failed", "end with chat.failed (a Chat with last_error)");
        known("chat-failed-flat", "the same, as {code,msg} itself");
        known("error-event=CODE", "end with an error event");
        known("no-done", "leave out the final done event");
        known("keep-open", "keep the connection open after done");
        known("stall", "stop sending after the first delta");
        known("gap=MS", "be silent this long after the first delta");
        known("ping=MS", "send keep-alive comments this often while silent");
        known("gate", "hold the answer until a test opens the gate");
        known("requires-action", "ask for a local plugin (submit_tool_outputs)");
        known("tool-messages", "send plugin call, plugin answer and recall messages");
        known("no-deltas", "send the answer only as a completed message");
        known("card", "answer with a card");
        known("token-delay=MS", "wait this long before answering a token request");
        known("device-fast-ok", "let the device flow poll faster than its interval");
    }

    private static void known(String spec, String what) {
        KNOWN.put(spec, what);
    }

    final Map<String, String> values = new LinkedHashMap<>();

    /** Throws IllegalArgumentException, saying which and why, for an unknown fault or a value that is not a number. */
    public static MockFaults parse(List<String> specs) {
        MockFaults f = new MockFaults();
        for (String s : specs) {
            int eq = s.indexOf('=');
            String name = eq < 0 ? s.trim() : s.substring(0, eq).trim(), value = eq < 0 ? "" : s.substring(eq + 1).trim();
            String key = name.matches("http\\d{3}") ? "httpNNN" : name;
            if (KNOWN.keySet().stream().noneMatch(k -> k.replaceFirst("=.*", "").equals(key)))
                throw new IllegalArgumentException("unknown fault '" + name + "'");
            if (!value.isEmpty() && !value.matches("\\d+"))
                throw new IllegalArgumentException("fault " + name + " takes a number, not '" + value + "'");
            f.values.put(name, value);
        }
        return f;
    }

    /** The faults for `--help`, one a line. */
    public static String help() {
        StringBuilder sb = new StringBuilder();
        KNOWN.forEach((k, v) -> sb.append(String.format("  %-18s %s%n", k, v)));
        return sb.toString();
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    long num(String name, long fallback) {
        String v = values.get(name);
        return v == null || v.isEmpty() ? fallback : Long.parseLong(v);
    }

    MockFaults with(MockFaults more) {
        MockFaults f = new MockFaults();
        f.values.putAll(values);
        f.values.putAll(more.values);
        return f;
    }
}
