"""Training sentences for the signal classifier taken from calls, and what they are worth.

    python bench/signal_training.py            # rebuild both files, then measure
    python bench/signal_training.py --check    # measure only

Two generated example files:

- `signal_examples_quoted.yml`, from the training calls in tests/data/meetings/training/ (written by
  four separate authors who labeled, for each signal, every sentence that carries it): the quoted
  sentences are examples of their category; the customer's other sentences (three content words or
  more) are ordinary talk (`none`).
- `signal_examples_calls.yml`, from the labeled evaluation calls (tuning set, held-out sets 1-306), whose
  labels say which signals a speaker gave but not in which sentence: for each labeled (category,
  speaker), that speaker's sentence the classifier (trained on the other example files) scores highest
  for the category. The customer's other sentences are not used as `none`: some carry a signal the
  labels count once only (measured: that costs recall).

Measured leave-one-author-out: for each author group of the held-out sets (B-K and T-Z, the separate
authors), the classifier is trained without that group's call examples and scored on that group's
calls, beside the classifier without the call examples and without the quoted training calls, in
the same run; then each training author (L-S) is left out of the quoted examples and scored on its
own calls. The patterns were tuned on these calls, so the figure measures what the training data
adds, not the analyser on unseen calls (the blind first runs in docs/meetings.md do that).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import meetings.analysis.sentiment as sentiment  # noqa: E402
import meetings.analysis.signal_model as model  # noqa: E402
import meetings.analysis.signals as signals  # noqa: E402
from bench.meeting_accuracy import TRAINING, TUNING, Scores, evaluate, heldout, labeled_calls  # noqa: E402
from meetings.analysis.text import Sentence, sentences_of, vendor_side  # noqa: E402

CALLS_FILE = model.EXAMPLES_DIR / "signal_examples_calls.yml"
QUOTED_FILE = model.EXAMPLES_DIR / "signal_examples_quoted.yml"


def _heldout(*numbers: int) -> list[Path]:
    return [heldout(n) for n in numbers]


# The evaluation calls by author: A wrote the tuning set and held-out sets 1-6 with the analyser; each
# other letter is a separate author who had read neither the analyser nor the other calls.
AUTHORS = {
    "A": [TUNING, *_heldout(1, 2, 3, 4, 5, 6)],
    "B": _heldout(7, 8),
    "C": _heldout(9, 10),
    "D": _heldout(11, 12),
    "E": _heldout(13, 14),
    "F": _heldout(15, 16),
    "G": _heldout(17, 18),
    "H": _heldout(19, 20),
    "I": _heldout(21, 22),
    "J": _heldout(23, 24),
    "K": _heldout(25, 26),
    "T": _heldout(27, 28),
    "U": _heldout(29, 30),
    "V": _heldout(31, 32),
    "W": _heldout(33, 34),
    "X": _heldout(35, 36),
    "Y": _heldout(37, 38),
    "Z": _heldout(39, 40),
    "AE": _heldout(41, 42),
    "AF": _heldout(43, 44),
    "AS": _heldout(45, 46),
    "AT": _heldout(47, 48),
    "AU": _heldout(49, 50),
    "AV": _heldout(51, 52),
    "AW": _heldout(53, 54),
    "AX": _heldout(55, 56),
    "AY": _heldout(57, 58),
    "AZ": _heldout(59, 60),
    "BA": _heldout(61, 62),
    "BB": _heldout(63, 64),
    "BC": _heldout(65, 66),
    "BD": _heldout(67, 68),
    "BE": _heldout(69, 70),
    "BF": _heldout(71, 72),
    "BG": _heldout(73, 74),
    "BH": _heldout(75, 76),
    "BI": _heldout(77, 78),
    "BJ": _heldout(79, 80),
    "BK": _heldout(81, 82),
    "BL": _heldout(83, 84),
    "BM": _heldout(85, 86),
    "BN": _heldout(87, 88),
    "BO": _heldout(89, 90),
    "BP": _heldout(91, 92),
    "BQ": _heldout(93, 94),
    "BR": _heldout(95, 96),
    "BS": _heldout(97, 98),
    "BT": _heldout(99, 100),
    "BU": _heldout(101, 102),
    "BV": _heldout(103, 104),
    "BW": _heldout(105, 106),
    "BX": _heldout(107, 108),
    "BY": _heldout(109, 110),
    "BZ": _heldout(111, 112),
    "CA": _heldout(113, 114),
    "CB": _heldout(115, 116),
    "CC": _heldout(117, 118),
    "CD": _heldout(119, 120),
    "CE": _heldout(121, 122),
    "CF": _heldout(123, 124),
    "CG": _heldout(125, 126),
    "CH": _heldout(127, 128),
    "CI": _heldout(129, 130),
    "CJ": _heldout(131, 132),
    "CK": _heldout(133, 134),
    "CL": _heldout(135, 136),
    "CM": _heldout(137, 138),
    "CN": _heldout(139, 140),
    "CO": _heldout(141, 142),
    "CP": _heldout(143, 144),
    "CQ": _heldout(145, 146),
    "CR": _heldout(147, 148),
    "CS": _heldout(149, 150),
    "CT": _heldout(151, 152),
    "CU": _heldout(153, 154),
    "CV": _heldout(155, 156),
    "CW": _heldout(157, 158),
    "CX": _heldout(159, 160),
    "CY": _heldout(161, 162),
    "CZ": _heldout(163, 164),
    "DA": _heldout(165, 166),
    "DB": _heldout(167, 168),
    "DC": _heldout(169, 170),
    "DD": _heldout(171, 172),
    "DE": _heldout(173, 174),
    "DF": _heldout(175, 176),
    "DG": _heldout(177, 178),
    "DH": _heldout(179, 180),
    "DI": _heldout(181, 182),
    "DJ": _heldout(183, 184),
    "DK": _heldout(185, 186),
    "DL": _heldout(187, 188),
    "DM": _heldout(189, 190),
    "DN": _heldout(191, 192),
    "DO": _heldout(193, 194),
    "DP": _heldout(195, 196),
    "DQ": _heldout(197, 198),
    "DR": _heldout(199, 200),
    "DS": _heldout(201, 202),
    "DT": _heldout(203, 204),
    "DU": _heldout(205, 206),
    "DV": _heldout(207, 208),
    "DW": _heldout(209, 210),
    "DX": _heldout(211, 212),
    "DY": _heldout(213, 214),
    "DZ": _heldout(215, 216),
    "EA": _heldout(217, 218),
    "EB": _heldout(219, 220),
    "EC": _heldout(221, 222),
    "ED": _heldout(223, 224),
    "EE": _heldout(225, 226),
    "EF": _heldout(227, 228),
    "EG": _heldout(229, 230),
    "EH": _heldout(231, 232),
    "EI": _heldout(233, 234),
    "EJ": _heldout(235, 236),
    "EK": _heldout(237, 238),
    "EL": _heldout(239, 240),
    "EM": _heldout(241, 242),
    "EN": _heldout(243, 244),
    "EO": _heldout(245, 246),
    "EP": _heldout(247, 248),
    "EQ": _heldout(249, 250),
    "ER": _heldout(251, 252),
    "ES": _heldout(253, 254),
    "ET": _heldout(255, 256),
    "EU": _heldout(257, 258),
    "EV": _heldout(259, 260),
    "EW": _heldout(261, 262),
    "EX": _heldout(263, 264),
    "EY": _heldout(265, 266),
    "EZ": _heldout(267, 268),
    "FA": _heldout(269, 270),
    "FB": _heldout(271, 272),
    "FC": _heldout(273, 274),
    "FD": _heldout(275, 276),
    "FE": _heldout(277, 278),
    "FF": _heldout(279, 280),
    "FG": _heldout(281, 282),
    "FH": _heldout(283, 284),
    "FI": _heldout(285, 286),
    "FJ": _heldout(287, 288),
    "FK": _heldout(289, 290),
    "FL": _heldout(291, 292),
    "FM": _heldout(293, 294),
    "FN": _heldout(295, 296),
    "FO": _heldout(297, 298),
    "FP": _heldout(299, 300),
    "FQ": _heldout(301, 302),
    "FR": _heldout(303, 304),
    "FS": _heldout(305, 306),
}
CALLS_HEADER = (
    "# Training sentences taken from labeled calls (tuning set, held-out sets 1-306) by\n"
    "# bench/signal_training.py: for each labeled (category, speaker), that speaker's sentence the\n"
    "# classifier scored highest for the category. Generated; rebuild rather than edit.\n"
)
QUOTED_HEADER = (
    "# Training sentences from the quoted training calls (tests/data/meetings/training) by\n"
    "# bench/signal_training.py: each quoted sentence under its category, the customer's other\n"
    "# sentences as ordinary talk. Generated; rebuild rather than edit.\n"
)


def call_examples(base: model.SignalClassifier, sources: list[Path] | None = None) -> dict[str, list[str]]:
    sources = [d for group in AUTHORS.values() for d in group] if sources is None else sources
    found: dict[str, list[str]] = {}
    for _, label, transcript in labeled_calls(sources):
        vendor = vendor_side(transcript)
        said = [
            s
            for s in sentences_of(transcript)
            if s.speaker not in vendor
            and not s.is_question
            and model.content_words(s.text) >= model.MIN_WORDS
        ]
        for gold in label["signals"]:
            theirs = [s for s in said if s.speaker == gold["speaker"]]
            if theirs:
                best = max(theirs, key=lambda s: dict(base.posterior(s.text)).get(gold["category"], 0.0))
                found.setdefault(gold["category"], []).append(best.text)
    return _each_once(found)


def _each_once(found: dict[str, list[str]]) -> dict[str, list[str]]:
    """The examples by category, categories and sentences in order, each sentence once per category."""
    return {category: sorted(set(texts)) for category, texts in sorted(found.items())}


def _words(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def training_sets(directory: Path = TRAINING) -> list[Path]:
    """The training authors' sets under `directory`, one directory each."""
    return sorted(labels.parent for labels in directory.glob("*/labels.yml"))


