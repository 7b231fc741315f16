"""The object store: one async interface over any S3, and the embedded S3 server."""

from storage.store import (
    ObjectInfo,
    ObjectNotFound,
    ObjectStore,
    ObjectTooLarge,
    Part,
    PresignedPost,
    StorageError,
    StorageUnavailable,
    StoreConfig,
)

__all__ = [
    "ObjectInfo",
    "ObjectNotFound",
    "ObjectStore",
    "ObjectTooLarge",
    "Part",
    "PresignedPost",
    "StorageError",
    "StorageUnavailable",
    "StoreConfig",
]
