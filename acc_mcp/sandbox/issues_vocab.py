"""The Issues family's vocabulary: types, root causes, trade defects, places and phrasing for titles and comments.

Kept as prose-like strings (one phrase per separator) so a few hundred generated issues read like a real
project's log, while the lists stay compact. The generator that draws from them is `issues_data`.
"""

from __future__ import annotations

import string


def phrases(text: str, sep: str = ";") -> list[str]:
    """Vocabulary is kept as prose-like strings (one phrase per separator) so the lists stay compact."""
    return [" ".join(part.split()) for part in text.split(sep) if part.strip()]


STATUSES = ("draft", "open", "pending", "in_progress", "completed", "in_review", "not_approved", "in_dispute", "closed")
ATTRIBUTES = phrases(
    "title; description; issueTypeId; issueSubtypeId; status; assignedTo; assignedToType; dueDate; locationId; "
    "locationDetails; linkedDocuments; rootCauseId; customAttributes; startDate; published; deleted; watchers"
)
ACTIONS = ["assign_all", "clear_assignee", "delete", "add_comment", "add_attachment", "remove_attachment"]
LARGE_ISSUES = 10_000

# (category, [(type, pin code)], weight) — ACC calls the product's categories "types" and types "subtypes".
TYPES: tuple[tuple[str, tuple[tuple[str, str], ...], int], ...] = (
    ("Quality", (("Defect", "DEF"), ("Observation", "OBS"), ("Punch List", "PCH"), ("Work to Complete", "WTC")), 50),
    ("Safety", (("Hazard", "HAZ"), ("Near Miss", "NMS"), ("Incident", "INC")), 14),
    ("Design", (("Clarification", "CLR"), ("Coordination", "CRD"), ("Design Change", "DCH")), 20),
    ("Commissioning", (("Functional Test Failure", "FTF"), ("Pre-Functional Deficiency", "PFD")), 10),
    ("Warranty", (("Warranty Claim", "WAR"),), 6),
    ("Close Out", (("Missing Documentation", "DOC"),), 0),  # inactive category: no issues use it
)
ROOT_CAUSES = {
    "Coordination": "Constructability; Trade coordination; Sequencing",
    "Design": "Design error; Design omission; Owner-requested change",
    "Documentation": "Drawing conflict; Specification conflict; Missing detail",
    "Workmanship": "Installation error; Poor workmanship; Damage by others",
    "Materials": "Defective material; Wrong material delivered; Late delivery",
    "Site Conditions": "Unforeseen condition; Weather",
    "Safety": "Unsafe act; Unsafe condition; Inadequate training",
}
CAUSES_FOR = {
    "Quality": ("Workmanship", "Materials", "Coordination"),
    "Safety": ("Safety",),
    "Design": ("Design", "Documentation", "Coordination"),
    "Commissioning": ("Workmanship", "Materials", "Design"),
    "Warranty": ("Materials", "Workmanship", "Site Conditions"),
}
# trade → defect phrases (each title is a phrase plus a location)
DEFECTS = {
    "Concrete": """
        Honeycombing in shear wall pour; Cracked slab edge; Exposed rebar at column base; Cold joint in wall pour;
        Slab out of level tolerance; Spalled concrete at stair nosing; Missing embed plate; Anchor bolts out of
        tolerance; Curb formwork misaligned""",
    "Structural Steel": """
        Missing bolts at beam connection; Moment connection weld not inspected; Deck fastening incomplete;
        Fireproofing damaged on beam; Galvanizing damaged on lintel; Shear studs missing on deck""",
    "Drywall": """
        Drywall nail pops; Drywall joint tape cracking; Ceiling tile stained; Missing corner bead; Wall out of plumb;
        Gypsum board damaged by moisture; Missing access panel; Soffit framing not per detail""",
    "Electrical": """
        Receptacle cover plate missing; Unlabeled electrical panel; Exposed wiring in junction box; GFCI receptacle
        not tripping; Light fixture not aligned with ceiling grid; Conduit not supported; Emergency light not
        functioning; Panel clearance obstructed""",
    "Plumbing": """
        Leaking P-trap under sink; Missing pipe insulation; Floor drain set too high; Relief line not piped to drain;
        Cleanout not accessible; Pipe hanger spacing exceeds spec; Loose hose bibb""",
    "Mechanical": """
        Duct insulation torn; VAV box lacks service access; Diffuser not connected to duct; Flex duct kinked above
        ceiling; Fire damper missing; Thermostat mounted at wrong height; Condensate line without trap""",
    "Fire Protection": """
        Sprinkler head obstructed by duct; Firestopping incomplete at penetration; Sprinkler escutcheon missing; Fire
        extinguisher cabinet not installed; Rated wall not sealed above ceiling""",
    "Finishes": """
        Cracked tile; Paint touch-up required; Grout missing at tile joint; Carpet seam visible; Scuffed wall base;
        Vinyl flooring lifting; Countertop joint not sealed; Millwork damaged during install""",
    "Doors & Hardware": """
        Door closer not adjusted; Door frame out of plumb; Door hardware missing; Door does not latch; Fire door
        label painted over; Door undercut exceeds 3/4 inch""",
    "Envelope": """
        Window sealant incomplete; Flashing missing at window head; Water stain below storefront; Curtain wall gasket
        loose; Roof membrane blistered; Brick mortar joints incomplete; Weep holes blocked""",
}
DOES_WORK = {
    trade: company
    for company, trades in {
        "Keystone Concrete": ("Concrete",),
        "Ironclad Steel Erectors": ("Structural Steel",),
        "Summit Drywall & Finishes": ("Drywall", "Finishes"),
        "Voltaic Electric": ("Electrical",),
        "Cascade Mechanical": ("Plumbing", "Mechanical", "Fire Protection"),
        "Harbor & Stone Builders": ("Doors & Hardware", "Envelope"),
    }.items()
    for trade in trades
}
SAFETY = {
    "Hazard": """
        Missing guardrail at slab edge; Unprotected floor opening; Damaged extension cord in use; Ladder not secured;
        Debris blocking egress path; Worker without fall protection; Missing toe board on scaffold; Unsecured gas
        cylinders; No fire extinguisher at hot work; Exposed rebar without caps; Scaffold tag expired; Silica dust
        without controls; Open electrical panel unattended; Improper material stacking""",
    "Near Miss": """
        Dropped tool from deck above; Load shifted during crane pick; Forklift nearly struck worker; Plywood sheet
        blown off deck; Worker slipped on wet stair; Unsecured ladder slid""",
    "Incident": """
        Worker cut hand on sheet metal; Minor eye injury from grinding debris; Vehicle struck temporary fence; Worker
        strained back lifting pipe""",
}
DESIGN = {
    "Clarification": """
        Clarify slab edge dimension; Confirm ceiling height; Missing detail for stair handrail; Dimensions conflict
        between A and S drawings; Clarify door swing; Confirm finish at accent wall; Verify beam top of steel
        elevation; Missing section for canopy connection""",
    "Coordination": """
        Duct conflicts with beam; Sprinkler main clashes with cable tray; Plumbing riser conflicts with footing;
        Light fixture conflicts with diffuser; Conduit routing blocks access panel; Insufficient ceiling space for
        duct""",
    "Design Change": """
        Relocate casework per owner request; Add blocking for wall-mounted equipment; Revise door hardware set;
        Upgrade ceiling tile to acoustic type""",
}
# equipment tag → what commissioning finds wrong with that kind of equipment
EQUIPMENT = {
    "AHU-{n}": "supply fan VFD faulting; discharge air temperature unstable; failed functional test",
    "RTU-{n}": "economizer damper not modulating; failed functional test; startup report missing",
    "VAV-{l}-{nn}": "not responding to BAS commands; airflow below design; damper actuator stroke incomplete",
    "EF-{n}": "vibration exceeds limits; rotation reversed; failed functional test",
    "FCU-{l}-{nn}": "not responding to BAS commands; condensate pump alarm; sensor out of calibration",
    "P-{n}": "vibration exceeds limits; startup report missing; alarm points not mapped to BAS",
    "B-{n}": "flame safeguard lockout; startup report missing",
    "ATS-{n}": "did not transfer within 10 seconds; alarm points not mapped to BAS",
    "GEN-{n}": "failed 4-hour load bank test; startup report missing",
}
WARRANTY = """
    Roof leak reported; Water intrusion at window; Cracked floor tile; HVAC not maintaining setpoint; Faucet leaking;
    Door closer failed; Light fixture flickering"""
