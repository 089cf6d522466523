package org.finetune4j.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.finetune4j.chat.ChatCompleter;
import org.finetune4j.data.ChatDatasetReader;
import org.finetune4j.data.Conversation;
import org.finetune4j.data.TrainingConversation;
import org.finetune4j.rag.ExamplePrompt;
import org.finetune4j.rag.ExampleRetriever;
import org.finetune4j.rag.RetrievalAugmentation;
import org.finetune4j.rag.RetrievalAugmentedChat;
import org.finetune4j.rag.SolvedExample;

/**
 * The guide's "fine-tuning plus retrieval" on the bundled task: every prompt, in training and in use, is shown the
 * most similar conversation of {@code train.jsonl} — the task's own knowledge base of solved requests.
 *
 * <p>What it fixes: the test split's phrasings are new ("settle PLN 400rb", "collect 50rb from Rina", "tampilkan
 * histori"), and the tiny model names the intent of a third of them wrongly; the most similar training request
 * (BM25 over words and trigrams) usually has the right intent, because it shares the biller, the wallet, "from", a
 * misspelt "saldo". Training conversations are never shown an example of their own template
 * ({@code meta.template}), so that in training, as in the test, the example is a different phrasing that is right
 * most but not all of the time, and the model learns how far to trust it.
 */
public final class PaymentsRetrieval implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a prompt is shown of the retrieved conversation. */
    public enum Shown {
        /** The message and its intent on one line ("Mirip / similar: saldo gw brp = check_balance"): ~20 tokens. */
        INTENT,
        /** The message and its whole JSON answer: ~65 tokens, a worked example of every field. */
        WHOLE_ANSWER
    }

    private final RetrievalAugmentation augmentation;

    private PaymentsRetrieval(RetrievalAugmentation augmentation) {
        this.augmentation = augmentation;
    }

    /** {@link #open(Path, Shown, int)} with one example per prompt. */
    public static PaymentsRetrieval open(Path taskDir, Shown shown) {
        return open(taskDir, shown, 1);
    }

    /**
     * Indexes every conversation of {@code taskDir/train.jsonl}, each in the group of its generator template; each
     * prompt is shown the {@code perPrompt} most similar ones.
     *
     * @throws UncheckedIOException when the file cannot be read; a bad line fails with its file and line
     */
    public static PaymentsRetrieval open(Path taskDir, Shown shown, int perPrompt) {
        Path file = taskDir.resolve("train.jsonl");
        List<TrainingConversation> all;
        try {
            all = ChatDatasetReader.builder().build().read(file).conversations();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the retrieval examples from " + file, e);
        }
        List<SolvedExample> examples = new ArrayList<>(all.size());
        for (TrainingConversation t : all) {
            examples.add(SolvedExample.of(t.conversation(), template(t.conversation())));
        }
        ExamplePrompt prompt = shown == Shown.INTENT
                ? ExamplePrompt.builder().optHeader("Mirip / similar:").optAnswerField("intent").build()
                : ExamplePrompt.builder().optHeader("Contoh / example:").build();
        return new PaymentsRetrieval(RetrievalAugmentation.builder().setRetriever(ExampleRetriever.of(examples))
                .optPrompt(prompt).optExamples(perPrompt).build());
    }

    /** The generator template a conversation came from ({@code meta.template}), or "" when it does not say. */
    static String template(Conversation c) {
        String meta = c.meta().get("meta");
        if (meta == null) {
            return "";
        }
        try {
            JsonNode t = JSON.readTree(meta).get("template");
            return t == null || !t.isTextual() ? "" : t.asText();
        } catch (IOException e) {
            throw new IllegalArgumentException(c.source() + ": \"meta\" is not a JSON object: " + meta, e);
        }
    }

    /** Training conversations with their retrieved example (never one of their own template). */
    public List<TrainingConversation> augmentTraining(List<TrainingConversation> conversations) {
        List<TrainingConversation> out = new ArrayList<>(conversations.size());
        for (TrainingConversation t : conversations) {
            out.add(augmentation.forTraining(t, template(t.conversation())));
        }
        return out;
    }

    /** {@code model}, shown the retrieved example before every answer. */
    public ChatCompleter chat(ChatCompleter model) {
        return new RetrievalAugmentedChat(model, augmentation);
    }

    public RetrievalAugmentation augmentation() {
        return augmentation;
    }

    @Override
    public void close() {
        augmentation.retriever().close();
    }
}
