"""The folders the embedded default keeps its files in, made when the project starts.

Settings only name these folders: importing them creates nothing (a production image may
import its settings on a read-only tree, or before the volume is mounted). When Django starts
(`manage.py`, the WSGI server, the Celery worker, pytest), `LocalFoldersConfig.ready` makes the
ones the configuration actually uses: the SQLite file's folder, the filesystem broker's and the
file result backend's, and the static root (WhiteNoise warns about a missing one).
"""

from __future__ import annotations

from pathlib import Path

from django.apps import AppConfig
from django.conf import settings

_BROKER_FOLDERS = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")


def local_folders() -> list[Path]:
    """Every folder the settings point at for files kept beside the project."""
    folders = [Path(settings.STATIC_ROOT)]
    for database in settings.DATABASES.values():
        if database["ENGINE"] == "django.db.backends.sqlite3":
            for name in (database.get("NAME"), database.get("TEST", {}).get("NAME")):
                if name and str(name) != ":memory:" and not str(name).startswith("file:"):
                    folders.append(Path(name).parent)
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        folders += [Path(options[key]) for key in _BROKER_FOLDERS if options.get(key)]
    if settings.CELERY_RESULT_BACKEND.startswith("file://"):
        folders.append(Path(settings.CELERY_RESULT_BACKEND.removeprefix("file://")))
    return folders


def ensure_local_folders() -> None:
    for folder in local_folders():
        folder.mkdir(parents=True, exist_ok=True)


class LocalFoldersConfig(AppConfig):
    """Installed first, so the folders exist before anything opens the database or broker."""

    name = "config"
    label = "local_folders"
    verbose_name = "Local folders"

    def ready(self) -> None:
        ensure_local_folders()
