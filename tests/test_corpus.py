from pathlib import Path

import pytest

from seussbot.corpus import MIN_CHARS, load_corpus, split_text, validate_text
from seussbot.errors import CorpusError, PromptError
from seussbot.vocab import Vocab, split_words

from conftest import little_story


def test_loads_a_file_by_path(story_file: Path) -> None:
    corpus = load_corpus(str(story_file))
    assert corpus.source == "file" and corpus.name == "story"
    assert corpus.text == story_file.read_text()
    assert corpus.stats.words > 1000 and corpus.stats.distinct_chars < 40


def test_bom_is_dropped_and_line_endings_normalised(tmp_path: Path) -> None:
    text = little_story().replace("\n", "\r\n")
    path = tmp_path / "windows.txt"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    corpus = load_corpus(str(path))
    assert "\r" not in corpus.text and not corpus.text.startswith("\ufeff")
    assert corpus.text == little_story()


@pytest.mark.parametrize(
    "raw, words",
    [
        (b"", "empty"),
        (b"   \n\n\t  \n" * 200, "empty"),
        (b"abc\x00def" * 400, "binary"),
        ("\x01\x02\x03abc".encode() * 400, "binary"),
        (b"caf\xe9 " * 400, "not UTF-8"),
        (b"too short", "needs at least"),
    ],
)
def test_bad_text_is_refused_with_one_sentence(raw: bytes, words: str) -> None:
    with pytest.raises(CorpusError) as caught:
        validate_text(raw, "'x.txt'")
    message = str(caught.value)
    assert words in message and "\n" not in message


def test_missing_path_directory_and_huge_file(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no file"):
        load_corpus(str(tmp_path / "nope.txt"))
    with pytest.raises(CorpusError, match="folder"):
        load_corpus(str(tmp_path) + "/")
    big = tmp_path / "big.txt"
    big.write_text(little_story(2000))
    with pytest.raises(CorpusError, match="--max-mb"):
        load_corpus(str(big), max_bytes=10_000)


def test_unknown_name_lists_known_corpora() -> None:
    with pytest.raises(CorpusError, match="known corpora"):
        load_corpus("no-such-corpus")


def test_minimum_is_documented_and_enforced() -> None:
    assert validate_text(b"x" * MIN_CHARS, "t")
    with pytest.raises(CorpusError):
        validate_text(b"x" * (MIN_CHARS - 1), "t")


@pytest.mark.parametrize("mode", ["interleaved", "tail"])
def test_split_covers_the_whole_text(mode: str) -> None:
    text = little_story(3000)
    train, val = split_text(text, 0.1, mode)  # type: ignore[arg-type]
    assert len(train) + len(val) == len(text)
    assert 0.05 < len(val) / len(text) < 0.15


def test_interleaved_validation_comes_from_all_over_the_text() -> None:
    text = "".join(f"line {i:05d}\n" for i in range(5000))
    _, val = split_text(text)
    numbers = [int(line.split()[1]) for line in val.splitlines()]
    assert min(numbers) < 1500 and max(numbers) > 4000
    assert all(line.startswith("line ") for line in val.splitlines())  # cut at line breaks


def test_char_vocab_round_trip_and_unknown_prompt() -> None:
    vocab = Vocab.build("hello world\n", "char")
    assert vocab.decode(vocab.encode("hold")) == "hold"
    with pytest.raises(PromptError, match="'z'"):
        vocab.encode("zoo")


def test_word_vocab_tokens_and_spacing() -> None:
    text = 'Doug saw Jane. Jane saw Spot.\nSpot said "hi, Doug!" (twice)\n'
    assert split_words("Doug saw Jane.") == ["Doug", "saw", "Jane", "."]
    vocab = Vocab.build(text, "word")
    assert {"Doug", "Jane", "Spot", "saw", "."} <= set(vocab.tokens)
    assert vocab.decode(vocab.encode(text)) == text
    assert Vocab.from_json(vocab.to_json()).tokens == vocab.tokens
