"""Writes tokenizer.json: a tiny but complete byte-level BPE tokenizer in the HF `tokenizers` format.

Vocabulary: the 256 byte-level symbols (GPT-2's bytes_to_unicode alphabet, ids 0-255 in byte
order), a handful of merges over English and Indonesian fragments, and four special added tokens.
The post-processor prepends <s> when special tokens are requested, like Llama's, so tests can
check that BOS is not doubled when a template already emits it. Rerun to regenerate.
"""
import json


def bytes_to_unicode():
    printable = list(range(0x21, 0x7F)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    mapping = {}
    extra = 0
    for b in range(256):
        if b in printable:
            mapping[b] = chr(b)
        else:
            mapping[b] = chr(0x100 + extra)
            extra += 1
    return mapping


alphabet = bytes_to_unicode()
vocab = {alphabet[b]: b for b in range(256)}
merges = [
    ("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("i", "n"), ("a", "n"), ("e", "r"), ("Ġ", "a"),
    ("Ġa", "n"), ("Ġan", "d"), ("o", "n"), ("Ġ", "s"), ("a", "k"), ("s", "e"), ("l", "a"),
    ("m", "a"), ("Ġ", "m"), ("at", ""),
]
merges = [m for m in merges if m[1]]
for a, b in merges:
    vocab.setdefault(a + b, len(vocab))

specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<s>"]
added = []
for content in specials:
    added.append({"id": len(vocab) + len(added), "content": content, "single_word": False,
                  "lstrip": False, "rstrip": False, "normalized": False, "special": True})
bos_id = added[-1]["id"]

byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
tokenizer = {
    "version": "1.0",
    "truncation": None,
    "padding": None,
    "added_tokens": added,
    "normalizer": None,
    "pre_tokenizer": byte_level,
    "post_processor": {
        "type": "TemplateProcessing",
        "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
        "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                 {"SpecialToken": {"id": "<s>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
        "special_tokens": {"<s>": {"id": "<s>", "ids": [bos_id], "tokens": ["<s>"]}},
    },
    "decoder": dict(byte_level),
    "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
              "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
              "ignore_merges": False, "vocab": vocab, "merges": [a + " " + b for a, b in merges]},
}
with open("tokenizer.json", "w", encoding="utf-8") as f:
    json.dump(tokenizer, f, ensure_ascii=False, indent=1)
