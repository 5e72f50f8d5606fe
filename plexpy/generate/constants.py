"""The fixed vocabulary of the generator: the anchor, libraries, names, players, hours and sources."""

from __future__ import annotations

from collections.abc import Callable

#: A progress callback: (phase, history rows written so far).
Progress = Callable[[str, int], None]

#: The default "now" of a generated database: 2026-01-15 12:00:00 UTC, the anchor of the bundled sample.
ANCHOR = 1_768_478_400
#: The server identifier written to ``library_sections.server_id`` (the recorded sample's value).
PMS_IDENTIFIER = "5f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6"
DAY = 86_400
_CHUNK = 20_000

# section_id, name, section_type, agent, media type played, share of plays, is_active, keep_history, deleted
_LIBRARIES = (
    (1, "Movies", "movie", "tv.plex.agents.movie", "movie", 0.17, 1, 1, 0),
    (2, "TV Shows", "show", "tv.plex.agents.series", "episode", 0.38, 1, 1, 0),
    (3, "Music", "artist", "tv.plex.agents.music", "track", 0.2, 1, 1, 0),
    (4, "Photos", "photo", "com.plexapp.agents.none", None, 0.0, 1, 1, 0),
    (5, "4K Movies", "movie", "tv.plex.agents.movie", "movie", 0.05, 1, 1, 0),
    (6, "Anime", "show", "tv.plex.agents.series", "episode", 0.13, 1, 1, 0),
    (7, "Home Videos", "movie", "com.plexapp.agents.none", "movie", 0.02, 1, 0, 0),
    (8, "Audiobooks", "artist", "tv.plex.agents.music", "track", 0.01, 1, 0, 1),
    (999999, "Live TV", "live", "", "live", 0.04, 1, 1, 0),
)
_WORDS = (
    "Silent", "Canyon", "Voyage", "Crown", "Echo", "Harbor", "Lantern", "Frontier", "Garden", "Winter", "Signal",
    "Orbit", "River", "Shadow", "Summit", "Atlas", "Ember", "Meridian", "Tide", "Compass", "Iron", "Glass",
    "Amélie", "Ça", "Über", "Łódź", "東京", "物語", "Señor", "Ørsted", "Café", "Naïve",
    "Bob's", '"Quoted"', "100%", "50%_Off", "snake_case", "back\\slash", "O'Brien", "Rock & Roll",
)
_FIRST = ("Ana", "Morgan", "Rowan", "Aoife", "Mei", "Yuki", "Jordan", "Skyler", "Parker", "Harper", "Ingrid",
          "Zoë", "Łukasz", "José", "Noël", "Fatima", "Nikolai", "Avery", "Taylor", "Jamie", "Robin", "Sam")
_LAST = ("Hart", "Shaw", "Müller", "Dubois", "Wolfe", "Webb", "Stone", "Vance", "Reed", "Blake", "Ivanova",
         "O'Neil", "García", "Nash", "Hale", "Kim", "Sato", "Singh", "Ward", "Lee_", "100%Fan")
_GENRES = ("Drama", "Comedy", "Action", "Documentary", "Romance", "Thriller", "Animation", "Sci-Fi", "Horror")
# platform, product, product_version, platform_version, profile, player, music only
_PLAYERS = (
    ("Android", "Plex for Android (TV)", "10.6.2.4044", "11", "Android", "SHIELD Android TV", False),
    ("Roku", "Plex for Roku", "8.2.1.3010", "12.0.0", "Roku-7.x", "Roku Ultra", False),
    ("Chrome", "Plex Web", "4.118.0", "120.0", "Web", "Chrome", False),
    ("Safari", "Plex Web", "4.118.0", "17.2", "Web", "Safari", False),
    ("iOS", "Plex for iOS", "2024.9.1", "17.5", "iOS", "iPhone", False),
    ("tvOS", "Plex for Apple TV", "8.31", "17.2", "tvOS", "Apple TV", False),
    ("webOS", "Plex for LG", "1.40.0", "6.3.0", "webOS", "LG OLED65C1", False),
    ("Windows", "Plex for Windows", "1.86.1.4525", "10.0.22631", "Windows", "DESKTOP-PC", False),
    ("Tizen", "Plex for Samsung", "2.022.0", "6.0", "Tizen", "Samsung QN90", False),
    ("Playstation 4", "Plex for PlayStation 4", "4.1.2", "11.00", "PlayStation", "PS4", False),
    ("macOS", "Plexamp", "4.10.1", "14.2", "macOS", "Studio Mac (Plexamp)", True),
    ("Android", "Plexamp", "4.10.1", "14", "Android", "Pixel 8 (Plexamp)", True),
)
# Local hour weights: quiet nights, a lunchtime bump, the evening peak around 20:00-21:00.
_HOURS = (1.0, 0.6, 0.4, 0.3, 0.2, 0.2, 0.3, 0.6, 0.8, 1.0, 1.1, 1.2, 1.4, 1.4, 1.4, 1.6, 2.0, 2.6, 3.6, 5.0,
          5.6, 5.2, 3.8, 2.2)
# container, bitrate, width, height, video codec, resolution, full resolution, dynamic range, audio codec, channels
_SOURCES = (
    ("mkv", 42000, 3840, 2160, "hevc", "4k", "4k", "HDR", "truehd", 8),
    ("mkv", 12000, 1920, 1080, "h264", "1080", "1080p", "SDR", "eac3", 6),
    ("mp4", 5800, 1280, 720, "h264", "720", "720p", "SDR", "aac", 2),
    ("avi", 1400, 720, 406, "mpeg4", "sd", "SD", "SDR", "mp3", 2),
    ("flac", 1020, "", "", "", "", "", "", "flac", 2),
    ("mp3", 320, "", "", "", "", "", "", "mp3", 2),
    ("mpegts", 9000, 1920, 1080, "h264", "1080", "1080i", "SDR", "ac3", 6),
)
_DECISIONS = ("direct play", "copy", "transcode")
_QUALITY = ("Original", "12 Mbps 1080p", "8 Mbps 1080p", "4 Mbps 720p", "2 Mbps 720p", "1.5 Mbps 480p")

