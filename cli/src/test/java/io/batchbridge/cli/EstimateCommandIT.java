package io.batchbridge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchbridge.cli.demo.EmbeddedStack;
import io.batchbridge.common.kafka.CommittedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bridge estimate} against what the same file then costs through the real pipeline (emulator, broker,
 * submitter, worker): its input tokens are what each result bills ({@code input_tokens} + cache writes + cache
 * reads), and its worst case is never below the sum of the results' {@code cost.total_micro_usd}.
 */
@Timeout(180)
class EstimateCommandIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PER_REQUEST =
            Pattern.compile("custom_id=(\\S+) .*input_tokens=(\\d+) \\(count_tokens\\)");

    @Test
    void inputTokensAreWhatTheRunBillsAndTheWorstCaseIsNeverBelowWhatItCosts(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("requests.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            // three shared system prompts (about 1,500 tokens: above Sonnet's 1,024 minimum), one with the 1-hour TTL
            int topic = i % 3;
            String ttl = topic == 2 ? ",\"ttl\":\"1h\"" : "";
            String system = "[{\"type\":\"text\",\"text\":\"topic " + topic + " " + "policy text ".repeat(500)
                    + "\",\"cache_control\":{\"type\":\"ephemeral\"" + ttl + "}}]";
            lines.add(request("est-" + i, ",\"system\":" + system, "question " + i));
        }
        lines.add(request("plain-0", "", "no cache control here"));
        lines.add("{\"custom_id\":\"broken\",\"params\":{\"model\":\"claude-sonnet-4-6\"}"); // invalid: line 14
        Files.writeString(file, String.join("\n", lines) + "\n", UTF_8);

        try (EmbeddedStack stack =
                EmbeddedStack.builder().timeScale(7200).seed(23).start()) {
            Cli estimate = new Cli();
            estimate.<EstimateCommand>command("estimate").env = Map.of();
            int rc = estimate.run(
                    "estimate",
                    "--set",
                    "anthropic.baseUrl=" + stack.emulatorUrl(),
                    "--set",
                    "anthropic.apiKey=demo-key",
                    "--per-request",
                    file.toString());

            assertThat(rc).as(estimate.err()).isEqualTo(1); // the broken line
            assertThat(estimate.err()).contains("line 14: invalid, not counted");
            Map<String, Long> estimated = new HashMap<>();
            Matcher m = PER_REQUEST.matcher(estimate.out());
            while (m.find()) {
                estimated.put(m.group(1), Long.parseLong(m.group(2)));
            }
            assertThat(estimated).hasSize(13);
            Map<String, Long> summary = summary(estimate.out());
            assertThat(estimate.out()).contains("counted_by=count_tokens", "invalid_lines=1");
            assertThat(summary.get("shared_prefixes")).isEqualTo(3);

            Cli produce = new Cli();
            assertThat(produce.run(
                            "produce",
                            "--bootstrap-servers",
                            stack.bootstrapServers(),
                            "--topic",
                            stack.topics().requests().get(0),
                            "--no-progress",
                            file.toString()))
                    .isEqualTo(1);
            List<ConsumerRecord<byte[], byte[]>> results = new ArrayList<>();
            await().atMost(Duration.ofSeconds(150))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        results.clear();
                        results.addAll(CommittedReader.readAll(
                                stack.bootstrapServers(), stack.topics().results()));
                        return results.size() >= 13;
                    });

            Map<String, Long> billed = new HashMap<>();
            long cost = 0;
            for (ConsumerRecord<byte[], byte[]> r : results) {
                JsonNode v = JSON.readTree(r.value());
                JsonNode u = v.path("usage");
                billed.put(
                        v.path("custom_id").asText(),
                        u.path("input_tokens").asLong()
                                + u.path("cache_creation_input_tokens").asLong()
                                + u.path("cache_read_input_tokens").asLong());
                cost += v.path("cost").path("total_micro_usd").asLong();
            }
            assertThat(billed).isEqualTo(estimated);
            assertThat(summary.get("input_tokens"))
                    .isEqualTo(
                            billed.values().stream().mapToLong(Long::longValue).sum());
            assertThat(cost).isPositive();
            assertThat(summary.get("worst_batch_micro_usd")).isGreaterThanOrEqualTo(cost);
        }
    }

    private static String request(String id, String system, String question) {
        return "{\"custom_id\":\"" + id + "\",\"params\":{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":300" + system
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + " #emulate outcome=succeeded\"}]}}";
    }

    private static Map<String, Long> summary(String out) {
        String line =
                out.lines().filter(l -> l.startsWith("estimate: ")).findFirst().orElseThrow();
        Map<String, Long> m = new HashMap<>();
        for (String kv : line.substring("estimate: ".length()).split(" ")) {
            String[] p = kv.split("=", 2);
            if (p[1].chars().allMatch(Character::isDigit)) {
                m.put(p[0], Long.parseLong(p[1]));
            }
        }
        return m;
    }
}
