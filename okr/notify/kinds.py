"""The kinds of notice: each feature that posts notices registers its kinds here.

A kind says what it is called (for the delivery log, the preview and a person's choices),
whether it is mandatory (sent even to those who opted out of the rest), what an example of it
looks like (the preview page), and how to tell just before sending that it still matters:
``still_due`` takes a batch of the kind's notices and answers for each, in one query or a few
(a delivery batch holds up to NOTIFY_BATCH notices; one query each would be per-row work).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from okr.notify.models import Notice

Sample = tuple[str, list[str], str | None]  # title, lines, link: in the current language
StillDue = Callable[[Sequence["Notice"]], list[bool]]  # each notice of the batch: still due?


@dataclass(frozen=True)
class NoticeKind:
    name: str
    label: Any  # a lazy string
    mandatory: bool
    digest: bool  # goes to a department's groups (a digest), not to one person
    sample: Callable[[], Sample]
    still_due: StillDue | None


_kinds: dict[str, NoticeKind] = {}


def notice_kind(
    name: str,
    label: Any,
    *,
    sample: Callable[[], Sample],
    mandatory: bool = False,
    digest: bool = False,
    still_due: StillDue | None = None,
) -> NoticeKind:
    kind = NoticeKind(name, label, mandatory, digest, sample, still_due)
    _kinds[name] = kind
    return kind


def kinds() -> list[NoticeKind]:
    return list(_kinds.values())


def kind(name: str) -> NoticeKind | None:
    return _kinds.get(name)


def still_due_among(notices: Sequence[Notice]) -> list[bool]:
    """For each notice: True unless its kind says it no longer matters (checked just before
    sending), one call of each kind's check for all of that kind's notices."""
    by_kind: dict[str, list[int]] = {}
    for i, notice in enumerate(notices):
        by_kind.setdefault(notice.kind, []).append(i)
    due = [True] * len(notices)
    for name, places in by_kind.items():
        known = _kinds.get(name)
        if known is None or known.still_due is None:
            continue
        answers = known.still_due([notices[i] for i in places])
        for i, answer in zip(places, answers, strict=True):
            due[i] = answer
    return due


def is_still_due(notice: Notice) -> bool:
    """Whether one notice still matters (its kind's check, for a batch of one)."""
    return still_due_among([notice])[0]
