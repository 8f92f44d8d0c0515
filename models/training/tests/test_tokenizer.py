import json

from spacetime_train.tokenizer import MAX_TOKENS, WordTokenizer


def test_encoding_pads_marks_bos_and_unknown(tmp_path):
    tok = WordTokenizer()
    ids, mask = tok.encode("a red circle flies")
    assert ids[0] == tok.ids["[BOS]"] and ids[4] == tok.ids["[UNK]"]
    assert sum(mask) == 5 and len(ids) == MAX_TOKENS
    empty_ids, empty_mask = tok.encode("")
    assert sum(empty_mask) == 1, "an empty prompt still has [BOS]: no fully masked attention"
    tok.save(tmp_path / "tokenizer.json")
    data = json.loads((tmp_path / "tokenizer.json").read_text())
    assert data["model"]["type"] == "WordLevel" and data["model"]["unk_token"] == "[UNK]"
    assert data["model"]["vocab"] == tok.ids


def test_truncates_at_max_tokens():
    ids, mask = WordTokenizer().encode(" ".join(["red"] * 100))
    assert len(ids) == MAX_TOKENS and all(mask)
