package lib.core;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

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

    /** When this JVM writes a class archive at exit: runs exercise(base) against a server answering `body` to every request. */
    public static void ifArchiving(String contentType, String body, Consumer<String> exercise) {
        if (!archivingAtExit()) return;
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpServer server = null;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().set("Content-Type", contentType);
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            });
            server.start();
            exercise.accept("http://127.0.0.1:" + server.getAddress().getPort());
            helloOverTls();
        } catch (IOException | RuntimeException e) {
            // Best effort: the archive is only less complete, and the user's command has already run.
        } finally {
            if (server != null) server.stop(0);
        }
    }

    /**
     * The rehearsal's server speaks plain HTTP, but Coze is HTTPS: the TLS context, the trust store
     * and a client's first handshake message are made here too, so that their classes are archived.
     */
    private static void helloOverTls() throws IOException {
        try {
            SSLEngine engine = SSLContext.getDefault().createSSLEngine("api.coze.cn", 443);
            engine.setUseClientMode(true);
            engine.beginHandshake();
            engine.wrap(ByteBuffer.allocate(0), ByteBuffer.allocate(engine.getSession().getPacketBufferSize()));
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    /**
     * JBang's first run with //CDS passes -XX:ArchiveClassesAtExit, and so does FastLaunch's trainer
     * (-XX:AOTCacheOutput on JDK 25+); /proc has the whole command line, which ProcessHandle cuts.
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
        return command.contains("-XX:ArchiveClassesAtExit=") || command.contains("-XX:AOTCacheOutput=");
    }
}
