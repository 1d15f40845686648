package io.batchbridge.common.records;

/** An envelope that parsed, with the facts of its {@code params} read on the way. */
public record ParsedRequest(RequestEnvelope envelope, ParamsFacts facts) {}
