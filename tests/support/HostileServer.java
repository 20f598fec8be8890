import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/** A server that answers every request with what the test writes: what a hostile or broken Coze could send. */
final class HostileServer implements AutoCloseable {
    /** The body of every answer, written as it goes (the status is 200). */
    interface Body {
        void write(OutputStream out) throws IOException;
    }

    private final HttpServer server;

    private HostileServer(HttpServer server) {
        this.server = server;
    }

    static HostileServer start(String contentType, Body body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                body.write(out);
            } catch (IOException clientLeft) {
                // the client stopped reading, as it should when what it got was too much
            }
        });
        server.start();
        return new HostileServer(server);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
