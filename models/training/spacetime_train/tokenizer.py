"""Word-level tokenizer for World captions, written as a Hugging Face tokenizer.json.

The Java runtime reads the same file with a maintained tokenizers library; this module encodes
identically in Python (whitespace split, lower case, [BOS] first, [UNK] for unknown words).
"""
from __future__ import annotations

import json

from .world import vocabulary

PAD, UNK, BOS = "[PAD]", "[UNK]", "[BOS]"
MAX_TOKENS = 32


class WordTokenizer:
    def __init__(self, words: list[str] | None = None, max_tokens: int = MAX_TOKENS):
        self.tokens = [PAD, UNK, BOS] + (words if words is not None else vocabulary())
        self.ids = {w: i for i, w in enumerate(self.tokens)}
        self.max_tokens = max_tokens

    @property
    def vocab_size(self) -> int:
        return len(self.tokens)

    def encode(self, text: str) -> tuple[list[int], list[int]]:
        """ids and attention mask, padded to max_tokens; [BOS] first so an empty prompt has one token."""
        ids = [self.ids[BOS]] + [self.ids.get(w, self.ids[UNK]) for w in text.lower().split()]
        ids = ids[: self.max_tokens]
        mask = [1] * len(ids) + [0] * (self.max_tokens - len(ids))
        return ids + [self.ids[PAD]] * (self.max_tokens - len(ids)), mask

    def to_json(self) -> dict:
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [
                {"id": self.ids[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                 "normalized": False, "special": True} for t in (PAD, UNK, BOS)
            ],
            "normalizer": {"type": "Lowercase"},
            "pre_tokenizer": {"type": "WhitespaceSplit"},
            "post_processor": {
                "type": "TemplateProcessing",
                "single": [{"SpecialToken": {"id": BOS, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                "pair": [{"SpecialToken": {"id": BOS, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                         {"Sequence": {"id": "B", "type_id": 1}}],
                "special_tokens": {BOS: {"id": BOS, "ids": [self.ids[BOS]], "tokens": [BOS]}},
            },
            "decoder": None,
            "model": {"type": "WordLevel", "vocab": self.ids, "unk_token": UNK},
        }

    def save(self, path) -> None:
        with open(path, "w") as f:
            json.dump(self.to_json(), f, indent=1)
