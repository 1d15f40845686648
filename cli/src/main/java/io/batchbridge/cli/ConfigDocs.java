package io.batchbridge.cli;

import io.batchbridge.common.config.BridgeConfig;
import io.batchbridge.submitter.SubmitterConfig;
import io.batchbridge.worker.WorkerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The configuration reference page ({@code docs/configuration.md}), generated from each role's
 * {@code ConfigDef} so it cannot drift from the code. {@code ConfigurationDocTest} fails when the committed
 * page differs; regenerate with {@code ./bridge config docs > docs/configuration.md}.
 */
final class ConfigDocs {
    static final String REGENERATE = "./bridge config docs > docs/configuration.md";

    private ConfigDocs() {}

    static String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("# Configuration reference\n\n");
        b.append("<!-- Generated from the roles' ConfigDefs; do not edit. Regenerate: ")
                .append(REGENERATE)
                .append(" -->\n\n");
        b.append("""
                `bridge submitter` and `bridge worker` read their configuration from, lowest precedence first:

                1. `--config <file>`: a properties file, Kafka style;
                2. environment variables: `BRIDGE_SUBMITTER_LINGER_MS` sets `bridge.submitter.linger.ms` (upper case, \
                `.` becomes `_`, prefix `BRIDGE_`), and `KAFKA_BOOTSTRAP_SERVERS` sets `kafka.bootstrap.servers`;
                3. the command line: `--bootstrap-servers <servers>` (sets `kafka.bootstrap.servers`) and \
                `--set key=value` (repeatable).

                Every value is validated at start-up and every error is listed at once (exit code 2); a \
                `bridge.submitter.*` or `bridge.worker.*` key the role does not declare is an error too, so a typo \
                does not go unnoticed.

                **Kafka client settings** pass through untouched: `kafka.<setting>` applies to every client of the \
                role, `kafka.producer.<setting>` / `kafka.consumer.<setting>` to one kind. SASL and SSL are set the \
                way they are for any Kafka client, e.g. `kafka.security.protocol=SASL_SSL`, \
                `kafka.sasl.mechanism=PLAIN`, `kafka.sasl.jaas.config=…`. batch-bridge's own defaults (zstd, \
                large-record limits, read_committed) apply underneath and user settings win.

                **The Message Batches API**: `ANTHROPIC_API_KEY` and `ANTHROPIC_BASE_URL` name the account `default` \
                (the names the official SDKs read); further accounts and the client's timeouts, retries, circuit \
                breaker and rate limits are `bridge.api.*` keys, described in [client.md](client.md) (sections \
                *Accounts* and *Resilience*). They follow the same sources and environment mapping \
                (`BRIDGE_API_MAX_RETRIES` sets `bridge.api.max.retries`).

                Instance ids default to the `HOSTNAME` environment variable, else `local`.

                """);
        section(b, "Submitter (`bridge submitter`)", SubmitterConfig.definition());
        section(b, "Worker (`bridge worker`)", WorkerConfig.definition());
        return b.toString();
    }

    private static void section(StringBuilder b, String title, ConfigDef def) {
        b.append("## ").append(title).append("\n\n");
        b.append(BridgeConfig.markdown(def));
        b.append('\n');
    }
}
