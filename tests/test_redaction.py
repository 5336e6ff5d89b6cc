"""Personal data removal, measured on a corpus: precision and recall must stay high."""

import re

import pytest

from tests.data.redaction_corpus import CORPUS
from tickets.redaction import find_personal_data, redact

MARK = re.compile(r"\[\[(\w+):(.+?)\]\]")


def parse(annotated: str):
    """Plain text and the expected (kind, start, end) spans of an annotated sentence."""
    text, spans, position = [], [], 0
    for match in MARK.finditer(annotated):
        text.append(annotated[position : match.start()])
        start = sum(len(t) for t in text)
        text.append(match.group(2))
        spans.append((match.group(1), start, start + len(match.group(2))))
        position = match.end()
    text.append(annotated[position:])
    return "".join(text), spans


def measure():
    expected_total = found_total = true_positive_found = covered_expected = 0
    misses, false_alarms = [], []
    for annotated, names in CORPUS:
        text, expected = parse(annotated)
        found = find_personal_data(text, names)
        expected_total += len(expected)
        found_total += len(found)
        for _kind, start, end in expected:
            inside = {i for f in found for i in range(f.start, f.end)}
            if set(range(start, end)) <= inside:
                covered_expected += 1
            else:
                misses.append(text[start:end])
        for finding in found:
            if any(finding.start < end and start < finding.end for _k, start, end in expected):
                true_positive_found += 1
            else:
                false_alarms.append(finding.text)
    return {
        "precision": true_positive_found / found_total,
        "recall": covered_expected / expected_total,
        "expected": expected_total,
        "found": found_total,
        "misses": misses,
        "false_alarms": false_alarms,
    }


def test_precision_and_recall_on_the_corpus():
    result = measure()
    print(
        f"\nredaction corpus: precision {result['precision']:.3f}, recall {result['recall']:.3f}"
        f" ({result['expected']} marked spans, {result['found']} findings)"
    )
    assert result["recall"] >= 0.95, result["misses"]
    assert result["precision"] >= 0.95, result["false_alarms"]


@pytest.mark.parametrize(("annotated", "names"), CORPUS[:27])
def test_each_kind_is_replaced_by_its_label(annotated, names):
    text, expected = parse(annotated)
    redacted, _findings = redact(text, names)
    for _kind, start, end in expected:
        assert text[start:end] not in redacted


def test_checksums_keep_ordinary_numbers():
    assert find_personal_data("dossiernummer 85073003329 en BE68 5390 0754 7035") == []
