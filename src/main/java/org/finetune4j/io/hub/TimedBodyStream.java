package org.finetune4j.io.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body read as an {@link InputStream} whose reads time out when the server stops
 * sending. {@code java.net.http} only times out until the headers arrive; a CDN that stalls in the
 * middle of a multi-GB file would otherwise block a download forever instead of letting it retry
 * and resume.
 */
final class TimedBodyStream extends InputStream implements HttpResponse.BodySubscriber<InputStream> {

    private static final Object END = new Object();

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Duration readTimeout;
    private volatile Flow.Subscription subscription;
    private Iterator<ByteBuffer> pending = Collections.emptyIterator();
    private ByteBuffer current = ByteBuffer.allocate(0);
    private boolean finished;

    TimedBodyStream(Duration readTimeout) {
        this.readTimeout = readTimeout;
    }

    /** A body handler producing such streams. */
    static HttpResponse.BodyHandler<InputStream> handler(Duration readTimeout) {
        return info -> new TimedBodyStream(readTimeout);
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return CompletableFuture.completedFuture(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        queue.add(buffers);
    }

    @Override
    public void onError(Throwable error) {
        queue.add(error);
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        while (!current.hasRemaining()) {
            if (pending.hasNext()) {
                current = pending.next();
                continue;
            }
            if (finished) {
                return -1;
            }
            Object item = poll();
            if (item == END) {
                finished = true;
                return -1;
            }
            if (item instanceof Throwable error) {
                finished = true;
                throw error instanceof IOException io ? io : new IOException("response body failed: " + error, error);
            }
            @SuppressWarnings("unchecked")
            List<ByteBuffer> buffers = (List<ByteBuffer>) item;
            pending = buffers.iterator();
            subscription.request(1);
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
    }

    private Object poll() throws IOException {
        Object item;
        try {
            item = queue.poll(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new java.io.InterruptedIOException("interrupted while reading a response body");
        }
        if (item == null) {
            close();
            throw new SocketTimeoutException("no data received for " + readTimeout.toMillis() + " ms");
        }
        return item;
    }

    @Override
    public void close() {
        finished = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }
}
