import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * The least a JVM does for coze-chat's answer: one JDK HttpClient request to COZE_API_BASE, the
 * answer's deltas to stdout, with no options to parse, no login to read and no JSON parser; or, for
 * `--version`, one line. BenchStart gives it the same JVM options and class data as coze-chat, so
 * what it measures is the JVM's own floor, below which no Java command can start.
 */
public class Floor {
    public static void main(String[] args) throws Exception {
        if (args[0].equals("--version")) {
            System.out.println("floor 1");
            return;
        }
        String body = "{\"bot_id\":\"" + args[1] + "\",\"user_id\":\"floor\",\"stream\":true,\"additional_messages\":"
                + "[{\"role\":\"user\",\"content\":\"" + args[3] + "\",\"content_type\":\"text\"}]}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(System.getenv("COZE_API_BASE") + "/v3/chat"))
                .header("Authorization", "Bearer " + System.getenv("COZE_API_TOKEN")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<java.io.InputStream> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        String event = "";
        for (String line; (line = lines.readLine()) != null; ) {
            if (line.startsWith("event:")) event = line.substring(6);
            else if (event.equals("done")) break;
            else if (line.startsWith("data:") && event.equals("conversation.message.delta") && line.contains("\"type\":\"answer\"")) {
                int at = line.indexOf("\"content\":\"") + 11;
                System.out.print(line.substring(at, line.indexOf('"', at)));
                System.out.flush();
            }
        }
        System.exit(0);
    }
}
