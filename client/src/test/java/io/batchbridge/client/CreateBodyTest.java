package io.batchbridge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CreateBodyTest {
    @TempDir
    Path tmp;

    /** Params with odd but valid JSON: unknown fields, escapes, raw unicode, number formats, whitespace. */
    private static List<byte[]> params(int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String p = "{ \"model\":\"claude-opus-4-6\",\"max_tokens\":1.0e3,\"future_field_" + i
                    + "\":{\"nested\":[1,2,{\"x\":null}]},\n \"messages\":[{\"role\":\"user\",\"content\":\"h\\u00e9llo "
                    + "日本語 🚀 \\\"quoted\\\" " + i + "\"}] }";
            out.add(p.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    private static byte[] expected(List<byte[]> params) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("{\"requests\":[".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < params.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(("{\"custom_id\":\"s0-p1-o" + i + "\",\"params\":").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(params.get(i));
            out.write('}');
        }
        out.writeBytes("]}".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static byte[] bytes(CreateBody body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        body.writeTo(out);
        return out.toByteArray();
    }

    @Test
    void inMemoryBodyIsByteIdenticalToTheConcatenationOfRawParams() throws IOException {
        List<byte[]> params = params(250);
        CreateBody.Builder b = CreateBody.inMemory();
        long reported = 0;
        for (int i = 0; i < params.size(); i++) {
            reported = b.add("s0-p1-o" + i, params.get(i));
        }
        CreateBody body = b.build();

        byte[] expected = expected(params);
        assertThat(bytes(body)).isEqualTo(expected);
        assertThat(body.sizeBytes()).isEqualTo(expected.length).isEqualTo(reported);
        assertThat(body.requestCount()).isEqualTo(250);
    }

    @Test
    void spooledBodyIsByteIdenticalAndLivesInTheFile() throws IOException {
        List<byte[]> params = params(40);
        Path file = tmp.resolve("body.json");
        CreateBody.Builder b = CreateBody.spooled(file);
        for (int i = 0; i < params.size(); i++) {
            b.add("s0-p1-o" + i, params.get(i));
        }
        CreateBody body = b.build();

        assertThat(Files.readAllBytes(file)).isEqualTo(expected(params));
        assertThat(bytes(body)).isEqualTo(expected(params));
        assertThat(body.file()).contains(file);
        assertThat(body.sizeBytes()).isEqualTo(Files.size(file));
    }

    @Test
    void addReportsTheSizeTheBodyWouldHaveIfBuiltNow() throws IOException {
        CreateBody.Builder b = CreateBody.inMemory();
        long afterOne = b.add("a", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(afterOne).isEqualTo("{\"requests\":[{\"custom_id\":\"a\",\"params\":{}}]}".length());
        long afterTwo = b.add("b", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(afterTwo).isEqualTo(bytes(b.build()).length);
    }

    @Test
    void rejectsCustomIdsTheApiWouldRejectForTheWholeBatch() {
        CreateBody.Builder b = CreateBody.inMemory();
        byte[] p = "{}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> b.add("has space", p)).hasMessageContaining("custom_id must match");
        assertThatThrownBy(() -> b.add("x".repeat(65), p)).hasMessageContaining("custom_id must match");
        assertThatThrownBy(() -> b.add("quote\"", p)).hasMessageContaining("custom_id must match");
        b.add("dup", p);
        assertThatThrownBy(() -> b.add("dup", p)).hasMessageContaining("unique").hasMessageContaining("dup");
    }

    @Test
    void rejectsParamsThatAreNotExactlyOneJsonObject() {
        CreateBody.Builder b = CreateBody.inMemory();
        assertThatThrownBy(() -> b.add("a", "[1]".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("JSON object");
        assertThatThrownBy(() -> b.add("a", "{\"a\":1".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> b.add("a", "{} {}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("exactly one");
        assertThat(b.requestCount()).isZero();
    }

    @Test
    void bodiesSpanningManyChunksAreByteIdenticalAndPublishedWhole() throws Exception {
        List<byte[]> params = params(3000); // ~0.5 MB of small params across the growing chunks
        params.add(1234, ("{\"big\":\"" + "x".repeat(2_500_000) + "\"}").getBytes(StandardCharsets.UTF_8));
        CreateBody.Builder b = CreateBody.inMemory();
        for (int i = 0; i < params.size(); i++) {
            if (i % 2 == 0) {
                b.add("s0-p1-o" + i, params.get(i));
            } else {
                b.addParsed("s0-p1-o" + i, params.get(i));
            }
        }
        CreateBody body = b.build();
        byte[] expected = expected(params);

        assertThat(bytes(body)).isEqualTo(expected);
        assertThat(body.sizeBytes()).isEqualTo(expected.length);
        assertThat(body.publisher().contentLength()).isEqualTo(expected.length);
        // what the HTTP client reads, twice (a retried create subscribes again)
        for (int round = 0; round < 2; round++) {
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
            body.publisher().subscribe(new java.util.concurrent.Flow.Subscriber<java.nio.ByteBuffer>() {
                @Override
                public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(java.nio.ByteBuffer item) {
                    byte[] chunk = new byte[item.remaining()];
                    item.get(chunk);
                    sent.writeBytes(chunk);
                }

                @Override
                public void onError(Throwable t) {
                    done.completeExceptionally(t);
                }

                @Override
                public void onComplete() {
                    done.complete(null);
                }
            });
            done.get();
            assertThat(sent.toByteArray()).isEqualTo(expected);
        }
    }

    @Test
    void addParsedReferencesLargeParamsInsteadOfCopyingAndTheFramingFlowsAroundThem() throws IOException {
        List<byte[]> params = new ArrayList<>();
        for (int i = 0; i < 200; i++) { // small (copied) and large (referenced) params mixed, across many chunks
            int pad = i % 3 == 0 ? 10 + i * 50 : CreateBody.MIN_REFERENCED_PARAMS + i;
            params.add(("{\"k\":\"" + "y".repeat(pad) + "\"}").getBytes(StandardCharsets.UTF_8));
        }
        CreateBody.Builder b = CreateBody.inMemory();
        for (int i = 0; i < params.size(); i++) {
            b.addParsed("s0-p1-o" + i, params.get(i));
        }
        CreateBody body = b.build();
        byte[] expected = expected(params);
        assertThat(bytes(body)).isEqualTo(expected);
        assertThat(body.sizeBytes()).isEqualTo(expected.length);

        // referenced, as documented: a change to a large array shows in the body, one to a small array does not
        params.get(1)[6] = 'Z';
        params.get(0)[6] = 'Z';
        byte[] after = bytes(body);
        String text = new String(after, StandardCharsets.UTF_8);
        assertThat(text).contains("\"s0-p1-o1\",\"params\":{\"k\":\"Zyy");
        assertThat(text).contains("\"s0-p1-o0\",\"params\":{\"k\":\"yyy");
    }

    @Test
    void addParsedChecksIdsAndFramingButDoesNotReparse() throws IOException {
        CreateBody.Builder b = CreateBody.inMemory();
        assertThatThrownBy(() -> b.addParsed("a", "[1]".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("JSON object");
        assertThatThrownBy(() -> b.addParsed("a", " ".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("JSON object");
        assertThatThrownBy(() -> b.addParsed("has space", "{}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("custom_id must match");
        assertThat(b.requestCount()).isZero();
        b.addParsed("a", " {\"k\":1}\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> b.addParsed("a", "{}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("unique");
        assertThat(new String(bytes(b.build()), StandardCharsets.UTF_8))
                .isEqualTo("{\"requests\":[{\"custom_id\":\"a\",\"params\": {\"k\":1}\n}]}");
    }

    @Test
    void refusesAnEmptyBatch() {
        assertThatThrownBy(() -> CreateBody.inMemory().build()).hasMessageContaining("at least one request");
    }
}
