"""Mutual recognition: when an inspection counts for an agency, so a truck is not inspected twice.

An agency's own inspection counts for it once concluded. A joint inspection counts for each
agency once concluded, and how it counts depends on the data-sharing agreement between the two
(the flag its caller passes): with mutual recognition, one concluded joint inspection satisfies
both agencies, even one that concluded relying on the other agency's findings; without it, an
agency is satisfied only by a part where it recorded findings of its own. Another agency's
single-agency inspection never satisfies an agency.
"""

from __future__ import annotations

from smartborder.inspections.model import Agency, Inspection, Step


def satisfies(inspection: Inspection, agency: Agency, *, mutual_recognition: bool) -> bool:
    """Whether ``inspection`` satisfies ``agency``'s need to inspect the trip."""
    if inspection.step is not Step.CONCLUDED:
        return False
    part = inspection.parts.get(agency)
    if part is None:  # the other agency's own inspection
        return False
    if not inspection.joint:
        return True
    return mutual_recognition or bool(part.findings)