def _quoted(theirs: list[Sentence], quote: str) -> tuple[list[Sentence], str]:
    """The speaker's sentences a quote is, and the example text: the sentence that reads as the quote;
    else one that ends with it after a stop ("Very long. (laughs) But the reason…", one sentence to our
    splitter); else two in a row that together read as it ("Oh, and... I don't know if…"). ([], "")
    when none does."""
    words = _words(quote)
    after_stop = re.compile(rf"[.!?)]\s+{re.escape(quote.split()[0])}")
    hits = [s for s in theirs if _words(s.text) == words] or [
        s for s in theirs if _words(s.text).endswith(f" {words}") and after_stop.search(s.text)
    ]
    if hits:
        return hits, hits[0].text
    for s, after in zip(theirs, theirs[1:], strict=False):
        if after.index == s.index + 1 and _words(f"{s.text} {after.text}") == words:
            return [s, after], f"{s.text} {after.text}"
    return [], ""


def quoted_examples(directory: Path = TRAINING, sets: list[Path] | None = None) -> dict[str, list[str]]:
    """Every quoted sentence of the training sets (`sets`, else all under `directory`) under its
    category; the customer's unquoted sentences as `none`. A quote that is no sentence of its speaker
    is an error naming the call and the quote."""
    found: dict[str, list[str]] = {}
    talk: list[str] = []
    for set_dir in training_sets(directory) if sets is None else sets:
        for name, label, transcript in labeled_calls([set_dir]):
            sentences = sentences_of(transcript)
            quoted: set[int] = set()
            for gold in label["signals"]:
                theirs = [s for s in sentences if s.speaker == gold["speaker"]]
                for quote in gold.get("quotes", []):
                    hits, example = _quoted(theirs, quote)
                    if not hits:
                        raise ValueError(
                            f"{set_dir / name}: no sentence of {gold['speaker']} reads {quote!r}"
                        )
                    quoted.update(s.index for s in hits)
                    found.setdefault(gold["category"], []).append(example)
            vendor = vendor_side(transcript)
            talk += [
                s.text
                for s in sentences
                if s.speaker not in vendor and s.index not in quoted and model.content_words(s.text) >= 3
            ]
    examples = _each_once(found)
    examples[model.NONE] = sorted(set(talk))
    return examples


