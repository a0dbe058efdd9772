"""The kinds of notice: each feature that posts notices registers its kinds here.

A kind says what it is called (for the delivery log, the preview and a person's choices),
whether it is mandatory (sent even to those who opted out of the rest), what an example of it
looks like (the preview page), and how to tell just before sending that it still matters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from okr.notify.models import Notice

Sample = tuple[str, list[str], str | None]  # title, lines, link: in the current language


@dataclass(frozen=True)
class NoticeKind:
    name: str
    label: Any  # a lazy string
    mandatory: bool
    digest: bool  # goes to a department's groups (a digest), not to one person
    sample: Callable[[], Sample]
    still_due: Callable[[Notice], bool] | None


_kinds: dict[str, NoticeKind] = {}


def notice_kind(
    name: str,
    label: Any,
    *,
    sample: Callable[[], Sample],
    mandatory: bool = False,
    digest: bool = False,
    still_due: Callable[[Notice], bool] | None = None,
) -> NoticeKind:
    kind = NoticeKind(name, label, mandatory, digest, sample, still_due)
    _kinds[name] = kind
    return kind


def kinds() -> list[NoticeKind]:
    return list(_kinds.values())


def kind(name: str) -> NoticeKind | None:
    return _kinds.get(name)


def is_still_due(notice: Notice) -> bool:
    """True unless the notice's kind says it no longer matters (checked just before sending)."""
    known = _kinds.get(notice.kind)
    return known is None or known.still_due is None or known.still_due(notice)
