package io.batchbridge.submitter.internal;

import io.batchbridge.common.config.Tenants;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigException;

/**
 * The daily spend limits in micro-dollars: one for the whole deployment (0: none) and one per tenant (a tenant not
 * listed has none). Tenants are those of {@code bridge.topic.tenants}; a limit naming another tenant, a negative or
 * zero amount, or a malformed pair stops the submitter at start.
 *
 * @param totalMicros the deployment's daily limit; 0 when there is none
 * @param tenantMicros the daily limit of each limited tenant
 */
public record SpendLimits(long totalMicros, Map<String, Long> tenantMicros) {
    public SpendLimits {
        if (totalMicros < 0) {
            throw new IllegalArgumentException("the spend limit must be >= 0 but was " + totalMicros);
        }
        tenantMicros = Map.copyOf(tenantMicros);
    }

    public static SpendLimits none() {
        return new SpendLimits(0, Map.of());
    }

    /**
     * @param totalUsd the deployment's daily limit in USD (key {@code totalKey}); 0 for none
     * @param tenantPairs {@code tenant:usd} pairs (key {@code tenantKey})
     */
    public static SpendLimits of(
            String totalKey, double totalUsd, String tenantKey, List<String> tenantPairs, Tenants tenants) {
        if (!(totalUsd >= 0) || Double.isInfinite(totalUsd)) {
            throw new ConfigException(totalKey, totalUsd, "must be a finite amount of USD >= 0 (0: no limit)");
        }
        Map<String, Long> perTenant = new TreeMap<>();
        for (String pair : tenantPairs) {
            int colon = pair.lastIndexOf(':');
            if (colon <= 0 || colon == pair.length() - 1) {
                throw new ConfigException(tenantKey, pair, "must be tenant:usd");
            }
            String tenant = pair.substring(0, colon).trim();
            if (!tenants.names().contains(tenant)) {
                throw new ConfigException(
                        tenantKey,
                        pair,
                        "names tenant '" + tenant + "', which bridge.topic.tenants does not configure (tenants: "
                                + tenants.names() + ")");
            }
            long micros;
            try {
                micros = micros(new BigDecimal(pair.substring(colon + 1).trim()));
            } catch (NumberFormatException | ArithmeticException e) {
                throw new ConfigException(tenantKey, pair, "the limit must be an amount of USD");
            }
            if (micros <= 0) {
                throw new ConfigException(
                        tenantKey, pair, "a tenant's limit must be > 0 USD (leave the tenant out for no limit)");
            }
            if (perTenant.put(tenant, micros) != null) {
                throw new ConfigException(tenantKey, pair, "tenant '" + tenant + "' is listed twice");
            }
        }
        return new SpendLimits(micros(BigDecimal.valueOf(totalUsd)), perTenant);
    }

    /** Whether any limit is set (else the guard is off and the ledger is not used). */
    public boolean any() {
        return totalMicros > 0 || !tenantMicros.isEmpty();
    }

    /** The tenant's daily limit, or 0 when it has none. */
    public long ofTenant(String tenant) {
        return tenantMicros.getOrDefault(tenant, 0L);
    }

    static long micros(BigDecimal usd) {
        return usd.movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }
}
