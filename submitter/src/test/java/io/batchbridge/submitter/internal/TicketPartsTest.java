package io.batchbridge.submitter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.batchbridge.common.records.Coordinates;
import io.batchbridge.common.records.RecordSize;
import io.batchbridge.common.records.Ticket;
import io.batchbridge.common.records.TicketCodec;
import io.batchbridge.common.records.TicketItem;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Ticket records are split by items and by bytes, and every one fits the limit it was given. */
class TicketPartsTest {
    private static final Instant NOW = Instant.parse("2026-11-22T09:00:00Z");
    private static final List<String> SOURCES = List.of("bridge.requests", "bridge.retry");

    private static TicketItem item(int k, int metadataChars) {
        byte[] metadata = metadataChars == 0
                ? null
                : ("{\"pad\":\"" + "m".repeat(metadataChars) + "\"}").getBytes(StandardCharsets.UTF_8);
        return new TicketItem(
                TicketItem.batchCustomId(0, 0, k),
                "user-" + k,
                k % 2 == 0 ? "bridge.results.a" : null,
                1,
                metadata,
                new Coordinates("bridge.requests", 0, k));
    }

    private static Ticket whole(List<TicketItem> items) {
        return new Ticket(
                "msgbatch_0123456789",
                "default",
                List.of("b-1"),
                NOW,
                NOW.plusSeconds(86_400),
                items.size(),
                0,
                1,
                SOURCES,
                items);
    }

    @Test
    void aTicketIsTheEnvelopePlusItsItemsByteForByte() {
        List<TicketItem> items = List.of(item(1, 0), item(2, 40), item(3, 7));
        int envelope = TicketCodec.write(whole(List.of())).length;
        int sum =
                items.stream().mapToInt(i -> TicketCodec.itemBytes(i, SOURCES)).sum();

        assertThat(TicketCodec.write(whole(items))).hasSize(envelope + sum - 1);
    }

    @Test
    void partsAreCutByBytesAndEveryRecordFitsTheLimit() {
        List<TicketItem> items = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            items.add(item(k, 900 + 37 * k));
        }
        int limit = 8 * 1024;
        List<ProducerRecord<byte[], byte[]>> records =
                new TicketParts("bridge.batches", 1000, limit).records(whole(items));

        assertThat(records.size()).isGreaterThan(5);
        List<TicketItem> back = new ArrayList<>();
        for (int p = 0; p < records.size(); p++) {
            assertThat(RecordSize.of(records.get(p))).isLessThanOrEqualTo(limit);
            Ticket t = TicketCodec.read(records.get(p).value());
            assertThat(t.part()).isEqualTo(p);
            assertThat(t.parts()).isEqualTo(records.size());
            assertThat(t.requestCount()).isEqualTo(40);
            back.addAll(t.items());
        }
        assertThat(back)
                .extracting(TicketItem::customId)
                .containsExactlyElementsOf(
                        items.stream().map(TicketItem::customId).toList());
    }

    @Test
    void partsAreStillCutByItems() {
        List<TicketItem> items = new ArrayList<>();
        for (int k = 0; k < 10; k++) {
            items.add(item(k, 0));
        }
        assertThat(new TicketParts("bridge.batches", 3, 1024 * 1024).records(whole(items)))
                .hasSize(4);
    }

    @Test
    void anItemFitsAloneExactlyWhenItsRecordWould() {
        TicketParts parts = new TicketParts("bridge.batches", 1000, 16 * 1024);
        int budget = 0;
        while (parts.fits(budget + 1, "default", List.of("b-1"), SOURCES)) {
            budget++;
        }
        // the largest item that fits alone makes a record within the limit even with a 128-character batch id
        TicketItem largest = null;
        for (int chars = 0; ; chars++) {
            TicketItem candidate = item(2, chars);
            if (TicketCodec.itemBytes(candidate, SOURCES) > budget) {
                break;
            }
            largest = candidate;
        }
        Ticket t = new Ticket("x".repeat(128), "default", List.of("b-1"), NOW, NOW, 1, 0, 1, SOURCES, List.of(largest));
        assertThat(RecordSize.of(parts.records(t).get(0))).isLessThanOrEqualTo(16 * 1024);
        assertThat(parts.fits(budget + 1, "default", List.of("b-1"), SOURCES)).isFalse();
    }

    @Test
    void anItemThatCannotFitAloneIsABugTheScreenShouldHaveCaught() {
        TicketParts parts = new TicketParts("bridge.batches", 1000, 16 * 1024);
        assertThatThrownBy(() -> parts.records(whole(List.of(item(1, 20_000)))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("holds");
    }
}
