"""The object-store contract, run against a real S3 (embedded SeaweedFS or TEST_S3_ENDPOINT)."""

import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
import pytest

from storage import ObjectChanged, ObjectNotFound, ObjectStore, ObjectTooLarge, Part, StoreConfig

MIB = 1024 * 1024
TEN_MINUTES = timedelta(minutes=10)


@pytest.fixture
async def store(s3):
    instance = ObjectStore(
        StoreConfig(endpoint=s3.s3_endpoint, access_key=s3.s3_access_key, secret_key=s3.s3_secret_key, bucket="contest")
    )
    await instance.ensure_bucket(["http://127.0.0.1:8000"])
    return instance


@pytest.fixture
def key():
    return f"test/{uuid.uuid4().hex}/file.bin"


async def test_put_get_stat_delete_round_trip(store, key):
    info = await store.put(key, b"hello contest", "text/plain")
    assert info.size == 13 and info.content_type == "text/plain" and info.etag
    assert await store.get(key) == b"hello contest"
    assert (await store.stat(key)).size == 13
    assert await store.exists(key)
    await store.delete(key)
    assert not await store.exists(key)
    await store.delete(key)  # deleting twice is fine


async def test_missing_objects_raise_not_found(store, key):
    with pytest.raises(ObjectNotFound):
        await store.stat(key)
    with pytest.raises(ObjectNotFound):
        await store.get(key)


async def test_ping_fails_with_wrong_credentials(s3):
    from storage import StorageUnavailable

    stranger = ObjectStore(
        StoreConfig(endpoint=s3.s3_endpoint, access_key="nobody", secret_key="wrong-secret-key", bucket="contest")
    )
    with pytest.raises(StorageUnavailable):
        await stranger.ping()


async def test_presigned_put_uploads(store, key):
    url = await store.presigned_put(key, TEN_MINUTES)
    async with httpx.AsyncClient() as http:
        response = await http.put(url, content=b"x" * 1000)
    assert response.status_code == 200
    assert (await store.stat(key)).size == 1000


async def test_presigned_post_binds_the_size_range(store, key):
    post = await store.presigned_post(
        key, min_size=10, max_size=1000, content_type="application/pdf", expires=TEN_MINUTES
    )
    async with httpx.AsyncClient() as http:
        too_big = await http.post(post.url, data=post.fields, files={"file": ("a.pdf", b"x" * 2000, "application/pdf")})
        assert too_big.status_code >= 400
        assert not await store.exists(key)
        fits = await http.post(post.url, data=post.fields, files={"file": ("a.pdf", b"x" * 500, "application/pdf")})
    assert fits.status_code in (200, 201, 204), fits.text
    assert (await store.stat(key)).size == 500


async def test_presigned_post_binds_the_key(store, key):
    post = await store.presigned_post(key, min_size=1, max_size=1000, content_type=None, expires=TEN_MINUTES)
    fields = {**post.fields, "key": key + ".other"}
    async with httpx.AsyncClient() as http:
        response = await http.post(post.url, data=fields, files={"file": ("a", b"abc", "application/octet-stream")})
    assert response.status_code >= 400
    assert not await store.exists(key + ".other")


async def test_presigned_get_names_the_download(store, key):
    await store.put(key, b"%PDF-1.4 test", "application/pdf")
    url = await store.presigned_get(key, TEN_MINUTES, download_name="设计文档 v1.pdf")
    async with httpx.AsyncClient() as http:
        response = await http.get(url)
    assert response.status_code == 200 and response.content == b"%PDF-1.4 test"
    disposition = response.headers.get("content-disposition", "")
    assert "attachment" in disposition and "UTF-8''" in disposition


async def test_presigned_get_can_show_a_file_inline_as_a_given_type(store, key):
    await store.put(key, b"%PDF-1.4 test", "application/octet-stream")
    url = await store.presigned_get(
        key, TEN_MINUTES, download_name="entry-AB12CD-design.pdf", inline_type="application/pdf"
    )
    async with httpx.AsyncClient() as http:
        response = await http.get(url)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline;")


async def test_presigned_urls_are_signed_for_the_public_address(s3, key):
    public = s3.s3_endpoint.replace("127.0.0.1", "localhost")
    store = ObjectStore(
        StoreConfig(
            endpoint=s3.s3_endpoint,
            access_key=s3.s3_access_key,
            secret_key=s3.s3_secret_key,
            bucket="contest",
            public_url=public,
        )
    )
    url = await store.presigned_put(key, TEN_MINUTES)
    assert urlsplit(url).hostname == "localhost"
    post = await store.presigned_post(key, min_size=1, max_size=10, content_type=None, expires=TEN_MINUTES)
    assert urlsplit(post.url).hostname == "localhost"
    async with httpx.AsyncClient() as http:  # the browser's address works too
        assert (await http.put(url, content=b"via public")).status_code == 200


