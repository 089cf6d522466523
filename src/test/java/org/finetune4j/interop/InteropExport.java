package org.finetune4j.interop;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.export.MergedModelWriter;
import org.finetune4j.export.PeftAdapterWriter;
import org.finetune4j.io.HalfFloats;
import org.finetune4j.io.HostTensor;
import org.finetune4j.io.TensorDType;
import org.finetune4j.io.safetensors.SafetensorsFile;
import org.finetune4j.io.safetensors.SafetensorsWriter;
import org.finetune4j.model.CausalLM;
import org.finetune4j.model.PretrainedModel;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.model.llama.LlamaForCausalLMTestAccess;
import org.finetune4j.peft.AdapterDirectory;
import org.finetune4j.peft.LoraConfig;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.peft.PrefixTuningConfig;
import org.finetune4j.peft.PromptInit;
import org.finetune4j.peft.PromptTuningConfig;
import org.finetune4j.peft.TechniqueConfig;
import org.finetune4j.peft.prefix.PrefixTuningAdapterIO;
import org.finetune4j.peft.prompt.PromptTuningAdapterIO;
import org.finetune4j.runtime.Djl;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.tokenizer.HfTokenizer;

/**
 * Writes what {@code tools/interop/check_peft.py} checks against Hugging Face transformers + PEFT on a
 * machine with Python (and no Java): token ids and chat-template renderings of three conversations,
 * the tiny base's logits, five adapters saved in PEFT's format with their logits, and the merged LoRA
 * checkpoint with its logits.
 *
 * <pre>
 * OUT/inputs.json                        texts, renderings, token ids, alignment notes
 * OUT/base_logits.safetensors            seq0..seq2: (T, V) float32
 * OUT/adapter_NAME/                      lora, rslora, dora, prompt, prefix (PEFT layout)
 * OUT/adapter_NAME_logits.safetensors    logits of the base with that adapter, (T, V) per sequence
 * OUT/merged_lora/                       MergedModelWriter's checkpoint of the LoRA model
 * OUT/merged_lora_logits.safetensors     logits of that checkpoint as this library loads it
 * </pre>
 *
 * <p>Every trainable tensor gets seeded random values before saving (LoRA B ≠ 0, DoRA magnitudes off
 * the weight norms, random prompt/prefix tables), so an adapter that PEFT ignored or misread changes
 * the logits. The merged checkpoint's tensors are stored as bfloat16 by default (the float32 file
 * is 27 MB and the device transfer holds 64 MiB with the repository); {@code --merged-f32} keeps
 * MergedModelWriter's float32 file. Both sides upcast the same bf16 values, so logits still agree.
 *
 * <p>Usage: {@code InteropExport OUT_DIR [BASE_DIR] [--merged-f32 | --no-merged]}; BASE_DIR defaults to
 * {@code data/models/tiny-base}.
 */
public final class InteropExport {
    static final int VIRTUAL_TOKENS = 8;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** How the merged LoRA checkpoint is written: float32 as MergedModelWriter does, re-encoded bf16, or not. */
    enum MergedMode { F32, BF16, NONE }

    /** One test conversation and how it is rendered. */
    record Conversation(String name, List<ChatMessage> messages, boolean addGenerationPrompt, String rawText) {}

    private InteropExport() {}

