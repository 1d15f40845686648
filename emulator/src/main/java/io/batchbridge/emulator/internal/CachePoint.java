package io.batchbridge.emulator.internal;

/**
 * One cache breakpoint of a request: the identity of the prompt prefix that ends there and its length.
 *
 * @param key hash of the prefix's content (tools, system, messages in that order, up to the end of the marked
 *     block), without the model; the prompt cache stores this, never the content
 * @param tokens the prefix's length in the emulator's tokens (bytes / 4)
 * @param oneHour the breakpoint asks for the 1-hour TTL ({@code "ttl": "1h"}); otherwise 5 minutes
 */
public record CachePoint(long key, long tokens, boolean oneHour) {}
