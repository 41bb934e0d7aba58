"""CPV matches and classifications as plain dicts (for --json) and as lines of text."""

from __future__ import annotations

from .codes import Classification
from .matching import Match

CREDIT = "CPV-koder med norske navn: DFØ (anskaffelser/eforms-sdk-nor), CC BY 4.0"
NO_MATCHES = "Fant ingen CPV-kode som passer. Prøv et annet ord, en del av et ord eller en kode (f.eks. 8531)."


def to_json(matches: list[Match]) -> list[dict[str, object]]:
    """Plain dicts with stable keys, for `--json`."""
    return [
        {
            "code": m.code,
            "name": m.name,
            "why": m.why,
            "note": m.note,
            **classification_to_json(m.classification),
        }
        for m in matches
    ]


def classification_to_json(found: Classification) -> dict[str, object]:
    return {
        "known": found.known,
        "kind": found.kind,
        "certainty": found.certainty,
        "annex": found.annex,
        "citation": found.citation,
        "via": found.via,
        "vedlegg4": found.vedlegg4,
        "name_unverified": found.name_unverified,
        "explanation": found.explanation,
    }


def format_classification(found: Classification) -> str:
    """«85311000  Sosialomsorg med innkvartering – helse- og sosialtjeneste (FOA vedlegg 3); …»."""
    shown = found.name or "(ikke en kjent CPV-kode)"
    if found.name_unverified:
        shown += " (norsk navn ikke kontrollert)"
    return f"{found.code}  {shown} – {found.explanation}"


def format_matches(matches: list[Match]) -> list[str]:
    """Plain lines for `anskaffelse cpv SØK`: code, name, what FOA makes of it; a note under the first of a word."""
    if not matches:
        return [NO_MATCHES]
    lines = []
    noted: set[str] = set()
    for m in matches:
        lines.append(format_classification(m.classification))
        if m.note and m.note not in noted:
            noted.add(m.note)
            lines.append(f"    merk: {m.note}")
    lines.append(f"({CREDIT})")
    return lines


def answer(query: str, *, limit: int = 20, as_json: bool = False) -> tuple[str, bool]:
    """`anskaffelse cpv SØK`: the matches as text (or JSON), and whether there were any."""
    import json

    from .matching import search

    matches = search(query, limit=limit)
    text = json.dumps(to_json(matches), ensure_ascii=False, indent=2) if as_json else "\n".join(format_matches(matches))
    return text, bool(matches)
