package io.batchbridge.emulator.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Reads a create body under the 256 MB cap. On any rejection the rest of the body is drained first, so the
 * client (which may still be sending) reads the answer instead of a reset connection; a body over the cap
 * gets 413 whatever else is wrong with it, as the cap is enforced in front of the API.
 */
final class CreateBodyReader {
    private static final long MAX_DRAIN = 2L * 1024 * 1024 * 1024;

    private CreateBodyReader() {}

    static List<RequestFacts> read(InputStream raw, long maxBytes) throws IOException {
        return read(raw, maxBytes, CreateParser::parse);
    }

    /** Reads a count_tokens body (one params-like object) under the same rules. */
    static RequestFacts readCountTokens(InputStream raw, long maxBytes) throws IOException {
        return read(raw, maxBytes, CreateParser::parseCountTokens);
    }

    interface BodyParser<T> {
        T parse(InputStream in) throws IOException;
    }

    private static <T> T read(InputStream raw, long maxBytes, BodyParser<T> parser) throws IOException {
        LimitedInputStream in = new LimitedInputStream(raw, maxBytes);
        try {
            return parser.parse(in);
        } catch (LimitedInputStream.TooLarge e) {
            in.drain(MAX_DRAIN);
            throw tooLarge();
        } catch (StreamConstraintsException e) {
            drain(in, maxBytes);
            throw ApiError.invalid("messages: a text content block is longer than one request may be");
        } catch (JsonProcessingException e) {
            drain(in, maxBytes);
            String msg = e.getOriginalMessage();
            int nl = msg.indexOf('\n');
            throw ApiError.invalid("The request body is not valid JSON: " + (nl < 0 ? msg : msg.substring(0, nl)));
        } catch (ApiError e) {
            drain(in, maxBytes);
            throw e;
        }
    }

    private static void drain(LimitedInputStream in, long maxBytes) throws IOException {
        in.drain(MAX_DRAIN);
        if (in.count() > maxBytes) {
            throw tooLarge();
        }
    }

    static ApiError tooLarge() {
        return new ApiError(413, "request_too_large", "Request exceeds the maximum allowed number of bytes.");
    }
}
