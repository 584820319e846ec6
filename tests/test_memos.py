"""The site build's memos compute once per inputs, never serve a result made from other inputs, and keep only
what the last build used."""

import json

from course_pipeline.memos import Memo


def memo_in(folder):
    return Memo("squares", ("pytest",), folder=folder)


def test_a_memo_computes_once_per_inputs(tmp_path):
    memo, computed = memo_in(tmp_path), []

    def square(number):
        computed.append(number)
        return number * number

    assert [memo(lambda: square(3), [3]), memo(lambda: square(3), [3]), memo(lambda: square(4), [4])] == [9, 9, 16]
    assert computed == [3, 4]
    memo.save()
    again = memo_in(tmp_path)
    assert again(lambda: square(3), [3]) == 9 and computed == [3, 4], "a later build reads the saved results"
    assert again(lambda: square(3), [3], still_valid=lambda result: False) == 9 and computed == [3, 4, 3]
    opaque = object()  # no JSON for it, so no key that surely tells it apart: computed every time
    assert [again(lambda: square(5), [opaque]), again(lambda: square(5), [opaque])] == [25, 25]
    assert computed == [3, 4, 3, 5, 5]


def test_a_memo_keeps_only_what_the_last_build_used(tmp_path):
    first = memo_in(tmp_path)
    for number in (1, 2, 3):
        first(lambda number=number: number * number, [number])
    first.save()
    second = memo_in(tmp_path)
    second(lambda: 4, [2])
    second.save()
    assert list(json.loads((tmp_path / "squares.json").read_text()).values()) == [4], "only the entry used is left"


def test_a_damaged_memo_is_ignored_with_a_warning_and_made_again(tmp_path, caplog):
    (tmp_path / "squares.json").write_text('{"truncated": ')
    memo = memo_in(tmp_path)
    assert memo(lambda: 9, [3]) == 9
    assert "squares.json was damaged" in caplog.text
    memo.save()
    assert json.loads((tmp_path / "squares.json").read_text()) != {}
