"""The legal checklist per process and the production gate built on it.

A process may only enter phase *Drift* (operation), and a bot may only make production
runs, when every point is settled: legal basis (GDPR art. 6, art. 9 where special categories are
processed, and the national basis), art. 22 automated decisions (and why allowed), DPIA, records of
processing (art. 30), data processing agreement, the robot's own identity, logging of personal-data
look-ups, and a test and fall-back plan (Datatilsynet 2023; Ombudsman 2024; see docs/catalogue.md).

Five further points settle the administrative-law side:

* **afgørelse** — does the process end in a decision with legal effect (forvaltningsloven; a fine, a
  benefit reduction)? Then the robot may prepare it, but full automation needs a documented legal basis
  (GDPR art. 22(2)(b)) *and* human review of each decision (forvaltningsloven §§ 19 partshøring,
  22–25 begrundelse og klagevejledning);
* **criminal matters** — GDPR art. 10 and databeskyttelsesloven § 8;
* **CPR numbers** — databeskyttelsesloven § 11;
* **duty to inform** — GDPR art. 13/14;
* **notes and journalising** — offentlighedsloven § 13 (notatpligt) and § 15 (journaliseringspligt).
"""

from __future__ import annotations

import enum

from pydantic import BaseModel, ConfigDict, Field


class Art6Basis(enum.StrEnum):
    """GDPR art. 6(1) letters public bodies use."""

    A_CONSENT = "6.1.a"
    B_CONTRACT = "6.1.b"
    C_LEGAL_OBLIGATION = "6.1.c"
    E_PUBLIC_TASK = "6.1.e"


class Art9Basis(enum.StrEnum):
    """GDPR art. 9(2) letters (only when special categories are processed)."""

    NOT_APPLICABLE = "ikke_relevant"
    B_EMPLOYMENT = "9.2.b"
    F_LEGAL_CLAIMS = "9.2.f"
    G_PUBLIC_INTEREST = "9.2.g"
    H_HEALTH_SOCIAL = "9.2.h"


class Requirement(enum.StrEnum):
    """Status of a document that may or may not be needed."""

    UNKNOWN = "ukendt"
    NOT_NEEDED = "ikke_noedvendig"
    NEEDED = "noedvendig"  # needed, not yet done
    DONE = "udfoert"


class LegalChecklist(BaseModel):
    """The points to settle before a robot runs in production (all start unsettled)."""

    model_config = ConfigDict(extra="forbid")

    art6: Art6Basis | None = None
    art9: Art9Basis | None = None
    national_basis: str | None = Field(None, description="e.g. 'Sygedagpengeloven § 59'")
    automated_decision: bool | None = Field(None, description="does the robot make art. 22 decisions?")
    automated_decision_why_allowed: str | None = None
    dpia: Requirement = Requirement.UNKNOWN
    records_of_processing_updated: bool = False
    data_processing_agreement: Requirement = Requirement.UNKNOWN
    robot_identity: str | None = Field(None, description="the robot's own user id in the systems")
    lookup_logging: bool = False
    test_plan: bool = False
    fallback_plan: bool = False
    legal_effect_decision: bool | None = Field(
        None, description="does the process end in an afgørelse (a decision with legal effect)?"
    )
    legal_effect_decision_basis: str | None = Field(
        None, description="the documented basis for automating the afgørelse (art. 22(2)(b); law and §)"
    )
    human_review: bool = Field(False, description="a person reviews each afgørelse before it is sent")
    criminal_data: bool | None = Field(None, description="are data on criminal matters processed (art. 10)?")
    criminal_data_basis: str | None = Field(None, description="the basis under databeskyttelsesloven § 8")
    cpr_numbers: bool | None = Field(None, description="are CPR numbers processed?")
    cpr_basis: str | None = Field(None, description="the basis under databeskyttelsesloven § 11, e.g. 'stk. 1'")
    duty_to_inform: Requirement = Field(
        Requirement.UNKNOWN, description="GDPR art. 13/14 information given (or not needed)"
    )
    notes_and_journalising: bool = Field(
        False, description="the robot's steps are noted and journalised (offentlighedsloven §§ 13, 15)"
    )
    reviewed_by: str | None = Field(None, description="kept locally, never exported")
    reviewed_on: str | None = None

    def missing(self) -> list[str]:
        """The checklist keys still unsettled, in checklist order (empty = complete)."""
        out: list[str] = []
        if self.art6 is None:
            out.append("art6")
        if self.art9 is None:
            out.append("art9")
        if not self.national_basis:
            out.append("national_basis")
        if self.automated_decision is None:
            out.append("automated_decision")
        elif self.automated_decision and not self.automated_decision_why_allowed:
            out.append("automated_decision_why_allowed")
        if self.dpia not in (Requirement.NOT_NEEDED, Requirement.DONE):
            out.append("dpia")
        if not self.records_of_processing_updated:
            out.append("records_of_processing_updated")
        if self.data_processing_agreement not in (Requirement.NOT_NEEDED, Requirement.DONE):
            out.append("data_processing_agreement")
        if not self.robot_identity:
            out.append("robot_identity")
        if not self.lookup_logging:
            out.append("lookup_logging")
        if not self.test_plan:
            out.append("test_plan")
        if not self.fallback_plan:
            out.append("fallback_plan")
        out.extend(self._administrative_law_missing())
        return out

    def _administrative_law_missing(self) -> list[str]:
        out: list[str] = []
        if self.legal_effect_decision is None:
            out.append("legal_effect_decision")
        elif self.legal_effect_decision and self.automated_decision:
            if not self.legal_effect_decision_basis:
                out.append("legal_effect_decision_basis")
            if not self.human_review:
                out.append("human_review")
        if self.criminal_data is None:
            out.append("criminal_data")
        elif self.criminal_data and not self.criminal_data_basis:
            out.append("criminal_data_basis")
        if self.cpr_numbers is None:
            out.append("cpr_numbers")
        elif self.cpr_numbers and not self.cpr_basis:
            out.append("cpr_basis")
        if self.duty_to_inform not in (Requirement.NOT_NEEDED, Requirement.DONE):
            out.append("duty_to_inform")
        if not self.notes_and_journalising:
            out.append("notes_and_journalising")
        return out

    @property
    def fully_automated_decision_allowed(self) -> bool:
        """True unless the process ends in an afgørelse without a documented basis and human review."""
        if not self.legal_effect_decision:
            return True
        return bool(self.legal_effect_decision_basis) and self.human_review

    @property
    def complete(self) -> bool:
        return not self.missing()


