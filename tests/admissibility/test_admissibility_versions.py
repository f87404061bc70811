"""Publishing: validated, immutable versions that decisions cite."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from smartborder.admissibility import (
    Outcome,
    PolicyInvalid,
    Traveler,
    VersionNotFound,
    evaluate,
    get_version,
    list_versions,
    publish,
    version_policies,
)
from smartborder.admissibility.plan import plan_text
from smartborder.store import RowImmutable, transaction
from smartborder.store.tables.admissibility import PolicyVersionRow

COVID, _ = plan_text("covid-us-land-2020")
# The same plan with phase 3 moved a week later: a different, publishable policy set.
LATER = COVID.replace("2022-01-22T05:00:00Z", "2022-01-29T05:00:00Z")
TOURIST = Traveler(
    nationality="MEX",
    age=40,
    purpose="work",
    fully_vaccinated=False,
    vaccination_proof=False,
    documents=["passport", "us_visa"],  # what the baseline's document rules ask
)
WHEN = datetime.fromisoformat("2022-01-25T10:00:00-08:00")


def test_publish_creates_versions_and_decisions_cite_them(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        v1 = publish(s, COVID, published_by="cbp/test")
    assert v1.version == "covid-us-land-2020@1" and v1.created
    with transaction(sessions) as s:
        again = publish(s, COVID, published_by="cbp/test")
    assert again.version == v1.version and not again.created
    with transaction(sessions) as s:
        v2 = publish(s, LATER, published_by="cbp/test")
    assert v2.version == "covid-us-land-2020@2"
    with transaction(sessions) as s:
        assert [v.version for v in list_versions(s)] == [
            "covid-us-land-2020@1",
            "covid-us-land-2020@2",
        ]
        old = version_policies(s, v1.version)
        new = version_policies(s, v2.version)
        assert get_version(s, v1.version).cedar == old.cedar
    r1 = evaluate(TOURIST, port="2504", at=WHEN, plan=old)
    r2 = evaluate(TOURIST, port="2504", at=WHEN, plan=new)
    assert (r1.decision, r1.version) == (Outcome.DENY, "covid-us-land-2020@1")
    assert (r2.decision, r2.version) == (Outcome.ADMIT, "covid-us-land-2020@2")


def test_published_versions_are_immutable(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        v1 = publish(s, COVID, published_by="cbp/test")
    with pytest.raises(RowImmutable), transaction(sessions) as s:
        row = s.get(PolicyVersionRow, v1.version)
        assert row is not None
        row.cedar = "permit(principal, action, resource);"
    with pytest.raises(RowImmutable), transaction(sessions) as s:
        row = s.get(PolicyVersionRow, v1.version)
        s.delete(row)
    with transaction(sessions) as s:
        assert get_version(s, v1.version).digest == v1.digest


def test_invalid_policy_set_is_refused_and_nothing_is_published(
    sessions: sessionmaker[Session],
) -> None:
    broken = (
        COVID
        + '\npolicies:\n  - |\n    @id("bad")\n    permit(principal, action, resource) when { principal.shoe_size > 3 };\n'
    )
    with pytest.raises(PolicyInvalid) as info, transaction(sessions) as s:
        publish(s, broken, published_by="cbp/test")
    assert info.value.problems[0].pointer == "/policies/bad"
    assert "shoe_size" in info.value.problems[0].message.en
    with transaction(sessions) as s:
        assert list_versions(s) == []
        with pytest.raises(VersionNotFound):
            get_version(s, "covid-us-land-2020@1")
