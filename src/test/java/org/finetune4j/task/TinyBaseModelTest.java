package org.finetune4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.config.GenerationConfig;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.eval.StrictJson;
import org.finetune4j.generate.ChatModel;
import org.finetune4j.generate.SamplingConfig;
import org.finetune4j.model.PretrainedModel;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;
import org.finetune4j.tokenizer.HfTokenizer;
import org.junit.jupiter.api.Test;

/** The shipped base model and tokenizer load through the same code as any HF model, and answer in prose. */
class TinyBaseModelTest {
    static final Path DIR = Path.of("data/models/tiny-base");

    @Test
    void shippedModelLoadsAndAnswersInProseNotJson() throws Exception {
        try (NDManager root = Djl.engine().newBaseManager(); HfTokenizer tok = HfTokenizer.load(DIR)) {
            LlamaForCausalLM model = PretrainedModel.load(DIR, root, DevicePolicy.cpu());
            assertEquals(model.config().parameterCount(), model.parameterCount());
            assertEquals(TinyBaseRecipe.config(tok), model.config());
            // another architecture changes only its sizes: the tokenizer's vocabulary and special tokens stay
            LlamaConfig six = TinyBaseRecipe.config(tok,
                    TinyBaseRecipe.Architecture.defaults().withLayers(6));
            assertEquals(6, six.numHiddenLayers());
            assertEquals(model.config().vocabSize(), six.vocabSize());
            assertEquals(model.config().eosTokenIds(), six.eosTokenIds());
            // a layer: q, o (256 x 256), k, v (256 x 128), gate, up, down (256 x 688), two norms (256)
            long perLayer = 2 * 256 * 256 + 2 * 256 * 128 + 3 * 256 * 688 + 2 * 256;
            assertEquals(6_852_864, model.config().parameterCount());
            assertEquals(6_852_864 - 2 * perLayer, six.parameterCount());
            String text = "tf 250rb ke budi besok";
            assertEquals(text, tok.decode(tok.encode(text, false), false));
            ChatModel chat = new ChatModel(model, tok, GenerationConfig.read(DIR));
            LocalDate ref = LocalDate.of(2025, 3, 10);
            String reply = chat.chat(List.of(ChatMessage.system(TaskPrompts.proseSystemPrompt(ref)),
                    ChatMessage.user(text)), SamplingConfig.greedy(40));
            assertFalse(reply.isBlank());
            assertTrue(reply.chars().anyMatch(Character::isLetter), reply);
            assertTrue(StrictJson.parse(reply) instanceof StrictJson.Failed, "base model should not answer JSON: " + reply);
            String jsonPrompted = chat.chat(List.of(ChatMessage.system(TaskPrompts.jsonSystemPrompt(ref)),
                    ChatMessage.user(text)), SamplingConfig.greedy(40));
            assertTrue(StrictJson.parse(jsonPrompted) instanceof StrictJson.Failed,
                    "before fine-tuning even the JSON prompt gets prose: " + jsonPrompted);
        }
    }
}
