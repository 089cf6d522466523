package org.finetune4j.io.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FilePatternsTest {

    @Test
    void causalLmKeepsConfigTokenizerAndSafetensorsOnly() {
        List<String> repo = List.of("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
                "special_tokens_map.json", "chat_template.jinja", "model-00001-of-00002.safetensors",
                "model-00002-of-00002.safetensors", "model.safetensors.index.json", "pytorch_model.bin",
                "pytorch_model.bin.index.json", "model.gguf", "onnx/model.onnx", "flax_model.msgpack", "tf_model.h5",
                "original/consolidated.00.pth", "README.md", ".gitattributes");
        List<String> kept = repo.stream().filter(FilePatterns.CAUSAL_LM::matches).toList();
        assertEquals(List.of("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
                "special_tokens_map.json", "chat_template.jinja", "model-00001-of-00002.safetensors",
                "model-00002-of-00002.safetensors", "model.safetensors.index.json"), kept);
    }

    @Test
    void globsFollowFnmatch() {
        assertTrue(FilePatterns.globMatches("*.json", "sub/dir/config.json"), "* crosses /");
        assertTrue(FilePatterns.globMatches("model-0000?-of-00002.safetensors", "model-00001-of-00002.safetensors"));
        assertFalse(FilePatterns.globMatches("model-0000?-of-00002.safetensors", "model-000012-of-00002.safetensors"));
        assertTrue(FilePatterns.globMatches("tokenizer[._]json", "tokenizer.json"));
        assertFalse(FilePatterns.globMatches("tokenizer[!.]json", "tokenizer.json"));
        assertTrue(FilePatterns.globMatches("onnx/", "onnx/model.onnx"), "trailing / means the folder");
        assertFalse(FilePatterns.globMatches("config.json", "xconfig.json"), "whole-path match");
        assertFalse(FilePatterns.globMatches("a.b", "axb"), ". is literal");
    }

    @Test
    void ignoreWinsOverAllowAndEmptyAllowKeepsAll() {
        FilePatterns p = new FilePatterns(List.of(), List.of("*.bin"));
        assertTrue(p.matches("anything.txt"));
        assertFalse(p.matches("pytorch_model.bin"));
        FilePatterns both = new FilePatterns(List.of("*.safetensors"), List.of("consolidated*"));
        assertTrue(both.matches("model.safetensors"));
        assertFalse(both.matches("consolidated.safetensors"));
        assertTrue(FilePatterns.ALL.matches("pytorch_model.bin"));
    }
}
