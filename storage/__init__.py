"""The object store: one async interface over any S3, and the embedded S3 server."""

from storage.store import (
    ObjectChanged,
    ObjectInfo,
    ObjectNotFound,
    ObjectStore,
    ObjectTooLarge,
    Part,
    PendingUpload,
    PresignedPost,
    StorageError,
    StorageUnavailable,
    StoreConfig,
)

__all__ = [
    "ObjectChanged",
    "ObjectInfo",
    "ObjectNotFound",
    "ObjectStore",
    "ObjectTooLarge",
    "Part",
    "PendingUpload",
    "PresignedPost",
    "StorageError",
    "StorageUnavailable",
    "StoreConfig",
]
