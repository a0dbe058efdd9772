"""What happens to a person that features above org must hear about (blinker signals).

org never imports those features: they connect receivers (see `okr.wiring.connect_signals`).
Receivers run inside the service call, in its transaction; they flush, never commit.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

password_set = _signals.signal(
    "password-set",
    doc="A person's password changed (sender: the person); their other sign-ins must end.",
)
deactivated = _signals.signal(
    "person-deactivated",
    doc="A person was deactivated (sender: the person); every sign-in of theirs must end.",
)
