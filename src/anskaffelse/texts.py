"""Words the user reads that more than one module shows."""

from __future__ import annotations

DISCLAIMER = (
    "Dette er veiledning, ikke juridisk rådgivning. Vurder alltid den konkrete saken, og søk juridisk bistand ved tvil."
)

VERDICT_LABELS = {
    "tillatt": "Tillatt",
    "ikke_tillatt": "Ikke tillatt",
    "vurder": "Må vurderes nærmere",
    "utenfor_regelverket": "Utenfor regelverket",
}

ORIGIN_LABELS = {
    "asked": "besvart i veiviseren",
    "file": "oppgitt på forhånd",
    "fact": "kjent fra et tidligere svar",
}