    static List<Conversation> conversations() {
        return List.of(
                new Conversation("indonesian", List.of(
                        ChatMessage.user("Sari bayar Rp 50."),
                        ChatMessage.assistant("Oke.")),
                        false, "Tolong catat: Pak Budi bayar Rp 1.500.000 tunai hari Senin."),
                new Conversation("english", List.of(
                        ChatMessage.system("JSON"),
                        ChatMessage.user("Paid $42."),
                        ChatMessage.assistant("{\"a\": 4}")),
                        false, "Received EUR 1,200 from John Smith on 14 June 2024."),
                new Conversation("unicode", List.of(
                        ChatMessage.user("Zoë 💶 € 日")),
                        true, "Ümlaut ß — emoji 🎉🇮🇩 and tabs\there, CJK 中文, RTL עברית."));
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: InteropExport OUT_DIR [BASE_DIR] [--merged-f32 | --no-merged]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        Path baseDir = Path.of("data/models/tiny-base");
        MergedMode merged = MergedMode.BF16;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--merged-f32")) {
                merged = MergedMode.F32;
            } else if (args[i].equals("--no-merged")) {
                merged = MergedMode.NONE;
            } else {
                baseDir = Path.of(args[i]);
            }
        }
        Djl.configure();
        Files.createDirectories(out);
        new InteropExport().run(out, baseDir, merged);
    }

    private void run(Path out, Path baseDir, MergedMode merged) throws IOException {
        List<Conversation> conversations = conversations();
        List<int[]> sequences = new ArrayList<>();
        ObjectNode inputs = JSON.createObjectNode();
        inputs.put("base_dir", baseDir.toString());
        inputs.put("num_virtual_tokens", VIRTUAL_TOKENS);
        ArrayNode seqs = inputs.putArray("sequences");
        try (HfTokenizer tokenizer = HfTokenizer.load(baseDir)) {
            for (Conversation c : conversations) {
                String rendered = tokenizer.renderChatTemplate(c.messages(), c.addGenerationPrompt(), Map.of());
                int[] ids = toInts(tokenizer.encode(rendered, false));
                sequences.add(ids);
                ObjectNode s = seqs.addObject();
                s.put("name", "seq" + (sequences.size() - 1));
                s.put("label", c.name());
                ArrayNode msgs = s.putArray("messages");
                for (ChatMessage m : c.messages()) {
                    msgs.addObject().put("role", m.role().wireName()).put("content", m.content());
                }
                s.put("add_generation_prompt", c.addGenerationPrompt());
                s.put("rendered", rendered);
                ArrayNode idArray = s.putArray("ids"); // ids of `rendered`, add_special_tokens=false
                for (int id : ids) {
                    idArray.add(id);
                }
                s.put("raw_text", c.rawText());
                ArrayNode raw = s.putArray("raw_ids"); // ids of `raw_text`, add_special_tokens=false
                for (long id : tokenizer.encode(c.rawText(), false)) {
                    raw.add(id);
                }
                System.out.printf("seq%d (%s): %d tokens%n", sequences.size() - 1, c.name(), ids.length);
            }
        }
        ObjectNode align = inputs.putObject("logit_alignment");
        align.put("all", "every *_logits.safetensors holds seqK -> (T, V) float32 for the T real tokens of"
                + " sequences[K].ids, batch of 1, no padding");
        align.put("prompt", "PEFT prompt tuning returns (N+T) rows: the first num_virtual_tokens rows belong to"
                + " the virtual tokens and are not in our file; compare logits[:, N:]");
        align.put("prefix", "PEFT prefix tuning returns T rows (the prefix is a KV cache); the first real token"
                + " has position N on both sides");

        ObjectNode adapters = inputs.putObject("adapters");
        try (NDManager root = Djl.engine().newBaseManager()) {
            try (LlamaForCausalLM base = load(baseDir, root)) {
                writeLogits(out.resolve("base_logits.safetensors"), base, sequences);
            }
            LoraConfig lora = LoraConfig.builder().optR(8).optAlpha(16).optTargetModules(LoraConfig.ALL_PROJECTIONS)
                    .build();
            LoraConfig rslora = LoraConfig.builder().optR(8).optAlpha(16).optUseRslora(true)
                    .optTargetModules(LoraConfig.ALL_PROJECTIONS).build();
            LoraConfig dora = LoraConfig.builder().optR(8).optAlpha(16).optUseDora(true)
                    .optTargetModules(LoraConfig.ALL_PROJECTIONS).build();
            Map<String, TechniqueConfig> techniques = new LinkedHashMap<>();
            techniques.put("lora", lora);
            techniques.put("rslora", rslora);
            techniques.put("dora", dora);
            techniques.put("prompt", new PromptTuningConfig(VIRTUAL_TOKENS, PromptInit.RANDOM, null));
            techniques.put("prefix", new PrefixTuningConfig(VIRTUAL_TOKENS, false, 0));
            long seed = 100;
            for (Map.Entry<String, TechniqueConfig> e : techniques.entrySet()) {
                String name = e.getKey();
                seed++;
                try (PeftModel model = PeftModel.create(load(baseDir, root), e.getValue(), seed)) {
                    model.setTraining(false);
                    List<String> randomised = randomise(model, seed * 7919);
                    Path dir = out.resolve("adapter_" + name);
                    switch (model.type()) {
                        case LORA -> PeftAdapterWriter.save(model, dir, baseDir.toString());
                        case PROMPT_TUNING -> PromptTuningAdapterIO.save(model, dir, baseDir.toString());
                        case PREFIX_TUNING -> PrefixTuningAdapterIO.save(model, dir, baseDir.toString());
                        default -> throw new IllegalStateException("unexpected technique " + model.type());
                    }
                    writeLogits(out.resolve("adapter_" + name + "_logits.safetensors"), model, sequences);
                    ObjectNode a = adapters.putObject(name);
                    a.put("dir", "adapter_" + name);
                    a.put("logits", "adapter_" + name + "_logits.safetensors");
                    a.put("peft_type", model.type().name());
                    a.put("randomised_tensors", randomised.size());
                    if (name.equals("lora") && merged != MergedMode.NONE) {
                        writeMerged(model, out, baseDir, sequences, root, merged == MergedMode.F32, inputs);
                    }
                    System.out.printf("adapter_%s: %d tensors randomised%n", name, randomised.size());
                }
            }
        }
        Files.writeString(out.resolve("inputs.json"), JSON.writeValueAsString(inputs) + "\n");
        System.out.println("wrote " + out.toAbsolutePath());
    }

    /** The merged LoRA checkpoint, then its logits as this library loads it back. */
    private static void writeMerged(PeftModel lora, Path out, Path baseDir, List<int[]> sequences, NDManager root,
            boolean f32, ObjectNode inputs) throws IOException {
        Path dir = out.resolve("merged_lora");
        MergedModelWriter.save(lora, dir, baseDir, null);
        if (!f32) {
            toBf16(dir.resolve("model.safetensors"));
        }
        try (LlamaForCausalLM merged = load(dir, root)) {
            writeLogits(out.resolve("merged_lora_logits.safetensors"), merged, sequences);
        }
        ObjectNode m = inputs.putObject("merged_lora");
        m.put("dir", "merged_lora");
        m.put("logits", "merged_lora_logits.safetensors");
        m.put("weights_dtype", f32 ? "F32" : "BF16");
        m.put("note", f32 ? "MergedModelWriter's float32 file as written"
                : "MergedModelWriter's output with model.safetensors re-encoded float32 -> bfloat16 (round to"
                        + " nearest even) to fit the device transfer; config.json untouched (says float32);"
                        + " compare a PEFT merge_and_unload() of adapter_lora to these weights at bf16 precision");
    }

    /** Rewrites a float32 safetensors file with every tensor rounded to bfloat16, same names and metadata. */
    private static void toBf16(Path file) throws IOException {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata;
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            metadata = f.metadata();
            for (String name : f.names()) {
                HostTensor t = f.get(name);
                tensors.put(name, HalfFloats.fromFloats(HalfFloats.toFloats(t), TensorDType.BF16, t.shape()));
            }
        }
        SafetensorsWriter.write(file, tensors, metadata.isEmpty() ? SafetensorsWriter.PT_METADATA : metadata);
    }

    private static LlamaForCausalLM load(Path dir, NDManager root) {
        return PretrainedModel.load(dir, root, DevicePolicy.cpu());
    }

    /**
     * Gives every trainable tensor seeded values a few training steps could have produced: LoRA A keeps
     * its (random, non-zero) init, B ~ N(0, 0.1²), DoRA magnitudes × (1 ± 0.2), prompt and prefix tables
     * ~ N(0, 1) drawn afresh. Returns the names of the tensors it set.
     */
    static List<String> randomise(PeftModel model, long seed) throws IOException {
        Random rnd = new Random(seed);
        List<String> set = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : model.trainableParameters().entrySet()) {
            String name = e.getKey();
            Parameter p = e.getValue();
            float[] v = p.getArray().toFloatArray();
            if (name.contains("lora_A")) {
                continue;
            } else if (name.contains("lora_B")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (rnd.nextGaussian() * 0.1);
                }
            } else if (name.contains("magnitude")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] *= (float) (1 + (rnd.nextDouble() - 0.5) * 0.4);
                }
            } else {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) rnd.nextGaussian();
                }
            }
            AdapterDirectory.copyInto(p, HostTensor.ofFloats(v, p.getArray().getShape().getShape()), name,
                    Path.of("(randomised in memory)"));
            set.add(name);
        }
        return set;
    }

    /** seqK -> (T, V) float32 logits of each sequence, one forward pass each. */
    static void writeLogits(Path file, CausalLM model, List<int[]> sequences) throws IOException {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        int v = model.config().vocabSize();
        for (int k = 0; k < sequences.size(); k++) {
            float[][] logits = LlamaForCausalLMTestAccess.logits(model, sequences.get(k));
            float[] flat = new float[logits.length * v];
            for (int t = 0; t < logits.length; t++) {
                System.arraycopy(logits[t], 0, flat, t * v, v);
            }
            tensors.put("seq" + k, HostTensor.ofFloats(flat, logits.length, v));
        }
        SafetensorsWriter.write(file, tensors, SafetensorsWriter.PT_METADATA);
    }

    private static int[] toInts(long[] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }
}
