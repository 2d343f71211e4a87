"""The embedded broker writes each message atomically: a polling worker never finds a message
file before its content (kombu's own transport let it read an empty file and stop)."""

from __future__ import annotations

import os

from kombu import Connection

from config import file_broker


def test_a_message_appears_in_the_queue_only_whole(tmp_path, monkeypatch):
    # Given the project's filesystem transport on a folder of its own
    folder = str(tmp_path)
    connection = Connection("filesystem://", transport=file_broker.Transport, transport_options={
        "data_folder_in": folder, "data_folder_out": folder})
    channel = connection.default_channel
    seen_before_rename: list[list[str]] = []
    rename = os.replace

    def watching_replace(source: str, target: str) -> None:
        seen_before_rename.append(sorted(os.listdir(folder)))
        rename(source, target)

    monkeypatch.setattr(file_broker.os, "replace", watching_replace)

    # When a message is put on a queue
    channel._put("celery", {"body": "回声", "headers": {}})

    # Then, until the rename, the queue folder held only the hidden partial file; afterwards
    # the one message, whole, and nothing partial
    assert len(seen_before_rename) == 1
    assert [name.startswith(".partial-") for name in seen_before_rename[0]] == [True]
    names = os.listdir(folder)
    assert len(names) == 1
    assert names[0].endswith(".celery.msg")
    assert channel._get("celery") == {"body": "回声", "headers": {}}
    connection.release()
