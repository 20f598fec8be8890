package mock;

import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the sections of coze-mock share: the configuration and faults, the ids, the counters, the bots,
 * the threads, and the values tests and the benchmark read. Each section keeps its own records (tokens
 * in MockTokens, conversations in MockConversations, chats in MockChats, files in MockFiles) and the
 * others ask it for them. MockServer is the one subclass, so tests read those values on the server.
 */
public abstract class MockState {
    final MockServer.Config config;
    public volatile MockFaults faults;
    /** Chats since the faults were last set, for the counted faults (`http429=N`). */
    final AtomicInteger chatsUnderFaults = new AtomicInteger();
    final Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();
    /** Filled before the server starts, read only afterwards. */
    final Map<String, MockBots.Bot> bots = new LinkedHashMap<>();
    private final AtomicLong ids = new AtomicLong(7_400_000_000_000_000_000L);
    final CountDownLatch stopping = new CountDownLatch(1);
    /** Serves requests, and the work a chat goes on with after its answer (as Coze does). */
    final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "coze-mock");
        t.setDaemon(true);
        return t;
    });

    /** Tests hold a stream after its first delta until they release this (fault `gate`). */
    public final Semaphore gate = new Semaphore(0);
    /** For the secret checks: the last authorization code issued and code_verifier received. */
    public volatile String lastCode, lastCodeVerifier;
    /** For the secret checks: the last service app assertion (JWT) received. */
    public volatile String lastAssertion;
    /** For the benchmark: when the latest stream's first answer delta and its `done` went out (System.nanoTime), and all bytes streamed. */
    public volatile long firstDeltaSentAt, doneSentAt;
    public final AtomicLong streamedBytes = new AtomicLong();

    MockState(MockServer.Config config) {
        this.config = config;
        this.faults = config.faults;
        MockBots.builtIn(bots);
        if (config.scriptedBots != null) MockBots.load(config.scriptedBots, bots);
    }

    /** Where this mock listens, as clients reach it. */
    public abstract String baseUrl();

    /** A new id (of a message, chat, file, log…), growing with time as Coze's do. */
    long nextId() {
        return ids.incrementAndGet();
    }

    void bump(String what) {
        counters.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
    }

    /** The counters, for `GET /_mock/state`. */
    JsonObject counts() {
        JsonObject o = new JsonObject();
        for (Map.Entry<String, AtomicInteger> e : counters.entrySet()) o.addProperty(e.getKey(), e.getValue().get());
        return o;
    }

    /** Waits, but no longer than until the server stops. */
    void pause(long millis) {
        try {
            stopping.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
