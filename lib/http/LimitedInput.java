package lib.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** At most `limit` bytes of a body: one more is too large. Says why reading stopped, as the JSON parser's errors do not. */
final class LimitedInput extends FilterInputStream {
    private final long limit;
    private long count;
    boolean tooLarge;
    IOException lost;

    LimitedInput(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n;
        do n = read(one, 0, 1); while (n == 0);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        try {
            if (count >= limit) {
                if (in.read() < 0) return -1;
                tooLarge = true;
                throw new IOException("more than " + limit + " bytes");
            }
            int n = in.read(b, off, (int) Math.min(len, limit - count));
            if (n > 0) count += n;
            return n;
        } catch (IOException e) {
            if (!tooLarge) lost = e;
            throw e;
        }
    }
}
