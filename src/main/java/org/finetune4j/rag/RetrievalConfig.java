package org.finetune4j.rag;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.finetune4j.data.ChatDatasetReader;
import org.finetune4j.data.Conversation;
import org.finetune4j.data.TrainingConversation;
import org.finetune4j.io.AtomicFiles;

/**
 * How a model's prompts are augmented with retrieved examples, written next to the model as {@value #FILE_NAME}
 * together with its examples ({@value #EXAMPLES_FILE_NAME}), so that whoever loads the model later — the
 * {@code eval}, {@code chat} and {@code generate} commands, a notebook — prompts it the way it was trained. A model
 * fine-tuned on augmented prompts expects the example line; without it, it answers as if retrieval had found
 * nothing.
 *
 * @param examples          the solved examples (OpenAI-messages JSONL); relative to the directory this config is
 *                          saved in, or to the working directory before it is saved
 * @param groupKey          where an example's group is written in its JSONL line: a top-level key ({@code "source"})
 *                          or a path into a JSON value ({@code "meta.template"}); null = no groups. Only training
 *                          uses groups: a training conversation is never shown an example of its own group.
 * @param header            the words before each example in the system message
 * @param answerField       show only this field of each JSON answer, or null for the whole answer
 * @param examplesPerPrompt how many examples each prompt is shown (with {@code vote}: how many vote)
 * @param vote              show one line, the {@code answer_field} value the retrieved examples' similarity scores
 *                          favour most ({@link ExamplePrompt.Builder#optVote}); null = false
 * @param pinUnanimous      with {@code vote}: when every voter has the same value, a constrained answer must write it
 *                          ({@link RetrievalAugmentation.Builder#optPinUnanimous}); null = false (files written before
 *                          the option existed)
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record RetrievalConfig(
        @JsonProperty("examples") String examples,
        @JsonProperty("group_key") String groupKey,
        @JsonProperty("header") String header,
        @JsonProperty("answer_field") String answerField,
        @JsonProperty("examples_per_prompt") int examplesPerPrompt,
        @JsonProperty("vote") Boolean vote,
        @JsonProperty("pin_unanimous") Boolean pinUnanimous) {

    /** The config's file name in a model or adapter directory. */
    public static final String FILE_NAME = "retrieval.json";
    /** The examples' file name once saved beside a model. */
    public static final String EXAMPLES_FILE_NAME = "retrieval_examples.jsonl";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public RetrievalConfig {
        if (examples == null || examples.isBlank()) {
            throw new IllegalArgumentException("missing 'examples': the file of solved examples");
        }
        if (header == null) {
            throw new IllegalArgumentException("missing 'header': the words before each example");
        }
        if (examplesPerPrompt < 1) {
            throw new IllegalArgumentException("examples_per_prompt must be >= 1, got " + examplesPerPrompt);
        }
        groupKey = groupKey == null || groupKey.isBlank() ? null : groupKey;
        answerField = answerField == null || answerField.isBlank() ? null : answerField;
        vote = Boolean.TRUE.equals(vote);
        if (vote && answerField == null) {
            throw new IllegalArgumentException("vote needs the answer_field it votes on");
        }
        pinUnanimous = Boolean.TRUE.equals(pinUnanimous);
        if (pinUnanimous && !vote) {
            throw new IllegalArgumentException("pin_unanimous needs vote: only a vote can be unanimous");
        }
    }

    /** Settings with a vote or not, without pinning. */
    public RetrievalConfig(String examples, String groupKey, String header, String answerField,
            int examplesPerPrompt, Boolean vote) {
        this(examples, groupKey, header, answerField, examplesPerPrompt, vote, false);
    }

    /** Settings without a vote: each retrieved example is shown. */
    public RetrievalConfig(String examples, String groupKey, String header, String answerField,
            int examplesPerPrompt) {
        this(examples, groupKey, header, answerField, examplesPerPrompt, false, false);
    }

    /** How the examples are written into the system message. */
    public ExamplePrompt prompt() {
        ExamplePrompt.Builder b = ExamplePrompt.builder().optHeader(header).optVote(vote);
        if (answerField != null) {
            b.optAnswerField(answerField);
        }
        return b.build();
    }

    /**
     * Indexes the examples and returns the augmentation; {@code examples} is resolved against {@code baseDir} (the
     * directory this config was read from, or the working directory for a config not saved yet).
     *
     * @throws IOException naming the examples file when it is missing or a line is malformed
     */
    public RetrievalAugmentation open(Path baseDir) throws IOException {
        Path file = baseDir.resolve(examples);
        return RetrievalAugmentation.builder().setRetriever(ExampleRetriever.of(readExamples(file)))
                .optPrompt(prompt()).optExamples(examplesPerPrompt).optPinUnanimous(pinUnanimous).build();
    }

    /** Every conversation of {@code file} as a solved example, grouped by {@link #groupKey}. */
    public List<SolvedExample> readExamples(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "retrieval examples file not found");
        }
        List<TrainingConversation> all = ChatDatasetReader.builder().build().read(file).conversations();
        List<SolvedExample> out = new ArrayList<>(all.size());
        for (TrainingConversation t : all) {
            out.add(SolvedExample.of(t.conversation(), group(t.conversation())));
        }
        return out;
    }

    /**
     * A conversation's group: the value at {@link #groupKey}, or "" when there is no key or the line does not have
     * it.
     *
     * @throws IllegalArgumentException naming the conversation's source when a path goes into a value that is not
     *                                  JSON
     */
    public String group(Conversation c) {
        if (groupKey == null) {
            return "";
        }
        String[] path = groupKey.split("\\.");
        String top = c.meta().get(path[0]);
        if (top == null || path.length == 1) {
            return top == null ? "" : top;
        }
        JsonNode node;
        try {
            node = JSON.readTree(top);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(c.source() + ": group key '" + groupKey + "': \"" + path[0]
                    + "\" is not a JSON object: " + top, e);
        }
        for (int i = 1; i < path.length && node != null; i++) {
            node = node.get(path[i]);
        }
        return node == null || node.isNull() ? "" : node.isTextual() ? node.asText() : node.toString();
    }

    /**
     * Saves this config into {@code dir} with a copy of the examples from {@code examplesSource}, each file written
     * to a temporary name first; the saved config names the copy, so the directory is self-contained.
     */
    public void saveTo(Path dir, Path examplesSource) throws IOException {
        AtomicFiles.copy(examplesSource, dir.resolve(EXAMPLES_FILE_NAME));
        RetrievalConfig saved = new RetrievalConfig(EXAMPLES_FILE_NAME, groupKey, header, answerField,
                examplesPerPrompt, vote, pinUnanimous);
        AtomicFiles.writeString(dir.resolve(FILE_NAME), JSON.writeValueAsString(saved) + "\n");
    }

    /** Copies a saved config and its examples from one model directory to another (a merge keeps retrieval). */
    public static void copy(Path fromDir, Path toDir) throws IOException {
        Optional<RetrievalConfig> c = find(fromDir);
        if (c.isPresent()) {
            c.get().saveTo(toDir, fromDir.resolve(c.get().examples()));
        }
    }

    /**
     * The config saved in {@code dir}, if there is one.
     *
     * @throws IOException naming the file when it cannot be read or is not a valid config
     */
    public static Optional<RetrievalConfig> find(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), RetrievalConfig.class));
        } catch (ValueInstantiationException e) {
            String why = e.getCause() != null ? e.getCause().getMessage() : e.getOriginalMessage();
            throw new IOException(file + ": not a valid retrieval config: " + why, e);
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not a valid retrieval config: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The augmentation saved in {@code dir} (config and examples), if there is one.
     *
     * @throws IOException naming the file that is missing or malformed
     */
    public static Optional<RetrievalAugmentation> load(Path dir) throws IOException {
        Optional<RetrievalConfig> c = find(dir);
        return c.isEmpty() ? Optional.empty() : Optional.of(c.get().open(dir));
    }
}
