import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A chat's start-up read from `-Xlog:class+load` with uptime: when the first class of each step
 * loaded, how many classes loaded in all and how many of them came from an archive (JBang's CDS
 * archive or an AOT cache), picocli's among them.
 */
record BenchProfile(Map<String, Double> steps, int classes, int archived, int picocli, int picocliArchived, double firstToken) {
    /** Each step, by the first class that only that step loads. */
    static final Map<String, String> STEPS = new LinkedHashMap<>();

    static {
        STEPS.put("the command's main class", "CozeChat");
        STEPS.put("picocli", "picocli.CommandLine");
        STEPS.put("the login (Credentials)", "lib.auth.Credentials");
        STEPS.put("the HTTP client", "jdk.internal.net.http.HttpClientImpl");
        STEPS.put("the TLS context and trust store", "sun.security.ssl.SSLContextImpl");
        STEPS.put("the TLS handshake", "sun.security.ssl.ClientHello");
        STEPS.put("the first event (SSE parser)", "lib.http.SseParser");
    }

    private static final Pattern LINE = Pattern.compile("^\\[(\\d+\\.\\d+)s\\]\\S*\\s+(\\S+) source: (.*)$");

    static BenchProfile read(Path log, double firstToken) throws IOException {
        Map<String, Double> steps = new LinkedHashMap<>();
        int classes = 0, archived = 0, picocli = 0, picocliArchived = 0;
        for (String line : Files.readAllLines(log)) {
            Matcher m = LINE.matcher(line);
            if (!m.find()) continue;
            String name = m.group(2);
            boolean fromArchive = m.group(3).contains("shared objects file") || m.group(3).contains("AOT");
            classes++;
            if (fromArchive) archived++;
            if (name.startsWith("picocli.")) {
                picocli++;
                if (fromArchive) picocliArchived++;
            }
            // The class itself, not a nested one: SseParser's exception class loads with the request, long before the first event.
            for (var step : STEPS.entrySet())
                if (!steps.containsKey(step.getKey()) && name.equals(step.getValue()))
                    steps.put(step.getKey(), Double.parseDouble(m.group(1)) * 1000);
        }
        return new BenchProfile(steps, classes, archived, picocli, picocliArchived, firstToken);
    }

    static String table(Map<String, BenchProfile> profiles) {
        StringBuilder r = new StringBuilder("| step, ms of JVM uptime |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String name : profiles.keySet()) {
            r.append(' ').append(name).append(" |");
            rule.append("---|");
        }
        r.append('\n').append(rule).append('\n');
        for (String step : STEPS.keySet()) {
            r.append("| ").append(step).append(" |");
            for (BenchProfile p : profiles.values()) r.append(cell(p.steps.get(step)));
            r.append('\n');
        }
        row(r, "first token on stdout, from spawn", profiles, p -> String.format(Locale.ROOT, "%.0f", p.firstToken));
        row(r, "classes loaded (archived)", profiles, p -> p.classes + " (" + p.archived + ")");
        row(r, "picocli classes (archived)", profiles, p -> p.picocli + " (" + p.picocliArchived + ")");
        return r.toString();
    }

    private static String cell(Double ms) {
        return ms == null ? " – |" : String.format(Locale.ROOT, " %.0f |", ms);
    }

    private static void row(StringBuilder r, String what, Map<String, BenchProfile> profiles, java.util.function.Function<BenchProfile, String> f) {
        r.append("| ").append(what).append(" |");
        for (BenchProfile p : profiles.values()) r.append(' ').append(f.apply(p)).append(" |");
        r.append('\n');
    }
}
