package io.steelthread.source.web;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.NettyDataBufferFactory;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;

/** Reads a request body, refusing more than the configured size before buffering it. */
final class RequestBody {

    private static final byte[] EMPTY = new byte[0];
    private static final NettyDataBufferFactory BUFFERS = new NettyDataBufferFactory(ByteBufAllocator.DEFAULT);

    private RequestBody() {
    }

    static Mono<byte[]> read(HttpServerRequest request, long maxBytes) {
        long declared = request.requestHeaders().getInt(HttpHeaderNames.CONTENT_LENGTH, -1);
        if (declared > maxBytes) {
            return Mono.error(new PayloadTooLargeException(declared, maxBytes));
        }
        int limit = (int) Math.min(Integer.MAX_VALUE - 8, maxBytes);
        // Chunked bodies have no declared length: the join stops at the limit instead of buffering all of it.
        return DataBufferUtils.join(request.receive().retain().map(BUFFERS::wrap), limit)
                .map(RequestBody::bytes)
                .onErrorMap(DataBufferLimitException.class, e -> new PayloadTooLargeException(-1, maxBytes))
                .defaultIfEmpty(EMPTY);
    }

    private static byte[] bytes(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        }
        finally {
            DataBufferUtils.release(buffer);
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
