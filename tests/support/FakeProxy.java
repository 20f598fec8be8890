import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A local HTTP proxy that wants Basic credentials: 407 without the right ones; with them it answers a
 * plain request itself with `answer` (as if from Coze) and accepts a CONNECT, then hangs up (no TLS).
 */
final class FakeProxy implements AutoCloseable {
    /** One request as the proxy saw it: its request line and its Proxy-Authorization header (or null). */
    record Seen(String requestLine, String proxyAuthorization) {}

    private final ServerSocket socket;
    private final String expected;
    private final byte[] answer;
    final List<Seen> seen = new ArrayList<>();

    FakeProxy(String user, String password, String contentType, String body) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        answer = concat(("HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\nContent-Length: " + b.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII), b);
        Thread t = new Thread(this::serve, "fake-proxy");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    synchronized List<Seen> seen() {
        return List.copyOf(seen);
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket s = socket.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                String requestLine = in.readLine();
                String auth = null;
                int length = 0;
                for (String h; (h = in.readLine()) != null && !h.isEmpty(); ) {
                    String name = h.substring(0, Math.max(0, h.indexOf(':'))).trim();
                    if (name.equalsIgnoreCase("Proxy-Authorization")) auth = h.substring(h.indexOf(':') + 1).trim();
                    if (name.equalsIgnoreCase("Content-Length")) length = Integer.parseInt(h.substring(h.indexOf(':') + 1).trim());
                }
                in.skip(length);
                synchronized (this) {
                    seen.add(new Seen(requestLine, auth));
                }
                OutputStream out = s.getOutputStream();
                if (!expected.equals(auth))
                    out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                            + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                else if (requestLine != null && requestLine.startsWith("CONNECT "))
                    out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                else out.write(answer);
                out.flush();
            } catch (IOException | RuntimeException e) {
                // a client that left, or the proxy closing
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
