"""Export reads on both paths: files on disk, local-time folder names, filters and SQL title case."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from plexpy import context, exporter

PLAYLIST = "User - meiwolfe65 - Playlist [3722597]"
STAMP = 1725156551  # export 1


def dt_request(**overrides) -> dict:
    body = {
        "draw": 3,
        "columns": [{"data": "timestamp", "searchable": False, "orderable": True},
                    {"data": "media_type_title", "searchable": True, "orderable": True},
                    {"data": "title", "searchable": True, "orderable": True}],
        "order": [{"column": 0, "dir": "asc"}], "start": 0, "length": 50, "search": {"value": ""},
    }
    body.update(overrides)
    return {"json_data": json.dumps(body)}


def test_exists_follows_the_local_time_folder_name(facade_mode: str, tmp_path: Path) -> None:
    zone = "America/New_York"
    local = datetime.fromtimestamp(STAMP, ZoneInfo(zone)).strftime("%Y%m%d%H%M%S")
    assert local == "20240831220911"  # the previous evening in New York (UTC 2024-09-01 02:09:11)
    folder = tmp_path / "exports" / f"{PLAYLIST}.{local}"
    folder.mkdir(parents=True)
    (folder / f"{PLAYLIST}.json").write_text("[]", encoding="utf-8")
    with context.call_context(tz=zone, config={"EXPORT_DIR": str(tmp_path / "exports")}):
        export = exporter.get_export(export_id="1")
        assert export["filename"] == f"{PLAYLIST}.json" and export["exists"] is True
        assert exporter.get_export_dirpath(PLAYLIST, STAMP) == str(folder)
        page = exporter.get_export_datatable(kwargs=dt_request())
        assert [r["exists"] for r in page["data"]][:1] == [True]
    with context.call_context(tz="UTC", config={"EXPORT_DIR": str(tmp_path / "exports")}):
        assert exporter.get_export(export_id=1)["exists"] is False  # the UTC folder name differs


def test_individual_files_check_the_folder(facade_mode: str, tmp_path: Path, edit_db) -> None:
    edit_db("UPDATE exports SET individual_files = 1 WHERE id = 1")
    with context.call_context(tz="UTC", config={"EXPORT_DIR": str(tmp_path)}):
        (tmp_path / exporter.format_export_directory(PLAYLIST, STAMP)).mkdir()
        export = exporter.get_export(1)
    assert export["filename"] is None and export["exists"] is True
    assert set(export) == {"timestamp", "title", "file_format", "thumb_level", "art_level", "logo_level",
                           "squareArt_level", "theme_level", "individual_files", "complete", "filename", "exists"}


def test_ids_compare_as_sqlites_integer_affinity(facade_mode: str) -> None:
    with context.call_context(config={"EXPORT_DIR": "/nonexistent"}):
        assert exporter.get_export(" 1")["title"] == PLAYLIST
        assert exporter.get_export("1.0")["title"] == PLAYLIST
        assert exporter.get_export("abc") == {}
        assert exporter.get_export(None) == {}


def test_title_case_is_built_in_sql_with_ascii_only_upper(facade_mode: str, edit_db) -> None:
    edit_db("UPDATE exports SET media_type = 'photoalbum' WHERE id = 1")
    edit_db("UPDATE exports SET media_type = 'épisode' WHERE id = 2")
    edit_db("UPDATE exports SET media_type = NULL WHERE id = 3")
    with context.call_context(config={"EXPORT_DIR": "/nonexistent"}):
        rows = {r["export_id"]: r for r in exporter.get_export_datatable(kwargs=dt_request())["data"]}
    assert rows[1]["media_type_title"] == "Photo Album"
    assert rows[2]["media_type_title"] == "épisode"  # SQLite's upper() leaves non-ASCII letters alone
    assert rows[3]["media_type_title"] is None
    assert rows[4]["media_type_title"] == "Movie" and rows[5]["media_type_title"] == "Artist"


def test_filters_search_and_paging(facade_mode: str) -> None:
    with context.call_context(config={"EXPORT_DIR": "/nonexistent"}):
        by_section = exporter.get_export_datatable(section_id="1", kwargs=dt_request())
        assert {r["section_id"] for r in by_section["data"]} == {1}
        assert (by_section["recordsFiltered"], by_section["recordsTotal"]) == (4, 9)
        either = exporter.get_export_datatable(user_id=["3722597", "6111806"], kwargs=dt_request())
        assert sorted(r["user_id"] for r in either["data"]) == [3722597, 6111806]
        assert exporter.get_export_datatable(section_id="abc", kwargs=dt_request())["data"] == []
        searched = exporter.get_export_datatable(kwargs=dt_request(search={"value": "PLAYL_ST"}))
        assert {r["export_id"] for r in searched["data"]} == {1, 2, 6}  # LIKE: _ is a wildcard, ASCII case folds
        page = exporter.get_export_datatable(kwargs=dt_request(start=2, length=3, order=[{"column": 2, "dir": "desc"}]))
        assert [r["title"] for r in page["data"]] == [
            "User - kenji.kowalski - Playlist [6111806]", "Movie - The Secret Sparrow [1005]",
            "Movie - The Last Protocol [1001]"]
        assert page["draw"] == 3
        assert exporter.get_export_datatable(kwargs={}) == {"recordsFiltered": 0, "recordsTotal": 0, "draw": 0,
                                                            "data": []}


def test_an_empty_table(facade_mode: str, edit_db) -> None:
    edit_db("DELETE FROM exports")
    with context.call_context(config={"EXPORT_DIR": "/nonexistent"}):
        assert exporter.get_export(1) == {}
        assert exporter.get_export_datatable(kwargs=dt_request()) == {
            "recordsFiltered": 0, "recordsTotal": 0, "draw": 3, "data": []}