SPACES = (
    "lobby restroom; east stair; west stair; elevator lobby; mechanical room; electrical room; main corridor; "
    "break room; conference room; janitor closet; IT room; nurse station; open office"
)
WALKS = ("QA/QC walk", "owner walkthrough", "pre-cover inspection", "punch walk", "daily inspection")
ASKS = """
    Please correct and mark ready for review. | Repair per specification section {spec} and attach photos. |
    Coordinate the repair with the {trade} foreman before close-in. | Provide a corrective action plan this week."""
SPECS = ("03 30 00", "05 12 00", "09 29 00", "26 05 00", "22 05 00", "23 31 00", "21 13 13", "08 71 00", "07 92 00")
SHEETS = [
    tuple(sheet.split(": "))
    for sheet in phrases(
        """A-101: Level 1 Floor Plan; A-201: Building Elevations; A-501: Wall Sections; S-201: Level 2 Framing Plan;
        S-301: Foundation Details; M-301: Level 3 HVAC Plan; E-401: Level 4 Power Plan; P-201: Plumbing Risers;
        FP-101: Fire Protection Plan; Coordination Model: Federated NWD"""
    )
]
COMMENTS = """
    Subcontractor notified; rework scheduled for {day}. | Work complete, ready for review. | Reviewed on site. Still
    not acceptable, see attached photo. | Please provide an ETA for the fix. | Material on order, expected delivery
    {date}. | Confirmed with the architect: proceed per detail {n}/{sheet}. | Corrected and photographed. Requesting
    closure. | This is outside our scope. Reassigning to the GC. | Crew will address on the next shift. | Inspector
    signed off on {date}. | Added to the weekly coordination meeting agenda."""
