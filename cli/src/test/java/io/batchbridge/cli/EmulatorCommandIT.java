package io.batchbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class EmulatorCommandIT {

    @Test
    void servesTheApiOnThePrintedUrlUntilStopped() throws Exception {
        Cli cli = new Cli();
        CompletableFuture<Integer> rc = cli.start("emulator", "--port", "0", "--time-scale", "60");
        await().atMost(Duration.ofSeconds(20)).until(() -> cli.out().contains("listening on "));
        Matcher m = Pattern.compile("listening on (\\S+)").matcher(cli.out());
        assertThat(m.find()).isTrue();
        String baseUrl = m.group(1);

        HttpResponse<String> health = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(baseUrl + "/_emulator/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(rc).isNotDone();

        cli.<EmulatorCommand>command("emulator").stop();

        assertThat(rc.get()).isZero();
    }

    @Test
    void badFaultSpecIsRejectedWithItsReason() {
        Cli.Result r = Cli.exec("emulator", "--port", "0", "--faults", "create:nonsense=2");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("bridge emulator: ").contains("nonsense");
    }
}
