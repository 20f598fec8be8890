import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The JVM's floor for BenchStart: bench/floor/Floor.java compiled into a jar of its own and started
 * directly, with coze-chat's JVM options, the benchmark's trust store and class data trained the way
 * FastLaunch trains it (a static archive on JDK 17-24, an AOT cache on JDK 25+).
 */
final class BenchFloor {
    private BenchFloor() {}

    static BenchStart.Way make(Bench bench, Bench.Proto https, String name, Path jdk) throws Exception {
        Path dir = Files.createDirectories(bench.home.resolve("floor-" + Bench.feature(jdk))), classes = dir.resolve("classes"), jar = dir.resolve("floor.jar");
        run(List.of(jdk.resolve("bin/javac").toString(), "--release", "17", "-d", classes.toString(), Bench.ROOT.resolve("bench/floor/Floor.java").toString()), Map.of());
        run(List.of(jdk.resolve("bin/jar").toString(), "--create", "--file", jar.toString(), "-C", classes.toString(), "."), Map.of());
        List<String> java = new ArrayList<>(List.of(jdk.resolve("bin/java").toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:MaxRAM=128m",
                "-Xlog:disable", "-Xlog:all=error:stderr"));
        java.addAll(bench.tls.trustOptions());
        java.addAll(List.of("-cp", jar.toString()));
        Map<String, String> api = Map.of("COZE_API_BASE", https.mock().baseUrl(), "COZE_API_TOKEN", Bench.PAT);
        List<String> chat = List.of("Floor", "--bot", "echo", "-q", "training");
        String classData;
        if (Bench.feature(jdk) >= 25) {
            Path aot = dir.resolve("floor.aot");
            run(join(java, List.of("-XX:AOTCacheOutput=" + aot), chat), api);
            classData = "-XX:AOTCache=" + aot;
        } else {
            Path list = dir.resolve("classes.list"), archive = dir.resolve("floor.jsa");
            run(join(java, List.of("-XX:DumpLoadedClassList=" + list), chat), api);
            run(join(java, List.of("-Xshare:dump", "-XX:SharedClassListFile=" + list, "-XX:SharedArchiveFile=" + archive)), Map.of());
            classData = "-XX:SharedArchiveFile=" + archive;
        }
        return new BenchStart.Way(name, join(java, List.of(classData, "Floor")), Map.of());
    }

    @SafeVarargs
    private static List<String> join(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> p : parts) all.addAll(p);
        return all;
    }

    private static void run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(3, TimeUnit.MINUTES) || p.exitValue() != 0) throw new IllegalStateException("the floor's build failed: " + String.join(" ", command));
    }
}
