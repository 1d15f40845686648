package io.batchbridge.submitter.internal;

import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.Echo;
import io.batchbridge.common.records.Problem;
import io.batchbridge.common.records.TicketCodec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a batch must be before a create is paid for, checked on the create thread whatever intake let through:
 * its beta set can be sent as an {@code anthropic-beta} header, and every request's ticket entry fits a ticket
 * record. A request that fails is refused (dead-lettered) and the rest go on; nothing here is "outcome unknown".
 */
final class CreateScreen {
    /** What the API's beta names look like; anything else cannot be a header token. */
    static final Pattern BETA = Pattern.compile("[a-z0-9-]{1,128}");

    private final TicketParts parts;

    CreateScreen(TicketParts parts) {
        this.parts = parts;
    }

    /** The batch split into what may be created ({@code kept}, null when nothing) and what is refused. */
    record Screened(PendingBatch kept, List<CreateOutcome.Refusal> refused) {}

    Screened screen(PendingBatch batch) {
        if (!sendable(batch.lane().betas())) {
            return new Screened(
                    null,
                    CreateOutcome.Rejected.all(
                                    batch,
                                    DeadLetterReason.INVALID_BETA,
                                    "the beta set "
                                            + Echo.of(
                                                    String.valueOf(batch.lane().betas()))
                                            + " cannot be sent as an anthropic-beta header: every beta must be"
                                            + " lower-case letters, digits and hyphens (at most 128)")
                            .refused());
        }
        List<String> sources = CreateBodies.sources(batch);
        List<String> betas = List.copyOf(batch.lane().betas());
        List<LaneItem> kept = new ArrayList<>(batch.items().size());
        List<CreateOutcome.Refusal> refused = new ArrayList<>();
        for (LaneItem i : batch.items()) {
            Problem p = tooLarge(i, batch, betas, sources);
            if (p != null) {
                refused.add(new CreateOutcome.Refusal(i, p));
                continue;
            }
            List<LaneItem> sharing = new ArrayList<>(i.sharing().size());
            for (LaneItem s : i.sharing()) { // a request sharing i's answer has a ticket entry of its own
                Problem ps = tooLarge(s, batch, betas, sources);
                if (ps != null) {
                    refused.add(new CreateOutcome.Refusal(s, ps));
                } else {
                    sharing.add(s);
                }
            }
            kept.add(sharing.size() == i.sharing().size() ? i : i.sharedBy(sharing));
        }
        if (refused.isEmpty()) {
            return new Screened(batch, List.of());
        }
        return new Screened(kept.isEmpty() ? null : batch.with(kept), refused);
    }

    private Problem tooLarge(LaneItem i, PendingBatch batch, List<String> betas, List<String> sources) {
        int bytes = TicketCodec.itemBytes(TicketParts.item(i, sources), sources);
        if (parts.fits(bytes, batch.lane().account(), betas, sources)) {
            return null;
        }
        return new Problem(
                DeadLetterReason.RECORD_TOO_LARGE,
                "its ticket entry (custom_id, reply_to, metadata) is " + bytes
                        + " bytes: more than a ticket record on the batches topic can hold (" + parts.maxBytes()
                        + " bytes with the ticket's own fields); not submitted");
    }

    static boolean sendable(Collection<String> betas) {
        return betas.stream().allMatch(b -> b != null && BETA.matcher(b).matches());
    }
}