async def upload_parts(store, key, upload_id, chunks):
    parts = []
    async with httpx.AsyncClient(timeout=60) as http:
        for number, chunk in enumerate(chunks, start=1):
            url = await store.presign_part(key, upload_id, number, TEN_MINUTES)
            response = await http.put(url, content=chunk)
            assert response.status_code == 200, response.text
            parts.append(Part(number, response.headers["etag"].strip('"'), len(chunk)))
    return parts


async def test_multipart_through_presigned_part_urls(store, key):
    upload_id = await store.create_multipart(key, "video/mp4")
    chunks = [b"a" * (5 * MIB), b"b" * 1234]
    uploaded = await upload_parts(store, key, upload_id, chunks)
    listed = await store.list_parts(key, upload_id)
    assert [(p.number, p.size) for p in listed] == [(1, 5 * MIB), (2, 1234)]
    await store.complete_multipart(key, upload_id, uploaded)
    info = await store.stat(key)
    assert info.size == 5 * MIB + 1234
    assert (await store.get(key))[-4:] == b"bbbb"


async def test_finalise_refuses_an_oversize_upload_and_keeps_nothing(store, key):
    upload_id = await store.create_multipart(key, "video/mp4")
    await upload_parts(store, key, upload_id, [b"a" * (5 * MIB), b"b" * 100])
    with pytest.raises(ObjectTooLarge):
        await store.finalise_multipart(key, upload_id, max_size=5 * MIB)
    assert not await store.exists(key)


async def test_finalise_accepts_an_upload_within_the_limit(store, key):
    upload_id = await store.create_multipart(key, "application/zip")
    await upload_parts(store, key, upload_id, [b"z" * 4096])
    info = await store.finalise_multipart(key, upload_id, max_size=5 * MIB)
    assert info.size == 4096


async def test_abort_discards_the_parts(store, key):
    upload_id = await store.create_multipart(key, "application/zip")
    await upload_parts(store, key, upload_id, [b"z" * 100])
    await store.abort_multipart(key, upload_id)
    with pytest.raises(ObjectNotFound):
        await store.list_parts(key, upload_id)


async def test_browsers_of_our_origin_may_upload_parts_and_read_their_etag(store, key):
    """Browser multipart needs CORS: the pre-flight allows our origin and the PUT exposes ETag."""
    origin = "http://127.0.0.1:8000"
    upload_id = await store.create_multipart(key, "video/mp4")
    url = await store.presign_part(key, upload_id, 1, TEN_MINUTES)
    async with httpx.AsyncClient() as http:
        preflight = await http.options(url, headers={"Origin": origin, "Access-Control-Request-Method": "PUT"})
        assert preflight.status_code in (200, 204), preflight.text
        assert preflight.headers.get("access-control-allow-origin") in (origin, "*")
        foreign = await http.options(
            url, headers={"Origin": "http://elsewhere.example", "Access-Control-Request-Method": "PUT"}
        )
        assert foreign.headers.get("access-control-allow-origin") is None  # only our site's pages
        put = await http.put(url, content=b"part", headers={"Origin": origin})
        assert put.status_code == 200
        assert "etag" in put.headers.get("access-control-expose-headers", "").lower()
    await store.abort_multipart(key, upload_id)


async def test_stream_reads_in_chunks_and_only_the_version_asked_for(store, key):
    info = await store.put(key, b"0123456789" * 1000, "application/octet-stream")
    chunks = [chunk async for chunk in store.stream(key, chunk_size=4096, etag=info.etag)]
    assert b"".join(chunks) == b"0123456789" * 1000 and max(map(len, chunks)) <= 4096
    await store.put(key, b"replaced", "application/octet-stream")
    with pytest.raises(ObjectChanged):
        _ = [chunk async for chunk in store.stream(key, etag=info.etag)]


async def test_parts_uploaded_by_the_app_and_unfinished_uploads_listed(store, key):
    upload_id = await store.create_multipart(key, "application/zip")
    first = await store.upload_part(key, upload_id, 1, b"a" * (5 * MIB))
    pending = await store.list_multipart_uploads(key.rsplit("/", 1)[0] + "/")
    assert [(p.key, p.upload_id) for p in pending] == [(key, upload_id)]
    second = await store.upload_part(key, upload_id, 2, b"b" * 10)
    await store.complete_multipart(key, upload_id, [first, second])
    assert (await store.stat(key)).size == 5 * MIB + 10
    assert await store.list_multipart_uploads(key.rsplit("/", 1)[0] + "/") == []
