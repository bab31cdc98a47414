"""Migration 0014: decisions taken per list entry carry over as one decision per name and entity."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from netvet.model.screening import Decision, ScreeningStatus
from netvet.screening import Screener, shipped_lists
from netvet.storage import open_database
from netvet.storage.db import alembic_config, make_engine
from netvet.storage.screening import decision_book, decision_history

BEFORE = "0007_screening_decisions_org"


def test_per_list_decisions_become_one_decision_per_name_and_entity_in_force(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = make_engine(url)
    config = alembic_config(engine)
    command.upgrade(config, "heads")
    command.downgrade(config, BEFORE)  # the schema before decisions were per entity
    huawei = [e for lst in shipped_lists() for e in lst.entries if e.entity_id == "huawei"]
    when = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    with engine.begin() as conn:
        rows = [
            {
                "organization_id": "default",
                "name_key": "huawie",
                "name": "Huawie",
                "list_id": e.list_id,
                "entity_id": "huawei",
                "decision": "dismissed",
                "reason": "a bakery in Leeds",
                "decided_by": "ana",
                "decided_at": when,
                "entry_hash": e.content_hash,
            }
            for e in huawei
        ]
        conn.execute(sa.table("screening_decisions", *(sa.column(k) for k in rows[0])).insert(), rows)
    engine.dispose()

    db = open_database(url)  # migrates to the heads
    with db.connect() as conn:
        history = decision_history(conn)
        book = decision_book(conn)
    assert len(history) == 1 and history[0]["entry_hashes"] == {e.list_id: e.content_hash for e in huawei}
    screening = Screener(huawei).screen("Huawie", decisions=book)
    assert screening.status is ScreeningStatus.CLEAR
    assert screening.results[0].decision is Decision.DISMISSED
    db.dispose()
