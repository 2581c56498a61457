"""The report's words in French (default) and English (`--lang en`).

Sentences with figures are templates filled with already formatted numbers
(:mod:`gtec_cli.formatting`); they are escaped like any other text when printed.
"""

from __future__ import annotations

from .words_en import WORDS as EN
from .words_fr import WORDS as FR

CATALOGUES = {"fr": FR, "en": EN}


class Text:
    """Attribute access to one language's words (`t.s_summary`) and `t.f(key, **values)`."""

    def __init__(self, lang: str):
        self.lang = lang
        self._words = CATALOGUES[lang]

    def __getattr__(self, key: str) -> str:
        try:
            return self._words[key]
        except KeyError:
            raise AttributeError(f"no report text {key!r} in language {self.lang}") from None

    def f(self, key: str, **values) -> str:
        """A sentence with its values (already formatted) filled in."""
        return self._words[key].format(**values)
