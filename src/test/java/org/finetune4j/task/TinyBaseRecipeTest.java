package org.finetune4j.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.finetune4j.data.TokenizedSample;
import org.finetune4j.tokenizer.HfTokenizer;
import org.finetune4j.train.TrainingResult;
import org.finetune4j.train.TrainingStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The pretraining recipe's corpus wiring and model card (the run itself is a command, not a test). */
class TinyBaseRecipeTest {
    private static final Path BASE = Path.of("data/models/tiny-base");

    /**
     * One draw's general text: the documents (each ending with the end-of-text token) and a tenth as many
     * small-talk chats, every token a target, decoding back to the generator's texts.
     */
    @Test
    void generalSamplesAreTheDrawsDocumentsAndChats() throws Exception {
        TinyBaseRecipe.Options o = withGeneralDocuments(40);
        try (HfTokenizer tok = HfTokenizer.load(BASE)) {
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            List<TokenizedSample> samples = TinyBaseRecipe.generalSamples(tok, 7, o, "draw 2 ",
                    new PrintStream(log, true, StandardCharsets.UTF_8));
            List<String> docs = GeneralTextCorpus.documents(7, 40);
            assertEquals(40 + 4 + 3, samples.size());
            long eot = tok.tokenId("<|endoftext|>").orElseThrow();
            for (int i = 0; i < 40; i++) {
                TokenizedSample s = samples.get(i);
                assertEquals("draw 2 general text:" + (i + 1), s.source());
                assertArrayEquals(s.inputIds(), s.labels());
                assertEquals(eot, s.inputIds()[s.inputIds().length - 1]);
                assertEquals(docs.get(i), tok.decode(java.util.Arrays.copyOf(s.inputIds(), s.inputIds().length - 1),
                        false));
            }
            String firstChat = tok.decode(samples.get(40).inputIds(), false);
            assertTrue(firstChat.contains(GeneralTextCorpus.smallTalkChats(7, 4).get(0).get(1).content()), firstChat);
            assertTrue(samples.get(40).source().startsWith("draw 2 small talk:"), samples.get(40).source());
            List<String> notes = CalendarCorpus.documents(7, 3);
            for (int i = 0; i < 3; i++) {
                TokenizedSample s = samples.get(44 + i);
                assertEquals("draw 2 calendar:" + (i + 1), s.source());
                assertEquals(notes.get(i), tok.decode(java.util.Arrays.copyOf(s.inputIds(), s.inputIds().length - 1),
                        false));
            }
        }
    }

    @Test
    void tokenizerCorpusHoldsTheGeneralText() throws Exception {
        List<String> texts = TinyBaseRecipe.tokenizerCorpus(Path.of("data/task"), 30);
        List<String> expected = new java.util.ArrayList<>(GeneralTextCorpus.documents(PaymentDataGenerator.DEFAULT_SEED,
                30));
        for (List<org.finetune4j.chat.ChatMessage> chat : GeneralTextCorpus.smallTalkChats(
                PaymentDataGenerator.DEFAULT_SEED, 3)) {
            expected.add(chat.get(1).content());
        }
        assertEquals(expected, texts.subList(texts.size() - expected.size(), texts.size()));
    }

    /** The model card states the architecture and the exact command that reproduces the run, flags included. */
    @Test
    void modelCardNamesTheArchitectureAndTheFlagsThatReproduceIt(@TempDir Path dir) throws Exception {
        TrainingResult result = new TrainingResult(TrainingStatus.COMPLETED, 10, 10, 1.0, 0.9, 10, 0.9,
                Duration.ofMinutes(2), 1000, 0, 100, 100, List.of(1.2, 0.9), null);
        PretrainTinyBase six = new PretrainTinyBase();
        new CommandLine(six).parseArgs("--layers", "6");
        try (HfTokenizer tok = HfTokenizer.load(BASE)) {
            TinyBaseRecipe.Options d = TinyBaseRecipe.Options.defaults();
            TinyBaseRecipe.writeModelCard(dir, TinyBaseRecipe.config(tok), d, result, 100, null, Double.NaN, 3.0);
            String card = Files.readString(dir.resolve("README.md"));
            assertTrue(card.contains("A 6,852,864-parameter Llama-architecture model (dim 256, 8 layers,"), card);
            assertTrue(card.contains("(or `finetune4j pretrain-tiny-base`)."), card);
            assertTrue(card.contains("-Dexec.mainClass=org.finetune4j.task.PretrainTinyBase`"), card);

            TinyBaseRecipe.Options o = six.options();
            TinyBaseRecipe.writeModelCard(dir, TinyBaseRecipe.config(tok, o.architecture()), o, result, 100, null,
                    Double.NaN, 3.0);
            card = Files.readString(dir.resolve("README.md"));
            assertTrue(card.contains("A 5,401,856-parameter Llama-architecture model (dim 256, 6 layers,"), card);
            assertTrue(card.contains("PretrainTinyBase -Dexec.args=\"--layers 6\"`"), card);
            assertTrue(card.contains("(or `finetune4j pretrain-tiny-base --layers 6`)."), card);
        }
    }

    @Test
    void negativeGeneralDocumentsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> withGeneralDocuments(-1));
        assertTrue(e.getMessage().contains("general documents"), e.getMessage());
    }

    private static TinyBaseRecipe.Options withGeneralDocuments(int n) {
        TinyBaseRecipe.Options d = TinyBaseRecipe.Options.defaults();
        return new TinyBaseRecipe.Options(d.vocabSize(), d.epochs(), d.corpusDraws(), n, 3, d.batchRows(), d.rowLength(),
                d.learningRate(), d.seed(), d.maxSteps(), d.warmup(), d.architecture());
    }
}
