package io.batchbridge.cli.ops;

import io.batchbridge.client.ApiAccounts;
import io.batchbridge.client.BatchesClient;
import io.batchbridge.client.ClientSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** One {@link BatchesClient} per configured API account, built up front and closed together. */
public final class ApiClients implements AutoCloseable {
    private final ApiAccounts accounts;
    private final Map<String, BatchesClient> clients = new LinkedHashMap<>();

    public ApiClients(ApiAccounts accounts, ClientSettings settings, MeterRegistry registry, Clock clock) {
        this.accounts = accounts;
        for (String name : accounts.names()) {
            clients.put(name, new BatchesClient(accounts.get(name), settings, registry, clock));
        }
    }

    /** The client of an account; null or blank names the default account. Unknown names throw, naming the known. */
    public BatchesClient get(String account) {
        String name =
                account == null || account.isBlank() ? accounts.defaultAccount().name() : account;
        BatchesClient c = clients.get(name);
        if (c == null) {
            accounts.get(name); // throws with the configured names
        }
        return c;
    }

    public Set<String> names() {
        return clients.keySet();
    }

    /** Every account's client, for readiness (circuit breakers). */
    public Collection<BatchesClient> all() {
        return clients.values();
    }

    @Override
    public void close() {
        clients.values().forEach(BatchesClient::close);
    }
}
