"""The Reviews family's vocabulary: workflow templates (steps, candidates, durations), sheet and file names per
discipline, review notes, and the two hospital reviews the scenarios rely on. `reviews_data` simulates from it."""

from __future__ import annotations

from dataclasses import dataclass


def split(names: str) -> tuple[str, ...]:
    return tuple(names.split("|"))


@dataclass(frozen=True)
class Step:
    """A workflow step template: `who` lists candidate role names, and companies prefixed with "@"."""

    name: str
    type: str
    who: str
    duration: int = 0
    due: str = "CALENDAR_DAY"
    group: tuple[str, int] | None = None


INIT = Step("Initiator", "INITIATOR", "Project Engineer,Project Manager")
FINAL = Step("Final Approval", "APPROVER", "Project Manager", 3)

# (name, discipline, status, description, notes, steps)
WORKFLOWS: tuple[tuple[str, str, str, str, str, tuple[Step, ...]], ...] = (
    (
        "Structural Review – 2 step",
        "structural",
        "ACTIVE",
        "Engineer of record review of structural drawings, then GC sign-off.",
        "Check member sizes and connection callouts against the latest calculations.",
        (INIT, Step("Structural Engineer Review", "REVIEWER", "Structural Engineer", 5, "WORKDAY"), FINAL),
    ),
    (
        "Structural Shop Drawing Review",
        "structural",
        "ACTIVE",
        "Shop drawings from the steel and concrete trades: GC check, engineer of record review, final approval.",
        "Please check all rebar annotations before approving. Include markup if changes are required.",
        (
            INIT,
            Step("Initial Review", "REVIEWER", "Project Engineer", 3, "WORKDAY"),
            Step("Structural Engineer Review", "REVIEWER", "@Calder Structural Engineers", 7, group=("MINIMUM", 1)),
            FINAL,
        ),
    ),
    (
        "MEP Coordination Review",
        "mep",
        "ACTIVE",
        "Coordinated MEP layouts reviewed by the MEP consultant before fabrication.",
        "Flag any clash with structure or ceiling heights below 9'-0\".",
        (
            INIT,
            Step("MEP Consultant Review", "REVIEWER", "MEP Engineer,Electrical Engineer", 5, "WORKDAY", ("ALL", 0)),
            FINAL,
        ),
    ),
    (
        "Architectural Submittal Review",
        "arch",
        "ACTIVE",
        "Architectural submittals and shop drawings: GC check, architect review, final approval.",
        "Verify finishes and dimensions against the current ASI log.",
        (
            INIT,
            Step("Initial Review", "REVIEWER", "Project Engineer", 3, "WORKDAY"),
            Step("Architect Review", "REVIEWER", "Architect,@Meridian Architects", 10),
            FINAL,
        ),
    ),
    (
        "Owner Design Approval",
        "design",
        "ACTIVE",
        "Design packages reviewed by the design team and approved by the owner.",
        "Owner approval is required before the package is issued for construction.",
        (
            Step("Initiator", "INITIATOR", "Architect,Project Manager"),
            Step("Design Team Review", "REVIEWER", "Architect,Structural Engineer", 5, group=("MINIMUM", 2)),
            Step("Owner Approval", "APPROVER", "Owner's Representative", 5),
        ),
    ),
    (
        "IFC Drawing Issue (2024)",
        "design",
        "INACTIVE",
        "Retired: single-step approval used for the 2024 IFC issues.",
        "",
        (INIT, Step("Approval", "APPROVER", "Project Manager", 5)),
    ),
)

NAMES: dict[str, tuple[str, ...]] = {
    "structural": split(
        "Level 3 Structural Framing Review|Foundation Rebar Shop Drawings|"
        "Structural Steel Connection Details – Phase 2|Level 2 Slab Reinforcement Review|"
        "Roof Framing Plan – IFC|Shear Wall Layout Revision|Moment Frame Shop Drawings|"
        "Elevator Pit and Core Wall Details|Pile Cap Schedule Review|Transfer Beam Details – Level 4|"
        "Post-Tensioned Slab Tendon Layout|Stair Framing Shop Drawings"
    ),
    "mep": split(
        "Level 2 HVAC Ductwork Coordination|Plumbing Riser Diagrams|"
        "Electrical Single-Line Diagram Review|Fire Sprinkler Layout – Level 1|Medical Gas Piping Review|"
        "Mechanical Room Equipment Layout|Lighting Plan – Levels 1–3|Generator and Switchgear Submittal|"
        "Chilled Water Piping Coordination|Fire Alarm Device Layout"
    ),
    "arch": split(
        "Exterior Curtain Wall Shop Drawings|Door Hardware Schedule|Level 1 Reflected Ceiling Plan|"
        "Interior Finish Schedule Review|Roofing System Submittal|Stair and Railing Details|"
        "Window Schedule – Revision 2|Lobby Millwork Shop Drawings|Toilet Room Enlarged Plans|"
        "Exterior Wall Sections"
    ),
    "design": split(
        "Design Development Set – Owner Review|100% CD Package Approval|Schematic Design Sign-off|"
        "Value Engineering Options – Owner Approval|Signage and Wayfinding Package|"
        "Site Plan and Landscaping Approval|Bid Set Issue – Addendum 2"
    ),
}
SHEETS: dict[str, tuple[str, ...]] = {
    "structural": split(
        "S-101 Foundation Plan|S-102 Foundation Details|S-201 Level 3 Framing Plan|"
        "S-202 Level 3 Framing Sections|S-203 Roof Framing Plan|S-301 Typical Steel Connection Details|"
        "S-302 Moment Connection Details|S-401 Concrete Reinforcement Schedules|"
        "S-501 Shear Wall Elevations"
    ),
    "mep": split(
        "M-101 Level 1 HVAC Plan|M-102 Level 2 HVAC Plan|M-401 Mechanical Room Enlarged Plan|"
        "P-101 Level 1 Plumbing Plan|P-201 Plumbing Riser Diagram|E-001 Electrical Single-Line Diagram|"
        "E-201 Level 2 Lighting Plan|FP-101 Fire Sprinkler Plan Level 1|FA-101 Fire Alarm Plan Level 1"
    ),
    "arch": split(
        "A-101 Level 1 Floor Plan|A-201 Exterior Elevations|A-301 Building Sections|A-401 Wall Sections|"
        "A-501 Curtain Wall Details|A-601 Door Schedule|A-701 Level 1 Reflected Ceiling Plan|"
        "A-801 Finish Schedule|A-901 Stair Details"
    ),
    "design": split("G-001 Cover Sheet|C-101 Site Plan|L-101 Landscape Plan|A-101 Level 1 Floor Plan"),
}
DISCIPLINE = {"structural": "Structural", "mep": "MEP", "arch": "Architectural", "design": "General"}
REVIEW_NOTES = (
    "Reviewed – see markups on the attached sheets.",
    "No exceptions taken.",
    "Minor comments; revise and include in next issue.",
    "Coordinated with the trade; dimensions confirmed in the field.",
    "Approved as noted. Confirm embed locations before the pour.",
)
AREAS = ("Area B", "Area C", "East Wing", "West Wing", "North Tower", "Podium", "Phase 3")
HOSPITAL_REVIEW = "Level 3 Structural Framing Review"
"""The hospital's OPEN structural review, guaranteed to sit midway through its workflow."""
HOSPITAL_OVERDUE = "Foundation Rebar Shop Drawings"
"""A hospital review whose current step is guaranteed to be overdue."""
