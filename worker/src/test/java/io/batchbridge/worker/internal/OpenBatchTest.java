package io.batchbridge.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.Ticket;
import io.batchbridge.common.records.TicketItem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * An open batch holds its requests' routing facts only while its parts assemble and while a fan-out works on it:
 * once assembled they are let go, and a fan-out loads them back from the ticket records.
 */
class OpenBatchTest {
    private static final TopicPartition TP = new TopicPartition("batches", 0);
    private static final Instant CREATED = Instant.parse("2026-12-03T10:00:00Z");

    private static Ticket part(int part, int parts, int from, int count, int requestCount) {
        List<TicketItem> items = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            items.add(new TicketItem(TicketItem.batchCustomId(0, 0, i), "user-" + i, null, 1, new byte[1024], null));
        }
        return new Ticket(
                "msgbatch_1",
                "default",
                List.of(),
                CREATED,
                CREATED.plusSeconds(86_400),
                requestCount,
                part,
                parts,
                List.of("requests"),
                items);
    }

    @Test
    void anAssembledBatchKeepsNoRoutingFactsUntilAFanOutLoadsThem() {
        OpenBatch b = new OpenBatch("msgbatch_1", TP, 2, CREATED);
        Ticket p0 = part(0, 2, 0, 3, 5);
        Ticket p1 = part(1, 2, 3, 2, 5);
        assertThat(b.addPart(p1, 11)).isFalse();
        assertThat(b.addPart(p0, 10)).isTrue();

        assertThat(b.complete()).isTrue();
        assertThat(b.loaded())
                .as("nothing per request is held while it is tracked")
                .isFalse();
        assertThatThrownBy(() -> b.item(0)).isInstanceOf(IllegalStateException.class);
        assertThat(b.itemCount()).isEqualTo(5);
        assertThat(b.account()).isEqualTo("default");
        assertThat(b.createdAt()).isEqualTo(CREATED);
        assertThat(b.partOffsets()).as("in part order").containsExactly(10L, 11L);

        b.load(List.of(p1, p0)); // read back in any order
        assertThat(b.loaded()).isTrue();
        assertThat(b.indexOf(TicketItem.batchCustomId(0, 0, 4)))
                .as("indices as at assembly")
                .isEqualTo(4);
        assertThat(b.item(4).customId()).isEqualTo("user-4");
        assertThat(b.source(1)).isEqualTo(new Coordinates("requests", 0, 1));

        b.unload();
        assertThat(b.loaded()).isFalse();
    }

    @Test
    void partsReadBackThatAreNotThisBatchsPartsAreRefused() {
        OpenBatch b = new OpenBatch("msgbatch_1", TP, 2, CREATED);
        b.addPart(part(0, 2, 0, 3, 5), 10);
        b.addPart(part(1, 2, 3, 2, 5), 11);

        assertThatThrownBy(() -> b.load(List.of(part(0, 2, 0, 3, 5))))
                .as("a part missing")
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> b.load(List.of(part(0, 2, 0, 3, 5), part(0, 2, 0, 3, 5))))
                .as("one part twice")
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> b.load(List.of(part(0, 2, 0, 3, 6), part(1, 2, 3, 3, 6))))
                .as("another request count")
                .isInstanceOf(IllegalStateException.class);
        assertThat(b.loaded()).isFalse();
    }

    @Test
    void aPartAfterAssemblyIsRefused() {
        OpenBatch b = new OpenBatch("msgbatch_1", TP, 1, CREATED);
        b.addPart(part(0, 1, 0, 2, 2), 10);
        assertThatThrownBy(() -> b.addPart(part(0, 1, 0, 2, 2), 12)).isInstanceOf(IllegalArgumentException.class);
        assertThat(b.offsets()).containsExactly(10L);
    }

    private static Ticket shared(List<TicketItem> items) {
        return new Ticket(
                "msgbatch_1",
                "default",
                List.of(),
                CREATED,
                CREATED.plusSeconds(86_400),
                items.size(),
                0,
                1,
                List.of("requests"),
                items);
    }

    private static TicketItem item(int offset) {
        return new TicketItem(TicketItem.batchCustomId(0, 0, offset), "user-" + offset, null, 1, null, null);
    }

    @Test
    void requestsSharingAnAnswerAreFoundByTheItemTheApiAnsweredAndNeverByTheirOwnId() {
        OpenBatch b = new OpenBatch("msgbatch_1", TP, 1, CREATED);
        Ticket t = shared(List.of(item(0), item(1), item(2).sharing("s0-p0-o0"), item(3).sharing("s0-p0-o0")));
        assertThat(b.addPart(t, 5)).isTrue();
        b.load(List.of(t));

        assertThat(b.itemCount()).isEqualTo(4);
        assertThat(b.indexOf("s0-p0-o0")).isZero();
        assertThat(b.sharing(0)).containsExactly(2, 3);
        assertThat(b.sharing(1)).isEmpty();
        assertThat(b.indexOf("s0-p0-o2"))
                .as("a results line naming a shared request matches nothing: the API never held it")
                .isEqualTo(-1);
    }

    @Test
    void anItemSharingTheAnswerOfNoAnsweredItemMakesTheBatchUnusable() {
        for (List<TicketItem> bad : List.of(
                List.of(item(0), item(1).sharing("s0-p0-o9")), // nothing answered by that id
                List.of(item(0), item(1).sharing("s0-p0-o0"), item(2).sharing("s0-p0-o1")))) { // a chain
            OpenBatch b = new OpenBatch("msgbatch_1", TP, 1, CREATED);
            assertThatThrownBy(() -> b.addPart(shared(bad), 5))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no answered item");
        }
    }
}
