package io.batchbridge.common.validation;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The operator's choices intake validation applies.
 *
 * @param rejectUnknownModels true: dead-letter models missing from the catalogue; false: pass them
 *     through and let the API decide (its answer comes back as an errored result)
 * @param replyToAllowed {@code reply_to} topics must match this pattern in full
 * @param accounts configured API account names
 * @param maxRecordBytes larger request records are dead-lettered as {@code record_too_large}
 * @param maxMetadataBytes larger {@code metadata} objects are refused
 */
public record ValidationPolicy(
        boolean rejectUnknownModels,
        Pattern replyToAllowed,
        Set<String> accounts,
        int maxRecordBytes,
        int maxMetadataBytes) {

    public ValidationPolicy {
        accounts = Set.copyOf(accounts);
    }
}
