package io.batchbridge.submitter.internal;

import io.batchbridge.client.CreateBody;
import io.batchbridge.common.records.DeadLetterReason;
import io.batchbridge.common.records.Echo;
import io.batchbridge.common.records.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A batch's create body, in memory or spooled to a temporary file. A request the body refuses (its params are
 * not one JSON object, …) is refused on its own; the others go on.
 *
 * @param kept the requests in the body, in batch order
 * @param sources the source topics the batch custom ids index into
 * @param spool the temporary file, or null; {@link #close} deletes it
 */
record CreateBodies(CreateBody.Builder body, List<LaneItem> kept, List<String> sources, Path spool)
        implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CreateBodies.class);

    /** Adds each request of the batch; refusals go to {@code refused}. */
    static CreateBodies assemble(PendingBatch batch, long spoolThresholdBytes, List<CreateOutcome.Refusal> refused)
            throws IOException {
        Path spool = batch.bodyBytes() > spoolThresholdBytes ? Files.createTempFile("bridge-create-", ".json") : null;
        CreateBody.Builder body = spool != null ? CreateBody.spooled(spool) : CreateBody.inMemory();
        CreateBodies out = new CreateBodies(body, new ArrayList<>(batch.items().size()), new ArrayList<>(), spool);
        for (LaneItem item : batch.items()) {
            try {
                // params were read as one JSON object by EnvelopeCodec at intake: no second parse
                body.addParsed(
                        BatchCreator.batchCustomId(item, out.sources()),
                        item.request().envelope().params());
                out.kept().add(item);
            } catch (IllegalArgumentException e) {
                refused.add(new CreateOutcome.Refusal(
                        item,
                        new Problem(
                                DeadLetterReason.INVALID_FIELD,
                                "the request cannot be written into a create body: " + Echo.of(e.getMessage()))));
            }
        }
        for (LaneItem item : out.kept()) { // requests sharing an answer are named by the ticket, not the body
            item.sharing().forEach(s -> BatchCreator.batchCustomId(s, out.sources()));
        }
        return out;
    }

    /** The source topics of every record of the batch, in the order {@link #assemble} finds them. */
    static List<String> sources(PendingBatch batch) {
        List<String> sources = new ArrayList<>();
        batch.items().forEach(i -> BatchCreator.batchCustomId(i, sources));
        batch.items().forEach(i -> i.sharing().forEach(s -> BatchCreator.batchCustomId(s, sources)));
        return sources;
    }

    @Override
    public void close() {
        if (spool != null) {
            try {
                Files.deleteIfExists(spool);
            } catch (IOException e) {
                log.warn("cannot delete spool file {}", spool);
            }
        }
    }
}
