"""An async object store over the synchronous `minio` client (every call runs in a thread).

Two clients: one for the internal endpoint the app reaches, one that only signs URLs for the
public address browsers reach (with the region fixed, presigning makes no network call).
Only POST policies can bind a size range; multipart uploads are checked at finalise instead.
"""

import asyncio
import base64
import hashlib
import io
import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import msgspec
import urllib3
from minio import Minio
from minio.datatypes import Part as MinioPart
from minio.datatypes import PostPolicy
from minio.error import S3Error

log = logging.getLogger(__name__)
T = TypeVar("T")


class StorageError(Exception):
    """Base of the object store's errors."""


class ObjectNotFound(StorageError):
    pass


class ObjectTooLarge(StorageError):
    pass


class ObjectChanged(StorageError):
    """The object is no longer the version (ETag) the caller asked for: it was replaced meanwhile."""


class StorageUnavailable(StorageError):
    """The S3 server could not be reached or refused our credentials."""


class StoreConfig(msgspec.Struct, frozen=True, kw_only=True):
    endpoint: str  # e.g. http://127.0.0.1:8333
    access_key: str
    secret_key: str
    bucket: str
    region: str = "us-east-1"
    public_url: str | None = None


class ObjectInfo(msgspec.Struct, frozen=True):
    key: str
    size: int
    etag: str
    content_type: str
    last_modified: datetime | None


class PresignedPost(msgspec.Struct, frozen=True):
    url: str
    fields: dict[str, str]


class Part(msgspec.Struct, frozen=True):
    number: int
    etag: str
    size: int = 0


class PendingUpload(msgspec.Struct, frozen=True):
    """A multipart upload begun and neither completed nor aborted."""

    key: str
    upload_id: str
    initiated: datetime | None


def _client(url: str, config: StoreConfig) -> Minio:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an S3 URL: {url}")
    return Minio(
        parts.netloc,
        access_key=config.access_key,
        secret_key=config.secret_key,
        secure=parts.scheme == "https",
        region=config.region,
        # Fail fast instead of minio's default five retries with backoff.
        http_client=urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=5, read=60),
            retries=urllib3.Retry(total=1, backoff_factor=0.2),
            maxsize=20,
        ),
    )


def storage_error(exc: Exception) -> StorageError:
    """Our error for a failure of the minio client (S3's answer) or of the connection to S3."""
    if isinstance(exc, S3Error):
        if exc.code in ("NoSuchKey", "NoSuchUpload", "NoSuchObject"):
            return ObjectNotFound(exc.message or exc.code)
        if exc.code == "PreconditionFailed":
            return ObjectChanged(exc.message or exc.code)
        if exc.code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "NoSuchBucket"):
            return StorageUnavailable(f"{exc.code}: {exc.message}")
        return StorageError(f"{exc.code}: {exc.message}")
    return StorageUnavailable(str(exc))


def _content_disposition(name: str, inline: bool = False) -> str:
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "").replace("?", "_")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


