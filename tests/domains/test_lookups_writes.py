"""Lookups writes on both paths: Tautulli's answers and rows, atomicity, and identical rows on both paths."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from plexpy import context, notification_handler
from plexpy.datafactory import DataFactory
from plexpy.db.engine import build_engine
from plexpy.db.errors import TautulliDBError
from plexpy.db.state import dump_state
from plexpy.domains.lookups import web
from plexpy.domains.lookups.images import CloudinaryError
from plexpy.plex import RecordedPlex

TARGETS = ("plexpy.notification_handler:set_hash_image_info", "plexpy.datafactory:DataFactory.set_",
           "plexpy.datafactory:DataFactory.delete_")
RECORDED = 12
UUID = {"PMS_UUID": "0f0e0d0c0b0a09080706050403020100"}
RECORDED_HASH = "a64733d862a5905a2bbf9575cffca1337501edd4436adac949376b7d0586f907"
SAMPLE = Path(__file__).resolve().parents[2] / "plexpy" / "sample"


def rows(db: Path, sql: str, args: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def recorded_pms(step_id: str) -> list[dict]:
    for line in (SAMPLE / "writes.jsonl").open(encoding="utf-8"):
        step = json.loads(line)
        if step["id"] == step_id:
            return step["pms"]
    raise LookupError(step_id)


def plex(*answers: tuple[str, str], status: int = 200) -> RecordedPlex:
    return RecordedPlex([{"url": url, "status": status, "body": body} for url, body in answers])


class Host:
    """A web client that records DELETE requests and answers them (or fails as an unreachable host)."""

    def __init__(self, answers: list[Any] | None = None, status: int = 200) -> None:
        self.answers, self.status, self.seen = list(answers or []), status, []

    def get(self, url: str, params: Any = None, headers: Any = None) -> web.WebResponse:
        raise web.WebUnavailableError(url)

    def delete(self, url: str, params: Any = None, headers: Any = None) -> web.WebResponse:
        self.seen.append((url, params))
        if not self.answers:
            raise web.WebUnavailableError(url)
        return web.WebResponse(self.status, json.dumps(self.answers.pop(0)))


def test_image_hashes_follow_tautullis_string(facade_mode: str, sample_db: Path) -> None:
    with context.call_context(config=UUID):
        assert notification_handler.set_hash_image_info(
            img="/library/metadata/1119/thumb/1700000000", rating_key="1119", width=1000, height=1500,
            fallback="poster") == RECORDED_HASH
        # fallback is stored but not hashed; a key given apart from the path is replaced by the path's
        assert notification_handler.set_hash_image_info(
            img="/library/metadata/1119/thumb/1", rating_key=5, width=1000, height=1500,
            fallback="art") == RECORDED_HASH
        art = notification_handler.set_hash_image_info(rating_key=77, fallback="art-live")
        unsaved = notification_handler.set_hash_image_info(img="http://x/y.png", add_to_db=False)
    assert rows(sample_db, "SELECT img, rating_key, width, height, opacity, background, blur, fallback "
                           "FROM image_hash_lookup WHERE img_hash = ?", (RECORDED_HASH,)) == [
        ("/library/metadata/1119/thumb", 1119, 1000, 1500, 100, "000000", 0, "art")]
    assert rows(sample_db, "SELECT img, rating_key FROM image_hash_lookup WHERE img_hash = ?", (art,)) == [
        ("/library/metadata/77/art", 77)]
    assert rows(sample_db, "SELECT COUNT(*) FROM image_hash_lookup WHERE img_hash = ?", (unsaved,)) == [(0,)]
    assert notification_handler.set_hash_image_info(fallback="poster") == "poster"
    with pytest.raises(IndexError):
        notification_handler.set_hash_image_info(img="/library/metadata")


def test_hosted_images_are_stored_per_service(facade_mode: str, sample_db: Path) -> None:
    factory = DataFactory()
    assert factory.set_img_info(img_hash="h1", img_title="T ✓", img_url="u1", delete_hash="d1", service="imgur") is None
    factory.set_img_info(img_hash="h1", img_title="T2", img_url="u2", delete_hash="d2", service="imgur")
    factory.set_img_info(img_hash="h1", img_title="C", img_url="c1", service="cloudinary")
    factory.set_img_info(img_hash="h1", img_title="X", img_url="x", service="flickr")
    assert rows(sample_db, "SELECT id, imgur_title, imgur_url, delete_hash FROM imgur_lookup WHERE img_hash = 'h1'"
                ) == [(195, "T2", "u2", "d2")]
    assert rows(sample_db, "SELECT cloudinary_title FROM cloudinary_lookup WHERE img_hash = 'h1'") == [("C",)]


def test_deleting_imgur_uploads_goes_on_when_the_host_fails(facade_mode: str, sample_db: Path) -> None:
    factory = DataFactory()
    host = Host()
    with web.using(host), context.call_context(config={"NOTIFY_UPLOAD_POSTERS": 1, "IMGUR_CLIENT_ID": "id"}):
        assert factory.delete_img_info(rating_key="21071") == "imgur"
        assert factory.delete_img_info() is False
    assert host.seen == [("https://api.imgur.com/3/image/207170f8911b843", None)]
    assert rows(sample_db, "SELECT COUNT(*) FROM imgur_lookup") == [(193,)]
    with pytest.raises(AttributeError):  # no hosting service configured: Tautulli fails on it
        factory.delete_img_info(rating_key=21071)
    assert factory.delete_img_info(delete_all=True, service="Flickr") == "Flickr"
    assert factory.delete_img_info(delete_all=True, service="") == ""
    with web.using(host), context.call_context(config={"IMGUR_CLIENT_ID": ""}):
        assert factory.delete_img_info(delete_all=True, service="Imgur") == "Imgur"
    assert len(host.seen) == 1  # no client id: no request
    assert rows(sample_db, "SELECT COUNT(*) FROM imgur_lookup") == [(0,)]


def test_delete_all_keeps_uploads_without_a_hash_row(facade_mode: str, sample_db: Path, edit_db) -> None:
    edit_db("INSERT INTO cloudinary_lookup (img_hash, cloudinary_title) VALUES ('orphan', 'o'), (NULL, 'n')")
    assert DataFactory().delete_img_info(delete_all=True, service="cloudinary") == "cloudinary"
    assert rows(sample_db, "SELECT cloudinary_title FROM cloudinary_lookup ORDER BY id") == [("o",), ("n",)]


def test_cloudinary_errors_stop_the_delete(facade_mode: str, sample_db: Path) -> None:
    keys = {"CLOUDINARY_CLOUD_NAME": "c", "CLOUDINARY_API_KEY": "k", "CLOUDINARY_API_SECRET": "s",
            "NOTIFY_UPLOAD_POSTERS": 3}
    factory = DataFactory()
    with context.call_context(config=keys):
        with pytest.raises(CloudinaryError) as raised:
            factory.delete_img_info(rating_key=880052)
        assert type(raised.value).__name__ == "GeneralError"
        assert rows(sample_db, "SELECT COUNT(*) FROM cloudinary_lookup") == [(172,)]
        host = Host([{"partial": True, "next_cursor": "n1"}, {"partial": False}])
        with web.using(host):
            assert factory.delete_img_info(delete_all=True, service="cloudinary") == "cloudinary"
        assert [params for _, params in host.seen] == [{"next_cursor": ""}, {"next_cursor": "n1"}]
        assert host.seen[0][0] == "https://api.cloudinary.com/v1_1/c/resources/image/tags/tautulli"
        with web.using(Host([{"error": {"message": "nope"}}], status=401)), pytest.raises(CloudinaryError) as denied:
            factory.delete_img_info(delete_all=True, service="cloudinary")
        assert type(denied.value).__name__ == "AuthorizationRequired"
    assert rows(sample_db, "SELECT COUNT(*) FROM cloudinary_lookup") == [(0,)]


def test_delete_lookup_info(facade_mode: str, sample_db: Path) -> None:
    factory = DataFactory()
    assert factory.delete_lookup_info(rating_key="20000") is True
    assert factory.delete_lookup_info(rating_key=123456789) is True  # nothing to delete: still True
    assert rows(sample_db, "SELECT (SELECT COUNT(*) FROM tvmaze_lookup WHERE rating_key = 20000), "
                           "(SELECT COUNT(*) FROM themoviedb_lookup WHERE rating_key = 20000)") == [(0, 0)]
    assert factory.delete_lookup_info() is False
    assert factory.delete_lookup_info(delete_all=True) is None
    assert factory.delete_lookup_info(delete_all=True, service="bogus") is None
    assert factory.delete_lookup_info(service="tvmaze") is False
    assert factory.delete_lookup_info(delete_all=True, service="TVmaze") is True
    assert rows(sample_db, "SELECT COUNT(*) FROM tvmaze_lookup") == [(0,)]
    assert rows(sample_db, "SELECT COUNT(*) FROM themoviedb_lookup") == [(232,)]


def test_a_failing_third_delete_leaves_every_cache(facade_mode: str, sample_db: Path, edit_db) -> None:
    edit_db("CREATE TRIGGER refuse BEFORE DELETE ON musicbrainz_lookup BEGIN SELECT RAISE(ABORT, 'no'); END")
    before = rows(sample_db, "SELECT (SELECT COUNT(*) FROM tvmaze_lookup), (SELECT COUNT(*) FROM themoviedb_lookup)")
    edit_db("INSERT INTO musicbrainz_lookup (rating_key, musicbrainz_id) VALUES (20000, 'x')")
    with pytest.raises(TautulliDBError):
        DataFactory().delete_lookup_info(rating_key=20000)
    assert rows(sample_db, "SELECT (SELECT COUNT(*) FROM tvmaze_lookup), (SELECT COUNT(*) FROM themoviedb_lookup)"
                ) == before


def test_recently_added_items_come_from_plex(facade_mode: str, sample_db: Path) -> None:
    factory = DataFactory()
    with context.call_context(plex=RecordedPlex(recorded_pms("write-047"))):
        assert factory.set_recently_added_item(rating_key=20582) is True
        assert factory.set_recently_added_item(rating_key="20582") is True  # the same row, updated
    stored = rows(sample_db, "SELECT id, added_at, section_id, parent_rating_key, grandparent_rating_key, media_type, "
                             "pms_identifier, media_info FROM recently_added WHERE rating_key = 20582")
    assert [r[:7] for r in stored] == [(120, 1695889418, 2, 20580, 20579, "episode", None)]
    media = json.loads(stored[0][7])
    assert (media[0]["video_full_resolution"], media[0]["audio_channel_layout"]) == ("480p", "Stereo")
    assert [s["type"] for s in media[0]["parts"][0]["streams"]] == ["1", "2"]
    with pytest.raises(KeyError, match="rating_key"):  # offline: Tautulli's metadata is {}
        factory.set_recently_added_item(rating_key=1119)
    with pytest.raises(KeyError, match="rating_key"):
        factory.set_recently_added_item(rating_key="")


EPISODE = ('<MediaContainer size="1" librarySectionID="2"><Video ratingKey="9" type="episode" addedAt="5" '
           'grandparentRatingKey="7" parentIndex="2" {parent}><Media videoResolution="sd" audioChannels="6">'
           '<Part indexes="sd"><Stream streamType="1" scanType="interlaced" bitDepth="10" colorTrc="smpte2084" '
           'DOVIVersion="1.0"/><Stream streamType="3" key="/s"/></Part></Media></Video></MediaContainer>')
SEASONS = ('<MediaContainer size="2"><Directory ratingKey="70" index="1"/><Directory ratingKey="71" index="2"/>'
           '</MediaContainer>')


def test_recently_added_edge_cases(facade_mode: str, sample_db: Path) -> None:
    factory = DataFactory()
    cases = {
        "thumb": plex(("/library/metadata/9?includeMarkers=1",
                       EPISODE.format(parent='parentThumb="/library/metadata/66/thumb/1"'))),
        "children": plex(("/library/metadata/9?includeMarkers=1", EPISODE.format(parent="")),
                         ("/library/metadata/7/children", SEASONS)),
    }
    for name, expected in (("thumb", 66), ("children", 71)):
        with context.call_context(plex=cases[name]):
            assert factory.set_recently_added_item(rating_key=9) is True
        assert rows(sample_db, "SELECT parent_rating_key FROM recently_added WHERE rating_key = 9") == [(expected,)]
    media = json.loads(rows(sample_db, "SELECT media_info FROM recently_added WHERE rating_key = 9")[0][0])[0]
    assert (media["video_full_resolution"], media["audio_channel_layout"]) == ("SD", "5.1")
    stream = media["parts"][0]["streams"][0]
    assert (stream["video_dynamic_range"], stream["video_dovi_version"]) == ("HDR", 1.0)
    assert media["parts"][0]["streams"][1]["subtitle_location"] == "external"
    failing = {
        KeyError: ('<MediaContainer size="1"><Playlist ratingKey="3" type="playlist"/></MediaContainer>', 200),
        UnboundLocalError: ("<Other/>", 200),
    }
    for error, (body, status) in failing.items():
        with context.call_context(plex=plex(("/library/metadata/3?includeMarkers=1", body), status=status)), \
                pytest.raises(error):
            factory.set_recently_added_item(rating_key=3)
    live = ('<MediaContainer size="1"><Video ratingKey="4" type="movie" live="1" guid="g"><Media/></Video>'
            "</MediaContainer>")
    with context.call_context(plex=plex(("/library/metadata/4?includeMarkers=1", live))), \
            pytest.raises(UnboundLocalError):  # Live TV: the DVR list is unreachable
        factory.set_recently_added_item(rating_key=4)
    with context.call_context(plex=plex(("/library/metadata/4?includeMarkers=1", live), (
            "/livetv/dvrs", '<MediaContainer><Dvr epgIdentifier="tv.plex.epg"/></MediaContainer>'))):
        assert factory.set_recently_added_item(rating_key=4) is True
    assert rows(sample_db, "SELECT section_id, media_type FROM recently_added WHERE rating_key = 4") == [
        (999999, "movie")]
    for body in ('<MediaContainer size="0"/>', "not xml", '<MediaContainer size="1"><Video type="trailer"/>'
                                                          "</MediaContainer>"):
        with context.call_context(plex=plex(("/library/metadata/3?includeMarkers=1", body))), \
                pytest.raises(KeyError):
            factory.set_recently_added_item(rating_key=3)


def test_a_failing_update_answers_false(facade_mode: str, sample_db: Path, edit_db) -> None:
    edit_db("CREATE TRIGGER refuse BEFORE UPDATE ON recently_added BEGIN SELECT RAISE(ABORT, 'no'); END")
    with context.call_context(plex=RecordedPlex(recorded_pms("write-046"))):
        assert DataFactory().set_recently_added_item(rating_key=1119) is True  # a new row: inserted
        assert DataFactory().set_recently_added_item(rating_key=1119) is False  # the update is refused
    assert rows(sample_db, "SELECT COUNT(*) FROM recently_added WHERE rating_key = 1119") == [(1,)]


def test_both_paths_leave_identical_rows(tmp_path: Path, sample_db: Path) -> None:
    from plexpy import bootstrap, config, runtime

    tables = ["image_hash_lookup", "imgur_lookup", "cloudinary_lookup", "recently_added", "tvmaze_lookup",
              "themoviedb_lookup", "musicbrainz_lookup", "sqlite_sequence"]

    def run(mode: str) -> dict:
        db = tmp_path / f"{mode}.db"
        db.write_bytes(sample_db.read_bytes())
        settings = config.load(None, environ={}, overrides={
            "db_url": f"sqlite:///{db}", "data_dir": str(tmp_path), "backends": {"default": mode}})
        rt = bootstrap.build(settings)
        factory = DataFactory()
        with runtime.use(rt), context.call_context(now=1768478400, tz="UTC",
                                                   config={**UUID, "NOTIFY_UPLOAD_POSTERS": 1}):
            image = notification_handler.set_hash_image_info(img="/library/metadata/20582/thumb/9", width="500")
            notification_handler.set_hash_image_info(rating_key="20582", fallback="art", blur=True)
            factory.set_img_info(img_hash=image, img_title="t", img_url="u", delete_hash="d", service="imgur")
            factory.set_img_info(img_hash=image, img_title=5, img_url="c", service="cloudinary")
            factory.set_img_info(img_hash=None, img_title="n", service="imgur")
            factory.delete_img_info(rating_key=21071)
            factory.delete_img_info(delete_all=True, service="cloudinary")
            factory.delete_lookup_info(rating_key="20025")
            factory.delete_lookup_info(delete_all=True, service="musicbrainz")
            for step, rating_key in (("write-046", 1119), ("write-047", "20582")):
                with context.call_context(plex=RecordedPlex(recorded_pms(step))):
                    factory.set_recently_added_item(rating_key=rating_key)
        rt.close()
        engine = build_engine(f"sqlite:///{db}")
        state = dump_state(engine, tables)
        engine.dispose()
        return state

    legacy_state = run("legacy")
    assert legacy_state == run("sqlalchemy")
    assert len(legacy_state["recently_added"]["rows"]) == 121


@pytest.mark.parametrize("backend", ["legacy", "sqlalchemy"])
def test_the_recorded_steps_pass(backend: str) -> None:
    from plexpy.commands.replay_writes import replay_writes

    sample = Path(__file__).resolve().parents[2] / "plexpy" / "sample"
    result = replay_writes(sample / "writes.jsonl", sample / "tautulli.db", backend=backend, stop_after=57)
    ours = [s for s in result.steps if s.target.startswith(TARGETS)]
    assert len(ours) == RECORDED, [s.id for s in ours]
    assert [f"{s.id}: {s.difference}" for s in ours if not s.passed] == []
