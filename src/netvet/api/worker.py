"""Long work (a large import, a full re-screen, an assessment) runs here, not in the request.

One background thread in the server process takes jobs in order; the `jobs` table holds their
state, so the status endpoint reads the database and any worker of the same database sees it. A job
that a stopped process left unfinished is marked failed when the next server starts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy.exc import OperationalError

from netvet.api.problems import Problem, inventory_problem
from netvet.ingest import InventoryFileError
from netvet.storage import Database, access

log = logging.getLogger(__name__)
LOCKED_RETRIES = 3


class JobContext:
    def __init__(self, database: Database, job_id: str) -> None:
        self.database = database
        self.job_id = job_id

    def progress(self, done: float, total: float) -> None:
        if total > 0:
            with self.database.begin() as conn:
                access.update_job(conn, self.job_id, progress=min(1.0, done / total))


JobWork = Callable[[JobContext], dict[str, Any]]


class JobRunner:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="netvet-job")
        with database.begin() as conn:
            interrupted = access.fail_interrupted_jobs(conn)
        if interrupted:
            log.warning("marked %d interrupted job(s) as failed", interrupted)

    def submit(self, organization_id: str, kind: str, created_by: str, work: JobWork) -> str:
        with self.database.begin() as conn:
            job_id = access.create_job(conn, organization_id, kind, created_by)
        self._pool.submit(self._run, job_id, work)
        return job_id

    def _run(self, job_id: str, work: JobWork) -> None:
        with self.database.begin() as conn:
            access.update_job(conn, job_id, status=access.JobStatus.RUNNING.value, started_at=access.now())
        try:
            result = self._attempt(job_id, work)
        except Exception as exc:  # a job's failure is its result, never the worker's end
            error = job_error(exc)
            if error["status"] == 500:
                log.exception("job %s failed", job_id)
            with self.database.begin() as conn:
                access.update_job(
                    conn, job_id, status=access.JobStatus.FAILED.value, finished_at=access.now(), error=error
                )
            return
        with self.database.begin() as conn:
            access.update_job(
                conn,
                job_id,
                status=access.JobStatus.SUCCEEDED.value,
                finished_at=access.now(),
                progress=1.0,
                result=result,
            )

    def _attempt(self, job_id: str, work: JobWork) -> dict[str, Any]:
        """Run the work; again (a few times) when SQLite refused a write because a request wrote at the
        same moment. Each step of a job is its own transaction, rolled back whole when it fails."""
        for attempt in range(LOCKED_RETRIES):
            try:
                return work(JobContext(self.database, job_id))
            except OperationalError as exc:
                if not database_locked(exc):
                    raise
                log.warning("job %s: the database was locked (attempt %d); retrying", job_id, attempt + 1)
                time.sleep(0.5 * 2**attempt)
        return work(JobContext(self.database, job_id))

    def wait_idle(self, timeout: float = 30.0) -> None:
        """Block until every job submitted so far has finished (tests, shutdown)."""
        self._pool.submit(lambda: None).result(timeout)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)


def database_locked(exc: OperationalError) -> bool:
    """SQLite's answer when another connection holds the write lock (or wrote since this one read)."""
    return "database is locked" in str(exc.orig)


def job_error(exc: Exception) -> dict[str, Any]:
    """A failed job's error in the same problem-details shape the API answers with."""
    if isinstance(exc, InventoryFileError):
        return inventory_problem(exc).body()
    if isinstance(exc, Problem):
        return exc.body()
    return Problem(500, f"{type(exc).__name__}: {exc}").body()
