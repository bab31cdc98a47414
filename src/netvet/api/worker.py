"""Long work (a large import, a full re-screen, an assessment) runs here, not in the request.

One background thread in the server process takes jobs in order; the `jobs` table holds their
state. A running job's progress is kept in memory instead (see `JobContext.progress`) and laid over
the stored row by `JobRunner.live`. A job that a stopped process left unfinished is marked failed
when the next server starts.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy.exc import OperationalError

from netvet.api.problems import Problem, disk_full_problem, inventory_problem
from netvet.ingest import InventoryFileError
from netvet.storage import Database, access
from netvet.storage.db import is_disk_full

log = logging.getLogger(__name__)
LOCKED_RETRIES = 3


class JobContext:
    def __init__(self, database: Database, job_id: str, runner: JobRunner) -> None:
        self.database = database
        self.job_id = job_id
        self._runner = runner

    def progress(self, done: float, total: float) -> None:
        """Kept in memory, not written: the work reports progress from inside its own transaction,
        and on SQLite a second connection could not write while that transaction holds the lock."""
        if total > 0:
            self._runner.set_progress(self.job_id, min(1.0, done / total))


JobWork = Callable[[JobContext], dict[str, Any]]


class JobRunner:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="netvet-job")
        self._progress: dict[str, float] = {}  # running jobs only
        self._progress_lock = threading.Lock()
        with database.begin() as conn:
            interrupted = access.fail_interrupted_jobs(conn)
        if interrupted:
            log.warning("marked %d interrupted job(s) as failed", interrupted)

    def submit(
        self,
        organization_id: str,
        kind: str,
        created_by: str,
        work: JobWork,
        on_done: Callable[[], None] | None = None,
    ) -> str:
        """Queue the work; `on_done` runs once the job has ended, however it ended (it releases what
        the job owns, such as its upload)."""
        try:
            with self.database.begin() as conn:
                job_id = access.create_job(conn, organization_id, kind, created_by)
        except BaseException:
            if on_done is not None:
                on_done()
            raise
        try:
            self._pool.submit(self._run, job_id, work, on_done)
        except RuntimeError:  # the runner is shutting down
            if on_done is not None:
                on_done()
            raise
        return job_id

    def set_progress(self, job_id: str, share: float) -> None:
        with self._progress_lock:
            self._progress[job_id] = share

    def live(self, job: dict[str, Any]) -> dict[str, Any]:
        """The stored job row with the progress of the running job filled in from memory."""
        with self._progress_lock:
            share = self._progress.get(job["id"])
        if share is None or job.get("status") != access.JobStatus.RUNNING.value:
            return job
        return {**job, "progress": share}

    def _run(self, job_id: str, work: JobWork, on_done: Callable[[], None] | None) -> None:
        try:
            with self.database.begin() as conn:
                access.update_job(
                    conn, job_id, status=access.JobStatus.RUNNING.value, started_at=access.now()
                )
            self.set_progress(job_id, 0.0)
            self._run_and_record(job_id, work)
        finally:
            with self._progress_lock:
                self._progress.pop(job_id, None)
            if on_done is not None:
                on_done()

    def _run_and_record(self, job_id: str, work: JobWork) -> None:
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
                return work(JobContext(self.database, job_id, self))
            except OperationalError as exc:
                if not database_locked(exc):
                    raise
                log.warning("job %s: the database was locked (attempt %d); retrying", job_id, attempt + 1)
                time.sleep(0.5 * 2**attempt)
        return work(JobContext(self.database, job_id, self))

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
    if is_disk_full(exc):
        return disk_full_problem().body()
    return Problem(500, f"{type(exc).__name__}: {exc}").body()
