package io.batchbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

@Timeout(240)
class DemoCommandIT {
    private static final Pattern FINAL = Pattern.compile(
            "demo finished: requests=(\\d+) results=(\\d+) dead_letters=(\\d+) retries=(\\d+) lost=(\\d+) duplicates=(\\d+)"
                    + " cost_usd=([0-9.]+) saved_usd=([0-9.]+)");

    @Test
    void demoOfSixtyRequestsDeliversEveryRequestExactlyOnce() {
        StringWriter out = new StringWriter();
        CommandLine cl = BridgeMain.newCommandLine();
        cl.setOut(new PrintWriter(out));

        int rc = cl.execute("demo", "--requests", "60");

        String text = out.toString();
        String last = text.strip().lines().reduce((a, b) -> b).orElse("");
        Matcher m = FINAL.matcher(last);
        assertThat(m.matches()).as("final line of:%n%s", text).isTrue();
        int requests = Integer.parseInt(m.group(1));
        int results = Integer.parseInt(m.group(2));
        int deadLetters = Integer.parseInt(m.group(3));
        assertThat(rc).isZero();
        assertThat(requests).isEqualTo(60);
        assertThat(m.group(5)).isEqualTo("0");
        assertThat(m.group(6)).isEqualTo("0");
        assertThat(results + deadLetters).isEqualTo(requests);
        // The demo set holds one request that fails once and one that expires once: both come back as retries.
        assertThat(Integer.parseInt(m.group(4))).isGreaterThanOrEqualTo(2);
        assertThat(deadLetters).isGreaterThanOrEqualTo(2); // one invalid request, one permanent API error
        assertThat(Double.parseDouble(m.group(7))).isPositive();
        assertThat(text).contains("of which truncated (max_tokens)");
    }
}
