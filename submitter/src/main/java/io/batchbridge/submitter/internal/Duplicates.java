package io.batchbridge.submitter.internal;

import io.batchbridge.common.config.Tenants;
import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.RequestEnvelope;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Optional de-duplication ({@code bridge.submitter.dedup.enabled}): requests of one batch with byte-identical
 * {@code params} from the same tenant become one API item; the first (in arrival order) is sent, the others
 * {@linkplain LaneItem#sharing share} its answer and are delivered, retried or dead-lettered with it, each with its
 * own {@code custom_id}, {@code reply_to}, metadata and attempt. The window is the batch: requests that arrive
 * while it is assembled (its lane's linger, at most) and share its lane (account and betas). Identical params get
 * one answer even at {@code temperature} > 0: that is the point, and why it is off by default.
 *
 * <p>The tenant is the configured tenant of the request's origin topic ({@link Tenants}), never a record field, so
 * one tenant's request never shares another tenant's answer.
 */
public final class Duplicates {
    private final Tenants tenants;

    public Duplicates(Tenants tenants) {
        this.tenants = tenants;
    }

    /** Params and tenant: what makes two requests one API item. */
    private record Key(String tenant, ByteBuffer params) {}

    /**
     * The batch with every group of identical requests made one item (the first of the group, with the others
     * sharing it); the batch itself when nothing repeats. Items that already share keep their group (collapsing
     * twice is collapsing once).
     */
    public PendingBatch collapse(PendingBatch batch) {
        Map<Key, Integer> first = new HashMap<>();
        List<LaneItem> leaders = new ArrayList<>(batch.items().size());
        List<List<LaneItem>> shared = new ArrayList<>(batch.items().size());
        boolean merged = false;
        for (LaneItem i : batch.items()) {
            Integer at = first.putIfAbsent(key(i), leaders.size());
            if (at == null) {
                leaders.add(i);
                shared.add(new ArrayList<>(i.sharing()));
            } else {
                merged = true;
                i.all().forEach(x -> shared.get(at).add(x.alone()));
            }
        }
        if (!merged) {
            return batch;
        }
        List<LaneItem> out = new ArrayList<>(leaders.size());
        for (int k = 0; k < leaders.size(); k++) {
            LaneItem leader = leaders.get(k);
            out.add(shared.get(k).isEmpty() ? leader : leader.sharedBy(shared.get(k)));
        }
        return batch.with(out);
    }

    private Key key(LaneItem i) {
        RequestEnvelope e = i.request().envelope();
        Coordinates origin = e.origin() != null ? e.origin() : i.source();
        return new Key(tenants.forTopic(origin.topic()), ByteBuffer.wrap(e.params()));
    }

    /**
     * Items whose requests sharing an answer cannot all be ticketed with {@code sources} (an adopted batch's source
     * topics, fixed when it was created) lose those: they go to {@code spill}, standing alone, to be sent again.
     */
    static List<LaneItem> within(List<LaneItem> items, List<String> sources, List<LaneItem> spill) {
        List<LaneItem> out = new ArrayList<>(items.size());
        for (LaneItem i : items) {
            if (i.sharing().isEmpty()) {
                out.add(i);
                continue;
            }
            List<LaneItem> keep = new ArrayList<>(i.sharing().size());
            for (LaneItem s : i.sharing()) {
                (sources.contains(s.source().topic()) ? keep : spill).add(s);
            }
            out.add(keep.size() == i.sharing().size() ? i : i.sharedBy(keep));
        }
        return out;
    }
}
