"""JSON API of entries: uploads (issue, parts, finalise, cancel, download), the team's entry (choose,
submit), and the organizers' views (status, one team's entry, pinned entries, archives)."""

from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from litestar.status_codes import HTTP_200_OK

from contest.lib.errors import Unavailable
from contest.lib.guards import authenticated, organizer
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from contest.submissions import archives, entries, queries, uploads
from contest.submissions.schemas import (
    ArchiveIn,
    ArchiveOut,
    ChoiceIn,
    DownloadOut,
    EntryOut,
    Only,
    PartOut,
    PartsIn,
    PartUrlsOut,
    PinnedEntryOut,
    RoundStatusOut,
    TextIn,
    UploadIn,
    UploadOut,
    UploadTicket,
)
from storage import ObjectStore

Rt = NamedDependency[Runtime]
Actor = NamedDependency[Principal]
Store = NamedDependency[ObjectStore]


def provide_store(state: State) -> ObjectStore:
    """The object store the app opened (none when S3 is not configured)."""
    store: Any = state.get("store")
    if store is None:
        raise Unavailable("The file store is not configured; uploads are unavailable.")
    return store  # type: ignore[no-any-return]


STORE = {"store": Provide(provide_store, sync_to_thread=False)}


class EntryController(Controller):
    path = "/rounds/{round_id:int}"
    tags = ["entries"]
    guards = [authenticated]
    dependencies = STORE

    @get("/entry")
    async def entry(self, round_id: FromPath[int], rt: Rt, actor: Actor) -> EntryOut:
        """The caller's team's entry: each slot's versions, the chosen and the submitted one."""
        return await entries.my_entry(rt, actor, round_id)

    @post("/slots/{slot_id:int}/uploads")
    async def issue(
        self,
        round_id: FromPath[int],
        slot_id: FromPath[int],
        data: JSONBody[UploadIn],
        rt: Rt,
        store: Store,
        actor: Actor,
    ) -> UploadTicket:
        """Start a new version of a file slot: a POST form (small files) or a multipart upload."""
        return await uploads.issue_upload(rt, store, actor, round_id, slot_id, data)

    @post("/slots/{slot_id:int}/text")
    async def text(
        self, round_id: FromPath[int], slot_id: FromPath[int], data: JSONBody[TextIn], rt: Rt, actor: Actor
    ) -> UploadOut:
        """A new version of a text slot (the AppID), checked at once."""
        return await uploads.add_text(rt, actor, round_id, slot_id, data)

    @post("/entry/choice", status_code=HTTP_200_OK)
    async def choose(self, round_id: FromPath[int], data: JSONBody[ChoiceIn], rt: Rt, actor: Actor) -> EntryOut:
        """Choose which version of its slot counts (submit again for the change to count)."""
        return await entries.choose_version(rt, actor, round_id, data)

    @post("/entry/submit", status_code=HTTP_200_OK)
    async def submit(self, round_id: FromPath[int], rt: Rt, actor: Actor) -> EntryOut:
        """Submit the chosen versions; at the close the submitted ones are pinned for judging."""
        return await entries.submit_entry(rt, actor, round_id)


class UploadController(Controller):
    path = "/uploads/{upload_id:int}"
    tags = ["entries"]
    guards = [authenticated]
    dependencies = STORE

    @get("/")
    async def show(self, upload_id: FromPath[int], actor: Actor) -> UploadOut:
        """An upload with its status and check results."""
        return await uploads.upload_of(actor, upload_id)

    @get("/parts")
    async def parts(self, upload_id: FromPath[int], rt: Rt, store: Store, actor: Actor) -> list[PartOut]:
        """The parts that arrived (to resume an interrupted upload)."""
        return await uploads.uploaded_parts(rt, store, actor, upload_id)

    @post("/part-urls", status_code=HTTP_200_OK)
    async def part_urls(
        self, upload_id: FromPath[int], data: JSONBody[PartsIn], rt: Rt, store: Store, actor: Actor
    ) -> PartUrlsOut:
        """Presigned URLs for up to 100 parts; PUT each part's bytes to its URL."""
        return await uploads.part_urls(rt, store, actor, upload_id, data)

    @post("/finalise", status_code=HTTP_200_OK)
    async def finalise(self, upload_id: FromPath[int], rt: Rt, store: Store, actor: Actor) -> UploadOut:
        """The file is up: check it arrived whole and queue its verification (repeatable)."""
        return await uploads.finalise_upload(rt, store, actor, upload_id)

    @post("/cancel", status_code=HTTP_200_OK)
    async def cancel(self, upload_id: FromPath[int], rt: Rt, store: Store, actor: Actor) -> UploadOut:
        return await uploads.cancel_upload(rt, store, actor, upload_id)

    @get("/download")
    async def download(self, upload_id: FromPath[int], rt: Rt, store: Store, actor: Actor) -> DownloadOut:
        """A short-lived link downloading the file as an attachment from the object store."""
        return await uploads.download_link(rt, store, actor, upload_id)


class RoundEntriesController(Controller):
    path = "/rounds/{round_id:int}"
    tags = ["entries"]
    guards = [organizer]
    dependencies = STORE

    @get("/status")
    async def status(
        self,
        round_id: FromPath[int],
        actor: Actor,
        region_id: FromQuery[int | None] = None,
        track_id: FromQuery[int | None] = None,
        only: FromQuery[Only | None] = None,
        page: Annotated[int, Parameter(ge=1, le=100_000)] = 1,
        per_page: Annotated[int, Parameter(ge=1, le=1000)] = 100,
    ) -> RoundStatusOut:
        """Who submitted, what is missing, which checks failed (a regional organizer sees their regions)."""
        return await queries.round_status(
            actor, round_id, region_id=region_id, track_id=track_id, only=only, page=page, per_page=per_page
        )

    @get("/teams/{team_id:int}/entry")
    async def team_entry(self, round_id: FromPath[int], team_id: FromPath[int], rt: Rt, actor: Actor) -> EntryOut:
        return await entries.team_entry(rt, actor, round_id, team_id)

    @get("/teams/{team_id:int}/pinned")
    async def pinned(self, round_id: FromPath[int], team_id: FromPath[int], actor: Actor) -> PinnedEntryOut:
        """The team's entry as pinned at the round's close."""
        return await queries.pinned_for(actor, round_id, team_id)

    @post("/archives")
    async def request_archive(
        self, round_id: FromPath[int], data: JSONBody[ArchiveIn], rt: Rt, actor: Actor
    ) -> ArchiveOut:
        """Queue a ZIP of the round's pinned files (every region, or one)."""
        return await archives.request_archive(rt, actor, round_id, data)

    @get("/archives")
    async def list_archives(self, round_id: FromPath[int], actor: Actor) -> list[ArchiveOut]:
        return await archives.archives_of(actor, round_id)


class ArchiveController(Controller):
    path = "/archives/{archive_id:int}"
    tags = ["entries"]
    guards = [organizer]
    dependencies = STORE

    @get("/")
    async def show(self, archive_id: FromPath[int], store: Store, actor: Actor) -> ArchiveOut:
        """An archive's status, with a short-lived download link once it is ready."""
        return await archives.archive_of(store, actor, archive_id)
