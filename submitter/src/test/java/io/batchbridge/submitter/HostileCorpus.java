package io.batchbridge.submitter;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** At least 200 hostile request records, generated: each must become exactly one dead letter. */
final class HostileCorpus {
    record Hostile(String label, byte[] value) {}

    private static final String OK_PARAMS =
            "{\"model\":\"claude-opus-4-6\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";

    private HostileCorpus() {}

    static List<Hostile> generate(long seed, int recordLimitBytes) {
        Random random = new Random(seed);
        List<Hostile> out = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            byte[] b = new byte[1 + random.nextInt(2000)];
            random.nextBytes(b);
            b[0] = (byte) (random.nextBoolean() ? '{' : 0x9F); // some start like JSON, none is
            out.add(new Hostile("random bytes " + i, b));
        }
        String good = "{\"custom_id\":\"t-1\",\"params\":" + OK_PARAMS + "}";
        for (int cut = 1; cut < good.length(); cut += 2) {
            out.add(new Hostile("truncated at " + cut, good.substring(0, cut).getBytes(UTF_8)));
        }
        for (String notObject : List.of("[]", "[1,2]", "\"text\"", "42", "true", "null", "3.14", "\"\"", "[{}]")) {
            out.add(new Hostile("not an object: " + notObject, notObject.getBytes(UTF_8)));
        }
        String[] wrong = {"42", "true", "null", "[]", "{}", "\"s\"", "1.5"};
        for (String field : List.of("custom_id", "params", "betas", "reply_to", "metadata", "account", "attempt")) {
            for (String w : wrong) {
                String v = field.equals("custom_id")
                        ? "{\"custom_id\":" + w + ",\"params\":" + OK_PARAMS + "}"
                        : "{\"custom_id\":\"w-1\",\"params\":" + (field.equals("params") ? w : OK_PARAMS)
                                + (field.equals("params") ? "" : ",\"" + field + "\":" + w) + "}";
                if (!acceptable(field, w)) {
                    out.add(new Hostile("wrong type " + field + "=" + w, v.getBytes(UTF_8)));
                }
            }
        }
        for (String paramsField : List.of("model", "max_tokens", "messages")) {
            for (String w : List.of("null", "[]", "{}", "true", "\"s\"")) {
                if (paramsField.equals("model") && w.equals("\"s\"")) {
                    continue; // a string model is well-typed (unknown model is covered below)
                }
                String params = OK_PARAMS.replaceFirst(
                        "\"" + paramsField + "\":(\"[^\"]*\"|\\d+|\\[[^\\]]*\\])", "\"" + paramsField + "\":" + w);
                out.add(new Hostile(
                        "params." + paramsField + "=" + w,
                        ("{\"custom_id\":\"p-1\",\"params\":" + params + "}").getBytes(UTF_8)));
            }
        }
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        out.add(new Hostile(
                "10,000 nested arrays",
                ("{\"custom_id\":\"d-1\",\"params\":{\"messages\":" + deep + "}}").getBytes(UTF_8)));
        out.add(new Hostile(
                "5 MB string in custom_id",
                ("{\"custom_id\":\"" + "a".repeat(5 * 1024 * 1024) + "\",\"params\":" + OK_PARAMS + "}")
                        .getBytes(UTF_8)));
        out.add(new Hostile(
                "over the record limit",
                ("{\"custom_id\":\"big\",\"params\":"
                                + OK_PARAMS.replace("\"x\"", "\"" + "y".repeat(recordLimitBytes) + "\"") + "}")
                        .getBytes(UTF_8)));
        byte[] invalidUtf8 =
                ("{\"custom_id\":\"u-1\",\"params\":" + OK_PARAMS.replace("\"x\"", "\"__\"") + "}").getBytes(UTF_8);
        int at = new String(invalidUtf8, UTF_8).indexOf("__");
        invalidUtf8[at] = (byte) 0xC3;
        invalidUtf8[at + 1] = (byte) 0x28;
        out.add(new Hostile("invalid UTF-8", invalidUtf8));
        for (String id : List.of("", "a b", "a/b", "é", "a".repeat(65), "tab\\t", "x.y", "semi;colon", "🌍")) {
            out.add(new Hostile(
                    "custom_id \"" + id + "\"",
                    ("{\"custom_id\":\"" + id + "\",\"params\":" + OK_PARAMS + "}").getBytes(UTF_8)));
        }
        for (String model : List.of("claude-does-not-exist-9", "gpt-4", "", "CLAUDE-OPUS-4-6")) {
            out.add(new Hostile(
                    "unknown model " + model,
                    ("{\"custom_id\":\"m-1\",\"params\":" + OK_PARAMS.replace("claude-opus-4-6", model) + "}")
                            .getBytes(UTF_8)));
        }
        for (String max : List.of("-1", "0", "1000000000000", "300001", "99999999999999999999", "1e3", "2.5")) {
            out.add(new Hostile(
                    "max_tokens " + max,
                    ("{\"custom_id\":\"t-1\",\"params\":"
                                    + OK_PARAMS.replace("\"max_tokens\":100", "\"max_tokens\":" + max) + "}")
                            .getBytes(UTF_8)));
        }
        out.add(new Hostile(
                "duplicate keys",
                ("{\"custom_id\":\"a\",\"custom_id\":\"b\",\"params\":" + OK_PARAMS + "}").getBytes(UTF_8)));
        out.add(new Hostile(
                "duplicate params keys",
                ("{\"custom_id\":\"a\",\"params\":" + OK_PARAMS.replace("{\"model\"", "{\"model\":\"x\",\"model\"")
                                + "}")
                        .getBytes(UTF_8)));
        out.add(new Hostile("empty value", new byte[0]));
        out.add(new Hostile("missing custom_id", ("{\"params\":" + OK_PARAMS + "}").getBytes(UTF_8)));
        out.add(new Hostile("missing params", "{\"custom_id\":\"a\"}".getBytes(UTF_8)));
        out.add(new Hostile(
                "stream true",
                ("{\"custom_id\":\"s\",\"params\":" + OK_PARAMS.replace("{\"model\"", "{\"stream\":true,\"model\"")
                                + "}")
                        .getBytes(UTF_8)));
        out.addAll(poison(recordLimitBytes));
        return out;
    }

    /** The poison classes of issue #17: fields a later stage depends on, made hostile. */
    static List<Hostile> poison(int recordLimitBytes) {
        List<Hostile> out = new ArrayList<>();
        int big = recordLimitBytes - 64 * 1024; // under the record limit, so the field's own rule must catch it
        out.add(envelope("reply_to of " + big + " bytes", ",\"reply_to\":\"bridge.results." + "x".repeat(big) + "\""));
        out.add(envelope("reply_to with a space", ",\"reply_to\":\"bridge.results.a b\""));
        out.add(envelope("reply_to with an escape", ",\"reply_to\":\"bridge.results.\\u001b[2J\""));
        out.add(envelope("reply_to to no such topic", ",\"reply_to\":\"bridge.results.nope\""));
        out.add(envelope("beta with a space", ",\"betas\":[\"a b\"]"));
        out.add(envelope("beta with a newline", ",\"betas\":[\"ok\\nX-Forged: 1\"]"));
        out.add(envelope("beta in capitals", ",\"betas\":[\"OUTPUT-300K\"]"));
        out.add(envelope("17 betas", ",\"betas\":[" + "\"b\",".repeat(16) + "\"b\"]"));
        out.add(envelope("account not allowed", ",\"account\":\"nobody\""));
        out.add(new Hostile(
                "model of " + big + " bytes with escapes",
                ("{\"custom_id\":\"m-big\",\"params\":"
                                + OK_PARAMS.replace("claude-opus-4-6", "m".repeat(big) + "\\u001b[2J\\n") + "}")
                        .getBytes(UTF_8)));
        out.add(new Hostile(
                "terminal escapes in custom_id, a later field fails",
                ("{\"custom_id\":\"a\\u001b[2J\\nforged\",\"betas\":42,\"params\":" + OK_PARAMS + "}")
                        .getBytes(UTF_8)));
        for (String param : List.of(
                ",\"temperature\":2",
                ",\"top_k\":-1",
                ",\"stop_sequences\":[1]",
                ",\"tools\":[{\"input_schema\":{}}]",
                ",\"tool_choice\":{\"type\":\"maybe\"}",
                ",\"thinking\":{\"type\":\"sometimes\"}",
                ",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":\"many\"}")) {
            out.add(new Hostile(
                    "params" + param,
                    ("{\"custom_id\":\"par-1\",\"params\":"
                                    + OK_PARAMS.replace("{\"model\"", "{" + param.substring(1) + ",\"model\"") + "}")
                            .getBytes(UTF_8)));
        }
        for (String messages : List.of(
                "[{\"role\":\"user\",\"content\":\"\"}]",
                "[]",
                "[{\"role\":\"robot\",\"content\":\"x\"}]",
                "[{\"role\":\"user\",\"content\":42}]",
                "[{\"role\":\"user\",\"content\":[{\"text\":\"no type\"}]}]")) {
            out.add(new Hostile(
                    "messages " + messages,
                    ("{\"custom_id\":\"msg-1\",\"params\":"
                                    + OK_PARAMS.replace("[{\"role\":\"user\",\"content\":\"x\"}]", messages) + "}")
                            .getBytes(UTF_8)));
        }
        return out;
    }

    private static Hostile envelope(String label, String extra) {
        return new Hostile(label, ("{\"custom_id\":\"e-1\",\"params\":" + OK_PARAMS + extra + "}").getBytes(UTF_8));
    }

    /** Types the envelope accepts for optional fields (null means absent). */
    private static boolean acceptable(String field, String value) {
        if (value.equals("null")) {
            return !field.equals("custom_id") && !field.equals("params") && !field.equals("attempt");
        }
        return switch (field) {
            case "custom_id" -> value.equals("\"s\""); // a valid id
            case "betas" -> value.equals("[]");
            case "metadata" -> value.equals("{}");
            case "reply_to", "account" -> false; // "s" is a well-typed reply_to/account; both rejected by policy anyway
            case "attempt" -> value.equals("42"); // well-typed; on a request topic the product's fields are ignored
            default -> false;
        };
    }
}
