package org.finetune4j.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.eval.EvalExample;
import org.finetune4j.eval.EvalExamples;
import org.finetune4j.generate.ChatModel;
import org.finetune4j.generate.SamplingConfig;
import org.finetune4j.generate.constraint.DecodingConstraint;
import org.finetune4j.generate.constraint.JsonSchemaConstraint;
import org.finetune4j.generate.constraint.TokenConstraint;
import org.finetune4j.generate.constraint.TokenTexts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench chat}: batched answers of a saved model to the prompts of a messages JSONL, decoding freely and then
 * under a JSON-schema constraint, with the time spent masking tokens counted apart.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Answers/s and new tokens/s of a saved model, free vs constrained decoding, and the masking cost.")
final class ChatBench implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "a model directory (its saved prompt tools and retrieval are applied)") Path model;
    @Option(names = "--data", defaultValue = "data/task/test.jsonl", paramLabel = "FILE") Path data;
    @Option(names = "--schema", defaultValue = "data/task/schema.json", paramLabel = "FILE") Path schema;
    @Option(names = "--copied-fields", split = ",", defaultValue = "recipient,provider,note", paramLabel = "FIELD")
    List<String> copiedFields;
    @Option(names = "--limit", defaultValue = "200", description = "prompts answered per pass") int limit;
    @Option(names = "--batch", defaultValue = "32", description = "prompts generated together") int batch;
    @Option(names = "--max-new-tokens", defaultValue = "96") int maxNewTokens;

    @Override
    public Integer call() throws Exception {
        List<EvalExample> all = EvalExamples.fromJsonl(data);
        List<List<ChatMessage>> prompts = all.subList(0, Math.min(limit, all.size())).stream()
                .map(EvalExample::prompt).toList();
        JsonSchemaConstraint json = JsonSchemaConstraint.read(schema,
                copiedFields.stream().filter(f -> !f.isBlank()).toList());
        PrintWriter out = spec.commandLine().getOut();
        try (ChatModel chat = ChatModel.load(model)) {
            chat.optBatchSize(batch);
            SamplingConfig greedy = chat.defaultSampling().toBuilder().optMaxNewTokens(maxNewTokens).build();
            chat.optDecodingConstraint(null);
            chat.chatAll(prompts.subList(0, Math.min(batch, prompts.size())), greedy); // warm-up
            Pass free = pass(chat, prompts, greedy, null);
            TimedConstraint timed = new TimedConstraint(json);
            chat.optDecodingConstraint(timed);
            chat.chatAll(prompts.subList(0, Math.min(batch, prompts.size())), greedy); // warm-up, fills shared masks
            timed.reset();
            Pass constrained = pass(chat, prompts, greedy, timed);
            out.printf(Locale.ROOT, "%s: %d prompts of %s, batches of %d, greedy, up to %d new tokens%n",
                    model, prompts.size(), data, batch, maxNewTokens);
            out.println("| decoding | seconds | answers/s | new tokens | new tokens/s | masking, ms per token |");
            out.println("|---|---|---|---|---|---|");
            free.print(out, "free", -1);
            constrained.print(out, "JSON schema, " + json.copiedFields() + " copied",
                    timed.nanos() / 1e6 / Math.max(1, timed.tokens()));
            out.printf(Locale.ROOT, "constrained / free time: %.2f%n", constrained.seconds / free.seconds);
            out.flush();
        }
        return 0;
    }

    private record Pass(double seconds, int answers, long tokens) {
        void print(PrintWriter out, String name, double maskMs) {
            out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %d | %.1f | %s |%n", name, seconds, answers / seconds,
                    tokens, tokens / seconds, maskMs < 0 ? "—" : String.format(Locale.ROOT, "%.3f", maskMs));
        }
    }

    private static Pass pass(ChatModel chat, List<List<ChatMessage>> prompts, SamplingConfig sampling,
            TimedConstraint timed) {
        long t0 = System.nanoTime();
        List<String> answers = chat.chatAll(prompts, sampling);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long tokens = 0;
        for (String a : answers) {
            tokens += chat.tokenizer().encode(a, false).length + 1; // + the end-of-turn token
        }
        return new Pass(seconds, answers.size(), tokens);
    }

    /**
     * Counts the time its answers spend in {@code mask} and {@code accept}, and the tokens masked for; answers under
     * pins (a saved retrieval's unanimous vote) are timed too, into the same counts.
     */
    private static final class TimedConstraint implements DecodingConstraint {
        private final DecodingConstraint inner;
        private final long[] counts; // nanos, tokens; shared with the pinned copies

        TimedConstraint(DecodingConstraint inner) {
            this(inner, new long[2]);
        }

        private TimedConstraint(DecodingConstraint inner, long[] counts) {
            this.inner = inner;
            this.counts = counts;
        }

        long nanos() {
            return counts[0];
        }

        long tokens() {
            return counts[1];
        }

        void reset() {
            counts[0] = 0;
            counts[1] = 0;
        }

        @Override
        public DecodingConstraint pinned(Map<String, String> values) {
            return values.isEmpty() ? this : new TimedConstraint(inner.pinned(values), counts);
        }

        @Override
        public TokenConstraint start(List<ChatMessage> conversation, TokenTexts vocabulary) {
            TokenConstraint answer = inner.start(conversation, vocabulary);
            return new TokenConstraint() {
                @Override
                public void mask(float[] logits, Set<Long> stopTokenIds) {
                    long t0 = System.nanoTime();
                    answer.mask(logits, stopTokenIds);
                    counts[0] += System.nanoTime() - t0;
                    counts[1]++;
                }

                @Override
                public void accept(long token) {
                    long t0 = System.nanoTime();
                    answer.accept(token);
                    counts[0] += System.nanoTime() - t0;
                }
            };
        }
    }
}
