package lib.http;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.http.HttpClient;

/**
 * JDK 17's HttpClient keeps a selector thread in native code that makes the JVM wait about 330 ms
 * at exit (docs/PERFORMANCE.md). At shutdown this stops it: JDK 21+ has shutdownNow(); on JDK 17
 * the selector manager's own shutdown() is reached through the --add-opens in the commands'
 * //JAVA_OPTIONS. Best effort: without it the exit is only slower.
 */
public final class QuickExit {
    private QuickExit() {}

    static void stopAtExit(HttpClient client) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(client), "coze-http-shutdown"));
    }

    private static void stop(HttpClient client) {
        try {
            try {
                HttpClient.class.getMethod("shutdownNow").invoke(client);
            } catch (NoSuchMethodException jdk17) {
                Object manager = field(field(client, "impl"), "selmgr");
                Method shutdown = manager.getClass().getDeclaredMethod("shutdown");
                shutdown.setAccessible(true);
                shutdown.invoke(manager);
                // Once the thread has left epoll the JVM exits at once, instead of polling it every 10 ms.
                if (manager instanceof Thread selector) selector.join(100);
            }
        } catch (ReflectiveOperationException | RuntimeException notOpened) {
            // without the --add-opens the JVM waits for the selector thread instead
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Object field(Object o, String name) throws ReflectiveOperationException {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }
}
