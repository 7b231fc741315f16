"""Wiring the object store from settings (storage/ itself knows nothing of our settings)."""

from contest.lib.settings import Settings
from storage import ObjectStore, StoreConfig


def store_for(settings: Settings) -> ObjectStore:
    """The object store the settings describe; S3_ENDPOINT must be filled (embedded or external)."""
    if not settings.s3_endpoint:
        raise RuntimeError("S3_ENDPOINT is not set and no embedded S3 was started")
    return ObjectStore(
        StoreConfig(
            endpoint=settings.s3_endpoint,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key,
            bucket=settings.s3_bucket,
            region=settings.s3_region,
            public_url=settings.s3_public_url or None,
        )
    )