CITY = {"Portland": (45.52, -122.68), "Seattle": (47.61, -122.33), "Boise": (43.62, -116.2)}
CITY |= {"Tacoma": (47.25, -122.44), "San Francisco": (37.77, -122.42), "Denver": (39.74, -104.99)}
URN_CHARS = string.ascii_letters + string.digits + "-_"


MONTHS = phrases("Jan; Feb; Mar; Apr; May; Jun; Jul; Aug; Sep; Oct; Nov; Dec")

# (title, dataType, description, list options, mapped to: "" = whole project, else a category or type title)
ATTRS = (
    ("Priority", "list", "How urgently the issue needs attention.", "Critical; High; Medium; Low", ""),
    ("Responsible Trade", "list", "The trade responsible for the fix.", "; ".join(DEFECTS), ""),
    ("Cost Impact ($)", "numeric", "Estimated cost of the corrective work.", "", "Quality"),
    ("Spec Section", "text", "The governing specification section.", "", "Quality"),
    ("OSHA Category", "list", "", "Fall protection; Electrical; Housekeeping; PPE; Struck-by; Caught-in", "Safety"),
    ("Drawing Reference", "text", "Sheet and detail the question refers to.", "", "Design"),
    ("Equipment Tag", "text", "The equipment under test.", "", "Commissioning"),
    ("Inspector Notes", "paragraph", "Notes from the final inspection.", "", "Punch List"),
    ("Legacy Cost Code", "text", "Retired in favour of Cost Impact.", "", "deleted"),
)