CHECKLIST_POINTS: tuple[str, ...] = (
    "art6",
    "art9",
    "national_basis",
    "automated_decision",
    "legal_effect_decision",
    "criminal_data",
    "cpr_numbers",
    "duty_to_inform",
    "notes_and_journalising",
    "dpia",
    "records_of_processing_updated",
    "data_processing_agreement",
    "robot_identity",
    "lookup_logging",
    "test_plan",
    "fallback_plan",
)
"""The checklist's main points in the order a person reads them."""

SUB_POINTS: dict[str, tuple[str, ...]] = {
    "automated_decision": ("automated_decision_why_allowed",),
    "legal_effect_decision": ("legal_effect_decision_basis", "human_review"),
    "criminal_data": ("criminal_data_basis",),
    "cpr_numbers": ("cpr_basis",),
}
"""Points that only apply when their main point is answered yes."""

CHECKLIST_LABELS: dict[str, tuple[str, str]] = {
    "art6": ("Behandlingsgrundlag efter GDPR art. 6", "Legal basis under GDPR art. 6"),
    "art9": ("Art. 9 (følsomme oplysninger) vurderet", "Art. 9 (special categories) assessed"),
    "national_basis": ("National hjemmel", "National legal basis"),
    "automated_decision": (
        "Automatisk afgørelse (art. 22) vurderet",
        "Automated decision (art. 22) assessed",
    ),
    "automated_decision_why_allowed": (
        "Begrundelse for at automatisk afgørelse er tilladt",
        "Why the automated decision is allowed",
    ),
    "dpia": ("Konsekvensanalyse (DPIA) udført eller ikke nødvendig", "DPIA done or not needed"),
    "records_of_processing_updated": (
        "Fortegnelse (art. 30) opdateret",
        "Records of processing (art. 30) updated",
    ),
    "data_processing_agreement": (
        "Databehandleraftale på plads eller ikke nødvendig",
        "Data processing agreement in place or not needed",
    ),
    "robot_identity": ("Robotten har egen bruger", "The robot has its own user"),
    "lookup_logging": ("Logning af opslag i personoplysninger", "Logging of personal-data look-ups"),
    "test_plan": ("Testplan", "Test plan"),
    "fallback_plan": ("Nødplan (fall-back)", "Fall-back plan"),
    "legal_effect_decision": (
        "Ender processen i en afgørelse (forvaltningsloven)? vurderet",
        "Whether the process ends in a decision with legal effect assessed",
    ),
    "legal_effect_decision_basis": (
        "Dokumenteret hjemmel til automatisk afgørelse (GDPR art. 22, stk. 2, litra b)",
        "Documented basis for the automated decision (GDPR art. 22(2)(b))",
    ),
    "human_review": (
        "Menneskelig kontrol af hver afgørelse (forvaltningsloven §§ 19, 22–25)",
        "Human review of each decision (Public Administration Act ss. 19, 22–25)",
    ),
    "criminal_data": (
        "Strafbare forhold (GDPR art. 10) vurderet",
        "Criminal-offence data (GDPR art. 10) assessed",
    ),
    "criminal_data_basis": (
        "Hjemmel efter databeskyttelsesloven § 8",
        "Basis under the Data Protection Act s. 8",
    ),
    "cpr_numbers": ("Behandling af CPR-numre vurderet", "Processing of CPR numbers assessed"),
    "cpr_basis": ("Hjemmel efter databeskyttelsesloven § 11", "Basis under the Data Protection Act s. 11"),
    "duty_to_inform": (
        "Oplysningspligt (GDPR art. 13/14) opfyldt eller ikke relevant",
        "Duty to inform (GDPR art. 13/14) met or not applicable",
    ),
    "notes_and_journalising": (
        "Notat- og journaliseringspligt (offentlighedsloven §§ 13, 15)",
        "Duty to take notes and journalise (Access to Public Administration Files Act ss. 13, 15)",
    ),
    "phase": ("Processen skal være i fasen Drift", "The process must be in phase Operation"),
}


def checklist_label(key: str, lang: str = "da") -> str:
    """The checklist point ``key`` as a person reads it."""
    da, en = CHECKLIST_LABELS.get(key, (key, key))
    return da if lang == "da" else en
