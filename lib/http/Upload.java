package lib.http;

import java.io.FileNotFoundException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import lib.core.CozeException;

/**
 * `POST /v1/files/upload`: the file as multipart/form-data (field `file`), streamed from disk, not
 * read into memory (files go up to 512 MB). Timed by progress, not in total: a big file on a slow
 * line takes as long as it takes, while one that no byte leaves for `stall` is given up.
 */
final class Upload {
    /** A whole upload's outer bound: days, since progress is what is watched. */
    private static final Duration AT_MOST = Duration.ofDays(1);

    private Upload() {}

    /** The request, ready to send, and the count of its body's bytes handed to the connection so far. */
    record Prepared(HttpRequest.Builder request, long length, AtomicLong sent) {}

    /** `progress` hears the body's bytes sent so far as they go (on the HTTP client's threads); null for none. */
    static Prepared prepare(HttpRequest.Builder request, Path file, LongConsumer progress) {
        String boundary = "coze-jbang-" + Long.toHexString(System.nanoTime());
        String name = file.getFileName().toString().replaceAll("[\"\r\n\\\\]", "_");
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        HttpRequest.BodyPublisher body;
        try {
            body = HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(head, StandardCharsets.UTF_8),
                    HttpRequest.BodyPublishers.ofFile(file), HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n"));
        } catch (FileNotFoundException e) {
            throw new CozeException(CozeException.USAGE, "cannot read " + file + ": " + e.getMessage());
        }
        AtomicLong sent = new AtomicLong();
        return new Prepared(request.timeout(AT_MOST).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(new Counted(body, sent, progress)), body.contentLength(), sent);
    }

    /** Sends it: fails when no byte left for `stall` while some remain, or no answer came within `answer` of the last one. */
    static HttpResponse<InputStream> send(Prepared upload, Duration stall, Duration answer)
            throws ExecutionException, InterruptedException {
        CompletableFuture<HttpResponse<InputStream>> response = CozeHttp.client().sendAsync(upload.request().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long seen = -1, movedAt = System.nanoTime();
        while (true) {
            try {
                return response.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException notYet) {
                long sent = upload.sent().get();
                if (sent != seen) {
                    seen = sent;
                    movedAt = System.nanoTime();
                    continue;
                }
                boolean allSent = upload.length() >= 0 && sent >= upload.length();
                Duration waited = Duration.ofNanos(System.nanoTime() - movedAt);
                if (waited.compareTo(allSent ? answer : stall) > 0) {
                    response.cancel(true);
                    throw new CozeException(CozeException.NETWORK, allSent ? "no answer to the upload within " + answer.toSeconds() + " s"
                            : "the upload made no progress for " + stall.toSeconds() + " s (" + sent + " of " + upload.length() + " bytes sent)",
                            "try again, or raise --idle-timeout on a slow line");
                }
            } catch (InterruptedException e) {
                response.cancel(true);
                throw e;
            }
        }
    }

    /** The body as it is, counting what the connection takes of it. */
    private record Counted(HttpRequest.BodyPublisher body, AtomicLong sent, LongConsumer progress) implements HttpRequest.BodyPublisher {
        @Override
        public long contentLength() {
            return body.contentLength();
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            body.subscribe(new Flow.Subscriber<ByteBuffer>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    subscriber.onSubscribe(subscription);
                }

                @Override
                public void onNext(ByteBuffer item) {
                    long now = sent.addAndGet(item.remaining());
                    if (progress != null) progress.accept(now);
                    subscriber.onNext(item);
                }

                @Override
                public void onError(Throwable throwable) {
                    subscriber.onError(throwable);
                }

                @Override
                public void onComplete() {
                    subscriber.onComplete();
                }
            });
        }
    }
}
