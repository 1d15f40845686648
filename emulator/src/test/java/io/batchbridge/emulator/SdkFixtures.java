package io.batchbridge.emulator;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.ObjectMappers;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.batches.BatchCreateParams;
import com.anthropic.models.messages.batches.MessageBatchIndividualResponse;
import com.anthropic.models.messages.batches.MessageBatchResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.stream.Collectors;

/** The official SDK pointed at an emulator, and the helpers the SDK-based tests share. */
final class SdkFixtures {
    private SdkFixtures() {}

    /** The SDK's own client (bearer credential, {@code 2026-10-21}), without retries. */
    static AnthropicClient client(Emulator emulator) {
        return AnthropicOkHttpClient.builder()
                .apiKey("sk-test")
                .baseUrl(emulator.baseUrl())
                .maxRetries(0)
                .build();
    }

    /** Every result of a batch by custom_id, read through the SDK's JSONL stream. */
    static Map<String, MessageBatchResult> results(AnthropicClient client, String batchId) {
        try (StreamResponse<MessageBatchIndividualResponse> s =
                client.messages().batches().resultsStreaming(batchId)) {
            return s.stream()
                    .collect(Collectors.toMap(
                            MessageBatchIndividualResponse::customId, MessageBatchIndividualResponse::result));
        }
    }

    /** Raw params JSON as the SDK's own type (its models keep unknown and ill-typed values as they are). */
    static BatchCreateParams.Request request(String customId, String params) {
        try {
            return BatchCreateParams.Request.builder()
                    .customId(customId)
                    .params(ObjectMappers.jsonMapper().readValue(params, BatchCreateParams.Request.Params.class))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
