package io.batchbridge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.batchbridge.client.ApiAccount;
import io.batchbridge.client.BatchesClient;
import io.batchbridge.client.ClientSettings;
import io.batchbridge.client.CreateBody;
import io.batchbridge.client.MessageBatch;
import io.batchbridge.emulator.Emulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class BatchesCommandIT {
    private Emulator emulator;
    private BatchesClient client;

    @BeforeEach
    void startEmulator() {
        emulator = Emulator.builder().port(0).seed(3).build().start();
        client = new BatchesClient(
                ApiAccount.of("default", URI.create(emulator.baseUrl()), "test-key", 10_000),
                ClientSettings.defaults(),
                new SimpleMeterRegistry(),
                Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        client.close();
        emulator.close();
    }

    @Test
    void listAndShowNameTheBatchWithItsStatusAndCounts() {
        MessageBatch batch = create("x-1", "x-2");

        Cli.Result list = batches("list");
        Cli.Result show = batches("show", batch.id());

        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).contains(batch.id()).contains("in_progress");
        assertThat(show.exitCode()).isZero();
        assertThat(show.out())
                .contains("id:                 " + batch.id())
                .contains("processing_status:  in_progress");
    }

    @Test
    void resultsPrintRoutingFactsAndUsageButContentOnlyWithFull() {
        MessageBatch batch = create("r-1", "r-2");
        emulator.advance(Duration.ofHours(2));

        Cli.Result brief = batches("results", batch.id());
        Cli.Result full = batches("results", batch.id(), "--full");

        assertThat(brief.exitCode()).isZero();
        List<String> lines = brief.out().lines().toList();
        assertThat(lines)
                .hasSize(2)
                .allSatisfy(l -> assertThat(l)
                        .matches("\\{\"custom_id\":\"r-[12]\",\"type\":\"succeeded\",\"stop_reason\":\"end_turn\","
                                + "\"usage\":\\{\"input_tokens\":\\d+,\"output_tokens\":7,.*}}"));
        assertThat(brief.out()).doesNotContain("\"content\"");
        assertThat(full.out().lines())
                .hasSize(2)
                .allSatisfy(l -> assertThat(l).contains("\"message\":{", "\"content\""));
    }

    @Test
    void resultsOfABatchStillRunningIsAnError() {
        MessageBatch batch = create("p-1");

        Cli.Result r = batches("results", batch.id());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains(batch.id() + " is in_progress");
    }

    @Test
    void cancelStartsCancelling() {
        MessageBatch batch = create("c-1");

        Cli.Result r = batches("cancel", batch.id());

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("processing_status:  canceling");
        assertThat(client.retrieve(batch.id()).cancelInitiatedAt()).isNotNull();
    }

    @Test
    void unknownAccountIsAnErrorNamingTheConfiguredOnes() {
        Cli.Result r = batches("list", "--account", "team-b");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("unknown API account team-b").contains("default");
    }

    private Cli.Result batches(String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "batches";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--set";
        all[args.length + 2] = "bridge.api.account.default.key=test-key";
        all[args.length + 3] = "--set";
        all[args.length + 4] = "bridge.api.account.default.base.url=" + emulator.baseUrl();
        return Cli.exec(all);
    }

    private MessageBatch create(String... customIds) {
        CreateBody.Builder b = CreateBody.inMemory();
        for (String id : customIds) {
            b.add(
                    id,
                    ("{\"model\":\"claude-haiku-4-5\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\","
                                    + "\"content\":\"hi #emulate output_tokens=7 duration=5s\"}]}")
                            .getBytes(UTF_8));
        }
        return client.create(b.build(), List.of());
    }
}
