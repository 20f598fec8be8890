package lib.core;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * JBang's //CDS archives the classes that a command's first run loads, and later runs map only
 * those. When that first run is `--help`, a typo or "not logged in", the archive lacks HTTP, TLS,
 * SSE and JSON, and every later run starts about 0.25 s slower (docs/PERFORMANCE.md). So in that
 * one archiving run the command also rehearses its usual exchange against a canned answer on a
 * loopback port. Never on other runs, never a request that leaves the machine, nothing printed.
 * Each command's rehearsal lives beside what it rehearses (ChatRehearsal, RefreshRehearsal).
 */
public final class ArchiveTraining {
    private ArchiveTraining() {}

    private static final String PASSWORD = "training";

    /**
     * When this JVM writes a class archive at exit: runs exercise(base) against a server answering
     * `body` to every request. Coze is HTTPS, so the server is too, with a key made for this run alone
     * (by the JDK's keytool) that only this rehearsal trusts; the JDK's own trust store is loaded
     * first, as every real run loads it. So the trust store's classes and a whole TLS handshake's are
     * archived too: without them a chat loaded about 200 classes from the JDK's modules. keytool costs
     * about half a second, once: in FastLaunch's background trainer, or at the end of JBang's first run.
     */
    public static void ifArchiving(String contentType, String body, Consumer<String> exercise) {
        if (!archivingAtExit()) return;
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpsServer server = null;
        Path dir = null;
        try {
            SSLContext.getDefault();
            dir = Files.createTempDirectory("coze-training");
            KeyStore key = selfSigned(dir.resolve("training.p12"));
            server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(serving(key)));
            server.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().set("Content-Type", contentType);
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            });
            server.start();
            SSLContext.setDefault(trusting(key));
            exercise.accept("https://127.0.0.1:" + server.getAddress().getPort());
        } catch (IOException | GeneralSecurityException | InterruptedException | RuntimeException e) {
            // Best effort: the archive is only less complete, and the user's command has already run.
        } finally {
            if (server != null) server.stop(0);
            if (dir != null) deleteAll(dir);
        }
    }

    /** A fresh EC key and its certificate for 127.0.0.1, as keytool makes them. */
    private static KeyStore selfSigned(Path file) throws IOException, GeneralSecurityException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", Os.current().windows() ? "keytool.exe" : "keytool");
        Process p = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "training", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "1", "-keystore", file.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        if (!p.waitFor(1, TimeUnit.MINUTES)) p.destroyForcibly();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    private static SSLContext serving(KeyStore key) throws GeneralSecurityException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(key, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private static SSLContext trusting(KeyStore key) throws GeneralSecurityException {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(key);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static void deleteAll(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // A temp folder left behind holds nothing secret: a key of this run's rehearsal only.
        }
    }

    /**
     * JBang's first run with //CDS passes -XX:ArchiveClassesAtExit; FastLaunch's trainer lists the
     * classes for a static archive (-XX:DumpLoadedClassList), or writes an AOT cache on JDK 25+
     * (-XX:AOTCacheOutput); /proc has the whole command line, which ProcessHandle cuts.
     */
    private static boolean archivingAtExit() {
        Path linux = Path.of("/proc/self/cmdline");
        String command;
        try {
            command = Files.isReadable(linux) ? new String(Files.readAllBytes(linux), StandardCharsets.UTF_8)
                    : ProcessHandle.current().info().commandLine().orElse("");
        } catch (IOException e) {
            return false;
        }
        return command.contains("-XX:ArchiveClassesAtExit=") || command.contains("-XX:DumpLoadedClassList=") || command.contains("-XX:AOTCacheOutput=");
    }
}
