package org.finetune4j.tokenizer.bpe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Writes a {@link BpeModel} as the three Hugging Face tokenizer files.
 *
 * <p>{@code tokenizer.json} choices, and why:
 * <ul>
 *   <li>{@code normalizer: null} — no NFC, so {@code decode(encode(s)) == s} byte for byte and the
 *       Java encoder need not reproduce the Rust crate's Unicode-version-specific normalization;
 *   <li>pre-tokenizer {@code Sequence[Split(regex, Isolated), ByteLevel(use_regex=false)]} — the
 *       same regex as {@link PreTokenizer}, then bytes mapped to the byte-level alphabet;
 *   <li>{@code merges} as pairs {@code [["a","b"], …]}, the form {@code tokenizers} ≥ 0.20 writes
 *       and reads (DJL 0.36 bundles 0.21), unambiguous even for tokens containing spaces;
 *   <li>special tokens in both {@code added_tokens} (special=true, so they are matched before the
 *       pre-tokenizer and can be skipped on decode) and {@code model.vocab}, with the same ids.
 * </ul>
 */
final class HfTokenizerWriter {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final BpeModel model;
    private final TokenizerFiles options;

    HfTokenizerWriter(BpeModel model, TokenizerFiles options) {
        this.model = model;
        this.options = options;
        requireSpecial(options.bosToken(), "bos_token", true);
        requireSpecial(options.eosToken(), "eos_token", false);
        requireSpecial(options.padToken(), "pad_token", false);
    }

    private void requireSpecial(String token, String role, boolean nullable) {
        if (token == null && nullable) {
            return;
        }
        if (token == null || !model.specialTokens().contains(token)) {
            throw new IllegalArgumentException(role + " \"" + token + "\" is not one of the special tokens " + model.specialTokens());
        }
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        writeAtomically(dir.resolve("tokenizer.json"), tokenizerJson());
        writeAtomically(dir.resolve("tokenizer_config.json"), tokenizerConfig());
        writeAtomically(dir.resolve("special_tokens_map.json"), specialTokensMap());
    }

    private static void writeAtomically(Path target, ObjectNode json) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, MAPPER.writeValueAsBytes(json));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    ObjectNode tokenizerJson() {
        ObjectNode root = JSON.objectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < model.specialTokens().size(); i++) {
            ObjectNode t = addedToken(model.specialTokens().get(i));
            added.add(JSON.objectNode().put("id", i).setAll(t));
        }
        root.putNull("normalizer");

        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Sequence");
        ArrayNode pres = pre.putArray("pretokenizers");
        ObjectNode split = pres.addObject();
        split.put("type", "Split");
        split.putObject("pattern").put("Regex", model.preTokenizer().regex());
        split.put("behavior", "Isolated");
        split.put("invert", false);
        pres.add(byteLevel());

        root.set("post_processor", byteLevel());
        root.set("decoder", byteLevel());

        ObjectNode bpe = root.putObject("model");
        bpe.put("type", "BPE");
        bpe.putNull("dropout");
        bpe.putNull("unk_token");
        bpe.put("continuing_subword_prefix", "");
        bpe.put("end_of_word_suffix", "");
        bpe.put("fuse_unk", false);
        bpe.put("byte_fallback", false);
        bpe.put("ignore_merges", false);
        ObjectNode vocab = bpe.putObject("vocab");
        for (Map.Entry<String, Integer> e : model.vocabInIdOrder().entrySet()) {
            vocab.put(e.getKey(), e.getValue());
        }
        ArrayNode merges = bpe.putArray("merges");
        for (BpeMerge m : model.merges()) {
            merges.addArray().add(m.left()).add(m.right());
        }
        return root;
    }

    private static ObjectNode byteLevel() {
        ObjectNode n = JSON.objectNode();
        n.put("type", "ByteLevel");
        n.put("add_prefix_space", false);
        n.put("trim_offsets", false);
        n.put("use_regex", false);
        return n;
    }

    private static ObjectNode addedToken(String content) {
        ObjectNode t = JSON.objectNode();
        t.put("content", content);
        t.put("single_word", false);
        t.put("lstrip", false);
        t.put("rstrip", false);
        t.put("normalized", false);
        t.put("special", true);
        return t;
    }

    ObjectNode tokenizerConfig() {
        ObjectNode root = JSON.objectNode();
        root.put("add_bos_token", false);
        root.put("add_eos_token", false);
        root.put("add_prefix_space", false);
        ObjectNode decoderMap = root.putObject("added_tokens_decoder");
        for (int i = 0; i < model.specialTokens().size(); i++) {
            decoderMap.set(Integer.toString(i), addedToken(model.specialTokens().get(i)));
        }
        ArrayNode additional = root.putArray("additional_special_tokens");
        for (String s : model.specialTokens()) {
            if (!s.equals(options.padToken())) {
                additional.add(s);
            }
        }
        putNullable(root, "bos_token", options.bosToken());
        root.put("chat_template", options.chatTemplate());
        root.put("clean_up_tokenization_spaces", false);
        root.put("eos_token", options.eosToken());
        root.put("errors", "replace");
        root.put("model_max_length", options.modelMaxLength());
        root.put("pad_token", options.padToken());
        root.put("split_special_tokens", false);
        root.put("tokenizer_class", "PreTrainedTokenizerFast");
        root.putNull("unk_token");
        return root;
    }

    ObjectNode specialTokensMap() {
        ObjectNode root = JSON.objectNode();
        ArrayNode additional = root.putArray("additional_special_tokens");
        for (String s : model.specialTokens()) {
            if (!s.equals(options.padToken())) {
                additional.add(addedTokenWithoutSpecialFlag(s));
            }
        }
        if (options.bosToken() != null) {
            root.set("bos_token", addedTokenWithoutSpecialFlag(options.bosToken()));
        }
        root.set("eos_token", addedTokenWithoutSpecialFlag(options.eosToken()));
        root.set("pad_token", addedTokenWithoutSpecialFlag(options.padToken()));
        return root;
    }

    private static ObjectNode addedTokenWithoutSpecialFlag(String content) {
        ObjectNode t = addedToken(content);
        t.remove("special");
        return t;
    }

    private static void putNullable(ObjectNode node, String key, String value) {
        if (value == null) {
            node.putNull(key);
        } else {
            node.put(key, value);
        }
    }
}
