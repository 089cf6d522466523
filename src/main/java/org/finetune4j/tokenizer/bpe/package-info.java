/**
 * Training byte-level BPE tokenizers in pure Java and saving them as Hugging Face tokenizer files.
 *
 * <p>{@link org.finetune4j.tokenizer.bpe.BpeTrainer} learns merges from text;
 * {@link org.finetune4j.tokenizer.bpe.BpeModel} holds the result, encodes and decodes with a
 * pure-Java reference implementation and writes {@code tokenizer.json},
 * {@code tokenizer_config.json} and {@code special_tokens_map.json}. The files load in the Rust
 * {@code tokenizers} library (DJL's {@code HuggingFaceTokenizer}), which encodes to the same ids as
 * {@link org.finetune4j.tokenizer.bpe.BpeModel#encode} — the tests check this on many random
 * strings. Id layout: special tokens first, then the 256 byte symbols in byte order, then merges.
 */
package org.finetune4j.tokenizer.bpe;
