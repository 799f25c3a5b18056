package io.steelthread.source.web;

import java.io.IOException;
import java.io.InputStream;

import jakarta.servlet.http.HttpServletRequest;

/** Reads a request body, refusing more than the configured size before buffering it. */
final class RequestBody {

    private RequestBody() {
    }

    static byte[] read(HttpServletRequest request, long maxBytes) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            throw new PayloadTooLargeException(declared, maxBytes);
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (body.length > maxBytes) {
                throw new PayloadTooLargeException(-1, maxBytes);
            }
            return body;
        }
    }

    /** A body larger than {@code steelthread.source.max-body-size}. */
    static class PayloadTooLargeException extends RuntimeException {

        PayloadTooLargeException(long declared, long max) {
            super("request body " + (declared >= 0 ? "of " + declared + " bytes " : "") + "is larger than the limit of "
                    + max + " bytes (steelthread.source.max-body-size)");
        }
    }
}