def use_classifier(classifier: model.SignalClassifier) -> None:
    model.classifier = lambda *args, **kwargs: classifier  # the analyser reads it through the module
    cached = (model.posterior, model.classify, model.implausible, signals._signal_categories)
    for function in (*cached, sentiment.sentence_score):  # a sentence's score leans on its signals
        function.cache_clear()


def leave_one_author_out(make) -> Scores:
    """Signal scores over the held-out authors' calls, each group with the classifier `make(group)`."""
    total = Scores()
    for group, directories in AUTHORS.items():
        if group == "A":
            continue
        use_classifier(make(group))
        for directory in directories:
            total = total + evaluate(directory, weigh_signals=False, weigh_sentiment=False)
    return total


def quoted_by_author(directory: Path = TRAINING) -> dict[str, dict[str, list[str]]]:
    """The quoted examples of each training author (set) on its own."""
    return {set_dir.name: quoted_examples(sets=[set_dir]) for set_dir in training_sets(directory)}


def written_examples() -> dict[str, list[str]]:
    """The example files written by hand (every `signal_examples*.yml` but the two generated here)."""
    return model.load_examples(exclude=frozenset({CALLS_FILE.name, QUOTED_FILE.name}))


def other_groups_examples(chooser: model.SignalClassifier) -> dict[str, dict[str, list[str]]]:
    """For every author group, the call examples `chooser` takes from the other groups' calls: the same
    as `call_examples(chooser, <the other groups' directories>)`, with each group's calls read once
    rather than once per other group."""
    by_group = {group: call_examples(chooser, directories) for group, directories in AUTHORS.items()}
    return {
        group: _each_once(model.merge_examples(*(examples for g, examples in by_group.items() if g != group)))
        for group in AUTHORS
    }


