package io.batchbridge.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.ObjectMappers;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.batches.MessageBatchIndividualResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchbridge.common.kafka.KafkaClientDefaults;
import io.batchbridge.common.topics.TopicNames;
import java.time.Duration;
import java.util.Iterator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What a user would write instead of the worker: the official Java SDK's {@code resultsStreaming} and a
 * {@code KafkaProducer} loop, each line parsed into typed objects and serialised again. No transactions, no
 * checkpoints: a crash mid-file duplicates or loses results.
 */
final class PeerFanout {
    private PeerFanout() {}

    static FanoutBench.Run run(String baseUrl, String batchId, String bootstrap, TopicNames t) throws Exception {
        AnthropicClient sdk = AnthropicOkHttpClient.builder()
                .apiKey("bench-key")
                .baseUrl(baseUrl)
                .timeout(Duration.ofMinutes(10))
                .build();
        ObjectMapper json = ObjectMappers.jsonMapper();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaClientDefaults.producer(bootstrap))) {
            p.partitionsFor(t.results());
            long records = 0;
            long bytes = 0;
            long t0 = System.nanoTime();
            long cpu0 = BenchEnv.cpuNanos();
            try (StreamResponse<MessageBatchIndividualResponse> s =
                    sdk.messages().batches().resultsStreaming(batchId)) {
                Iterator<MessageBatchIndividualResponse> it = s.stream().iterator();
                while (it.hasNext()) {
                    MessageBatchIndividualResponse r = it.next();
                    byte[] value = json.writeValueAsBytes(r);
                    p.send(new ProducerRecord<>(t.results(), r.customId().getBytes(UTF_8), value));
                    records++;
                    bytes += value.length;
                }
            }
            p.flush();
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new FanoutBench.Run(records, bytes, seconds, (BenchEnv.cpuNanos() - cpu0) / 1e9);
        } finally {
            sdk.close();
        }
    }
}
