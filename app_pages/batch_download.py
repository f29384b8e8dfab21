"""A batch run's result, downloaded as the reader's CSV: streamed from the database, so
memory holds one part of the kept file and one chunk of rows, whatever the result's size,
and any app process on the database serves it (gate.routes installs the route).

Asked exactly as the gate asks for /media: a live staff session's cookie whose role may use
the Batch page; anything else is refused (403). A result let go, deleted or changed is one
short message in the reader's language, never a traceback.

Not a page: st.navigation lists the pages explicitly.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from app_pages.batch_state import release_memory, stored_csv_chunks
from app_pages.gate import signed_in_staff
from matcher.errors import UserFacingError
from matcher.i18n import LANGS, Lang, say
from matcher.workspace.roles import NotAllowedError

LOG = logging.getLogger("app_pages.batch_download")
PATH = "/batch-result/{run_id:int}.csv"


def result_url(run_id: int, lang: Lang) -> str:
    """Where a run's result is downloaded as the CSV in `lang` (relative to the app)."""
    return f"batch-result/{run_id}.csv?lang={lang}"


def _reader_lang(request: Request) -> Lang:
    asked = request.query_params.get("lang", "")
    for code in LANGS:
        if code == asked:
            return code
    return "zh"


def _say(text: str, status: int) -> Response:
    return PlainTextResponse(text, status_code=status, headers={"Cache-Control": "no-store"})


async def _download(request: Request) -> Response:
    from app_pages.common import catalogue, workspace

    language = _reader_lang(request)
    staff = await signed_in_staff(request.scope)
    if staff is None:
        return _say(say("batch_result_refused").in_(language), 403)
    run_id: int = request.path_params["run_id"]
    folder = Path(tempfile.mkdtemp(prefix="batch-result-"))

    def fetched() -> Iterator[bytes]:
        runs = workspace().acting_as(staff).batch_runs
        path = folder / "result"
        with path.open("wb") as handle:
            stored_as = runs.result_into(run_id, handle)
        chunks = stored_csv_chunks(path, stored_as, language, catalogue().tuning.shown)
        # The first chunk is read here, so a file that is no Parquet is said, not cut short.
        first = next(chunks, b"")
        yield first
        yield from chunks

    def forget() -> None:
        shutil.rmtree(folder, ignore_errors=True)
        release_memory()

    try:
        body = fetched()
        first = await run_in_threadpool(next, body)
    except NotAllowedError as error:
        forget()
        return _say(error.message.in_(language), 403)
    except UserFacingError as error:
        forget()
        return _say(error.message.in_(language), 404)
    except Exception:  # a result that cannot be read back: said, never a traceback
        LOG.exception("reading back the result of batch run %s failed", run_id)
        forget()
        return _say(say("batch_result_changed", run=run_id).in_(language), 500)

    def rest() -> Iterator[bytes]:
        yield first
        yield from body

    return StreamingResponse(
        rest(),
        media_type="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="batch-{run_id}-matches.csv"',
            "Cache-Control": "no-store",
        },
        background=BackgroundTask(forget),
    )


def route() -> Route:
    """GET /batch-result/<run>.csv?lang=zh|en: the run's result as that reader's CSV."""
    return Route(PATH, _download, methods=["GET"])