def held_out_classifiers(written: dict[str, list[str]], quoted: dict[str, list[str]]):
    """(group, its directories, the classifier trained without its call examples) for every held-out
    author group: the third variant measured below, each group's calls read as new ones."""
    others = other_groups_examples(model.SignalClassifier(model.merge_examples(written, quoted)))
    for group, directories in AUTHORS.items():
        if group != "A":  # A wrote with the analyser
            yield (
                group,
                directories,
                model.SignalClassifier(model.merge_examples(written, others[group], quoted)),
            )


def training_author_classifiers(written: dict[str, list[str]], quoted: dict[str, list[str]]):
    """(author, its directory, the classifier trained without that author's quoted sentences) for every
    training author."""
    calls = call_examples(model.SignalClassifier(model.merge_examples(written, quoted)))
    by_author = quoted_by_author()
    for name in by_author:
        rest = [q for other, q in by_author.items() if other != name]
        yield name, TRAINING / name, model.SignalClassifier(model.merge_examples(written, calls, *rest))


def out_of_fold_reading():
    """(group, its directories) for every held-out author group, then ("training:<author>", [its
    directory]) for every training author, each with the classifier that never saw it in use while the
    caller reads its calls (the classifier as shipped is restored at the end)."""
    written, quoted = written_examples(), quoted_examples()
    for group, directories, classifier in held_out_classifiers(written, quoted):
        use_classifier(classifier)
        yield group, directories
    for name, directory, classifier in training_author_classifiers(written, quoted):
        use_classifier(classifier)
        yield f"training:{name}", [directory]
    use_classifier(model.SignalClassifier(model.load_examples()))


def generated_call_examples() -> dict[str, list[str]]:
    """The call examples as the builder makes them: chosen by the classifier of every example file on disk
    but the call examples' own."""
    without = model.SignalClassifier(model.load_examples(exclude=frozenset({CALLS_FILE.name})))
    return call_examples(without)


def main() -> None:
    written = written_examples()
    quoted = quoted_examples()
    if "--check" not in sys.argv:
        QUOTED_FILE.write_text(
            QUOTED_HEADER + yaml.safe_dump(quoted, sort_keys=False, allow_unicode=True, width=1000)
        )
        print(f"wrote {QUOTED_FILE.relative_to(ROOT)}: {sum(map(len, quoted.values()))} sentences")
        examples = generated_call_examples()
        CALLS_FILE.write_text(
            CALLS_HEADER + yaml.safe_dump(examples, sort_keys=False, allow_unicode=True, width=1000)
        )
        print(f"wrote {CALLS_FILE.relative_to(ROOT)}: {sum(map(len, examples.values()))} sentences")
    others = other_groups_examples(model.SignalClassifier(model.merge_examples(written, quoted)))
    variants = (
        ("written examples only", lambda group: model.SignalClassifier(written)),
        (
            "+ other authors' call examples",
            lambda group: model.SignalClassifier(model.merge_examples(written, others[group])),
        ),
        (
            "+ quoted training calls",
            lambda group: model.SignalClassifier(model.merge_examples(written, others[group], quoted)),
        ),
    )
    held_out = f"held-out authors B-K, T-Z, AE, AF, AS-{list(AUTHORS)[-1]}"  # A wrote with the analyser
    for title, make in variants:
        p, r, f = leave_one_author_out(make).signals
        print(f"{held_out}, leave one author out, {title:<32} signals P {p:.2f} R {r:.2f} F1 {f:.3f}")
    # The training calls' authors, each left out of the quoted examples in turn and scored on its calls.
    total, names = Scores(), []
    for name, directory, classifier in training_author_classifiers(written, quoted):
        use_classifier(classifier)
        total = total + evaluate(directory, weigh_signals=False, weigh_sentiment=False)
        names.append(name.removeprefix("set"))
    p, r, f = total.signals
    print(f"training authors {', '.join(names)}, each left out: signals P {p:.2f} R {r:.2f} F1 {f:.3f}")


if __name__ == "__main__":
    main()
