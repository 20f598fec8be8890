import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fault switches: `name` or `name=value`, for every chat or for one scripted bot. */
final class MockFaults {
    final Map<String, String> values = new LinkedHashMap<>();

    static MockFaults parse(List<String> specs) {
        MockFaults f = new MockFaults();
        for (String s : specs) {
            int eq = s.indexOf('=');
            f.values.put(eq < 0 ? s.trim() : s.substring(0, eq).trim(), eq < 0 ? "" : s.substring(eq + 1).trim());
        }
        return f;
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
