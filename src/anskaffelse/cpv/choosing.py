"""What the CPV question shows a buyer who types words instead of a code; shared by the menus
(prompts.py) and plain mode (plainprompts.py), so both behave the same.

The buyer types words (or part of a code); the matches are offered as numbered choices, with «Søk
på nytt», «Vet ikke / finner ikke koden» and, after the first question, «← Tilbake».

Teaching or software (issue 13, basis.md § 7 «Service classification»): teaching delivered as a
service (CPV 80000000–80660000) is FOA vedlegg 3; software, licences and IT services (CPV 48…, 72…)
are not, even when they are used for teaching. When the matches for the buyer's words hold both
(«leseprogram», «leseapp», «e-læring»: the buyers' words in data/cpv/synonymer.yaml decide which
words do), the buyer is asked which it is before picking, and only the codes of that kind are
offered. «Vet ikke» there answers the CPV question with «vet ikke»: the walk then asks for the kind
of service in plain words, where «vet ikke» takes the cautious branch.
"""

from __future__ import annotations

from .codes import normalize_code
from .matching import Match, search

LIMIT = 12
SOFTWARE_DIVISIONS = ("48", "72")  # programvare (varer) og IT-tjenester
TEACHING_OR_SOFTWARE = (
    "Kjøper dere undervisning gitt som en tjeneste, eller programvare, en lisens eller en IT-tjeneste?"
)
TEACHING = "undervisning"
SOFTWARE = "programvare"
UNKNOWN = "vet_ikke"
DELIVERY_CHOICES = (
    (TEACHING, "Undervisning gitt som en tjeneste, for eksempel lærere, kurs eller opplæring (FOA vedlegg 3)"),
    (SOFTWARE, "Programvare, en app, en lisens eller en IT-tjeneste (ikke vedlegg 3)"),
    (UNKNOWN, "Vet ikke"),
)
DELIVERY_UNKNOWN = (
    "Da vet vi ikke om det er en helse- og sosialtjeneste (FOA vedlegg 3). Vi går videre uten CPV-kode, "
    "og spør hva dere kjøper; finn ut om dere kjøper undervisning eller programvare."
)
SEARCH_AGAIN = "Søk på nytt"
NOT_FOUND = "Vet ikke / finner ikke koden"
BACK = "← Tilbake"


def searchable(typed: str) -> bool:
    """Words or part of a code, to search for; not a whole code (a code not in CPV 2008 is refused as typed)."""
    return bool(typed.strip()) and normalize_code(typed) is None


def matches_for(words: str) -> list[Match]:
    """The known codes offered for what the buyer typed, best first."""
    return [m for m in search(words, limit=LIMIT) if m.classification.known]


def no_matches(words: str) -> str:
    shown = " ".join(words.split())[:60]
    return (
        f"Fant ingen CPV-kode for «{shown}». Prøv andre ord, en del av et ord eller en kode (f.eks. 8531), "
        "eller svar «vet ikke»."
    )


def is_teaching(match: Match) -> bool:
    """Teaching delivered as a service: a code of FOA vedlegg 3 in division 80."""
    return match.code.startswith("80") and match.classification.annex == 3


def is_software(match: Match) -> bool:
    return match.code.startswith(SOFTWARE_DIVISIONS)


def asks_teaching_or_software(matches: list[Match]) -> bool:
    """True when the matches hold both teaching (vedlegg 3) and software or IT codes (not vedlegg 3)."""
    return any(is_teaching(m) for m in matches) and any(is_software(m) for m in matches)


def narrowed(matches: list[Match], delivery: str) -> list[Match] | None:
    """The matches of the kind the buyer named; None for «vet ikke» (the CPV question is then «vet ikke»)."""
    if delivery == TEACHING:
        return [m for m in matches if is_teaching(m)]
    if delivery == SOFTWARE:
        return [m for m in matches if is_software(m)]
    return None


def notes(matches: list[Match]) -> list[str]:
    """What to check, from the buyers' words that gave these matches («Merk: …»), each once."""
    return [f"Merk: {note}" for note in dict.fromkeys(m.note for m in matches if m.note)]


def label(match: Match) -> str:
    """«55510000 Kantinevirksomhet – særlig tjeneste (FOA vedlegg 2)»."""
    return f"{match.code} {match.name} – {match.classification.explanation}"
