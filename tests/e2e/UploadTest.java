import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** coze-chat -a: an upload is timed by its progress, not in total. */
class UploadTest {
    /** A server that takes the first bytes of a 32 MB upload and then reads no more: given up after --idle-timeout, not a minute. */
    @Test
    void anUploadThatStopsMovingIsGivenUpAtTheIdleTimeout() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/files/upload", ex -> {
            try (InputStream in = ex.getRequestBody()) {
                in.readNBytes(64 * 1024);
                Thread.sleep(60_000);
            } catch (InterruptedException | java.io.IOException stopped) {
                // the test is over
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        Path home = Files.createTempDirectory("coze-upload");
        Path big = home.resolve("big.bin");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(32L * 1024 * 1024);
        }
        try {
            long start = System.nanoTime();
            TestSupport.Result r = TestSupport.script(CozeChat.class, home, "--bot", "7443", "--idle-timeout", "2s", "-a", big.toString(), "hi")
                    .env("COZE_API_BASE", "http://127.0.0.1:" + server.getAddress().getPort()).pat().run();
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertEquals(5, r.exit, r.toString());
            assertTrue(r.err.contains("the upload made no progress for 2 s"), r.err);
            assertEquals(1, r.err.lines().filter(l -> l.contains("error")).count(), "one line: " + r.err);
            assertTrue(seconds < 30, "given up after the idle timeout, not the minute of a whole request: " + seconds + " s");
        } finally {
            server.stop(0);
        }
    }
}