class ObjectStore:
    """put / get / stat / delete, presigned PUT / POST / GET, and multipart uploads."""

    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        self.bucket = config.bucket
        self._internal = _client(config.endpoint, config)
        self._signer = _client(config.public_url or config.endpoint, config)

    async def _run(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return await asyncio.to_thread(call, *args, **kwargs)
        except (S3Error, urllib3.exceptions.HTTPError, OSError) as exc:
            raise storage_error(exc) from exc

    async def ensure_bucket(self, cors_origins: list[str]) -> None:
        """Create the bucket if missing and let browsers upload to it from our origins."""
        if not await self._run(self._internal.bucket_exists, self.bucket):
            await self._run(self._internal.make_bucket, self.bucket)
        rules = "".join(f"<AllowedOrigin>{o}</AllowedOrigin>" for o in cors_origins)
        body = (
            "<CORSConfiguration><CORSRule>"
            + rules
            + "<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod>"
            "<AllowedMethod>POST</AllowedMethod><AllowedMethod>HEAD</AllowedMethod>"
            "<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3600</MaxAgeSeconds>"
            "</CORSRule></CORSConfiguration>"
        ).encode()
        md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
        try:
            # minio-py has no CORS call; this is the plain PutBucketCors request.
            await self._run(
                self._internal._execute,
                "PUT",
                self.bucket,
                body=body,
                headers={"Content-MD5": md5, "Content-Type": "application/xml"},
                query_params={"cors": ""},
            )
        except StorageError as exc:
            log.warning("bucket CORS not set (%s); configure the S3 server to allow %s", exc, cors_origins)

    async def ping(self) -> None:
        """Raise unless the bucket is reachable with our credentials."""
        if not await self._run(self._internal.bucket_exists, self.bucket):
            raise StorageUnavailable(f"bucket {self.bucket} does not exist")

    async def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> ObjectInfo:
        await self._run(
            self._internal.put_object, self.bucket, key, io.BytesIO(data), len(data), content_type=content_type
        )
        return await self.stat(key)

    async def get(self, key: str) -> bytes:
        def read() -> bytes:
            response = self._internal.get_object(self.bucket, key)
            try:
                return response.read()
            finally:
                response.close()
                response.release_conn()

        return await self._run(read)

    async def stat(self, key: str) -> ObjectInfo:
        stat = await self._run(self._internal.stat_object, self.bucket, key)
        return ObjectInfo(
            key,
            int(stat.size or 0),
            (stat.etag or "").strip('"'),
            stat.content_type or "application/octet-stream",
            stat.last_modified,
        )

    async def exists(self, key: str) -> bool:
        try:
            await self.stat(key)
        except ObjectNotFound:
            return False
        return True

    async def delete(self, key: str) -> None:
        """Remove an object; removing a missing one is not an error."""
        await self._run(self._internal.remove_object, self.bucket, key)

    async def presigned_put(self, key: str, expires: timedelta) -> str:
        return await self._run(self._signer.presigned_put_object, self.bucket, key, expires)

    async def presigned_post(
        self, key: str, *, min_size: int, max_size: int, content_type: str | None, expires: timedelta
    ) -> PresignedPost:
        """A browser form upload bound to this key, a size range and (optionally) a content type."""
        policy = PostPolicy(self.bucket, datetime.now(UTC) + expires)
        policy.add_equals_condition("key", key)
        policy.add_content_length_range_condition(min_size, max_size)
        if content_type:
            policy.add_equals_condition("Content-Type", content_type)
        fields = await self._run(self._signer.presigned_post_policy, policy)
        fields = {"key": key, **fields}
        if content_type:
            fields["Content-Type"] = content_type
        base = (self.config.public_url or self.config.endpoint).rstrip("/")
        return PresignedPost(url=f"{base}/{self.bucket}", fields=fields)

    async def presigned_get(
        self, key: str, expires: timedelta, download_name: str | None = None, inline_type: str | None = None
    ) -> str:
        """A short-lived GET link. `download_name` names the file; with `inline_type` the browser shows
        it (e.g. a PDF in a frame) as that type, which the link fixes whatever the object says."""
        headers: dict[str, str] = {}
        if download_name:
            headers["response-content-disposition"] = _content_disposition(download_name, inline=bool(inline_type))
        if inline_type:
            headers["response-content-type"] = inline_type
        return await self._run(
            self._signer.presigned_get_object, self.bucket, key, expires, response_headers=headers or None
        )

    # Multipart: minio-py keeps these calls private, so they are wrapped here and nowhere else.

    async def create_multipart(self, key: str, content_type: str) -> str:
        return await self._run(
            self._internal._create_multipart_upload, self.bucket, key, {"Content-Type": content_type}
        )

    async def presign_part(self, key: str, upload_id: str, part_number: int, expires: timedelta) -> str:
        if not 1 <= part_number <= 10000:
            raise ValueError("part numbers run from 1 to 10000")
        return await self._run(
            self._signer.get_presigned_url,
            "PUT",
            self.bucket,
            key,
            expires,
            extra_query_params={"uploadId": upload_id, "partNumber": str(part_number)},
        )

    async def list_parts(self, key: str, upload_id: str) -> list[Part]:
        parts: list[Part] = []
        marker: str | None = None
        while True:
            result = await self._run(self._internal._list_parts, self.bucket, key, upload_id, part_number_marker=marker)
            parts += [Part(p.part_number, p.etag, p.size or 0) for p in result.parts]
            if not result.is_truncated:
                return parts
            marker = result.next_part_number_marker

    async def complete_multipart(self, key: str, upload_id: str, parts: list[Part]) -> str:
        ordered = [MinioPart(p.number, p.etag) for p in sorted(parts, key=lambda p: p.number)]
        result = await self._run(self._internal._complete_multipart_upload, self.bucket, key, upload_id, ordered)
        return str(result.etag or "").strip('"')

    async def abort_multipart(self, key: str, upload_id: str) -> None:
        await self._run(self._internal._abort_multipart_upload, self.bucket, key, upload_id)

    async def finalise_multipart(self, key: str, upload_id: str, max_size: int) -> ObjectInfo:
        """Complete an upload the browser made part by part, enforcing the size limit the part
        URLs could not: an oversize upload is aborted (or the object deleted) and refused."""
        parts = await self.list_parts(key, upload_id)
        if not parts:
            raise StorageError("no parts were uploaded")
        if sum(p.size for p in parts) > max_size:
            await self.abort_multipart(key, upload_id)
            raise ObjectTooLarge(f"the upload exceeds {max_size} bytes")
        await self.complete_multipart(key, upload_id, parts)
        info = await self.stat(key)
        if info.size > max_size:
            await self.delete(key)
            raise ObjectTooLarge(f"the upload exceeds {max_size} bytes")
        return info

    # Streaming reads, server-side part uploads and the listing of unfinished uploads (entries,
    # issue 10): a check or an archive never holds a whole object in memory.

    @property
    def client(self) -> Minio:
        """The minio client of the internal endpoint, for synchronous code already off the event loop
        (a check streaming an object in a child process); errors are minio's own there."""
        return self._internal

    async def stream(self, key: str, *, chunk_size: int = 1 << 20, etag: str | None = None) -> AsyncIterator[bytes]:
        """The object's bytes in chunks of at most `chunk_size`, fetched as they are consumed. With
        `etag`, only while the object is that version: a replaced object raises ObjectChanged."""
        headers = {"If-Match": f'"{etag}"'} if etag else None
        response = await self._run(self._internal.get_object, self.bucket, key, request_headers=headers)
        try:
            while chunk := await self._run(response.read, chunk_size):
                yield chunk
        finally:
            response.close()
            response.release_conn()

    async def upload_part(self, key: str, upload_id: str, number: int, data: bytes) -> Part:
        """Upload one part of a multipart upload from memory (the app's own uploads, e.g. archives)."""
        etag = await self._run(self._internal._upload_part, self.bucket, key, data, None, upload_id, number)
        return Part(number, etag.strip('"'), len(data))

    async def list_multipart_uploads(self, prefix: str) -> list[PendingUpload]:
        """Unfinished multipart uploads of keys under `prefix` (for cleaning up abandoned ones)."""
        found: list[PendingUpload] = []
        key_marker: str | None = None
        upload_marker: str | None = None
        while True:
            result = await self._run(
                self._internal._list_multipart_uploads,
                self.bucket,
                prefix=prefix,
                key_marker=key_marker,
                upload_id_marker=upload_marker,
            )
            found += [
                PendingUpload(u.object_name, u.upload_id, u.initiated_time) for u in result.uploads if u.upload_id
            ]
            if not result.is_truncated:
                return found
            key_marker, upload_marker = result.next_key_marker, result.next_upload_id_marker
