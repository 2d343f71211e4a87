"""compile_catalogues refuses a catalogue that defines a message twice (as GNU msgfmt does)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command


def _catalogue(tmp_path, body: str):
    folder = tmp_path / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n' + body,
        encoding="utf-8")
    return folder


def test_a_message_defined_twice_is_refused_and_nothing_is_compiled(tmp_path, settings):
    settings.LOCALE_PATHS = [tmp_path]
    folder = _catalogue(tmp_path, 'msgid "查看"\nmsgstr "Show"\n\nmsgid "查看"\nmsgstr "View"\n')
    with pytest.raises(CommandError, match="查看"):
        call_command("compile_catalogues")
    assert not (folder / "django.mo").exists()


def test_the_same_words_in_two_contexts_compile(tmp_path, settings):
    settings.LOCALE_PATHS = [tmp_path]
    folder = _catalogue(tmp_path, 'msgid "查看"\nmsgstr "View"\n\n'
                                  'msgctxt "permission verb"\nmsgid "查看"\nmsgstr "View"\n')
    call_command("compile_catalogues")
    assert (folder / "django.mo").stat().st_size > 0
