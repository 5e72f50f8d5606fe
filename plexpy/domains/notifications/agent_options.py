"""What each notification agent's settings form shows: one option per config key, buttons and help text.

Facts of Tautulli v2.17.2's agent forms, held as data (``form.render`` turns them into ``config_options``).
A ``choices`` value starting with ``@`` names a list looked up when the form is built (providers, sounds,
users, devices, scripts).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

from plexpy.domains.notifications.form import Option

__all__ = ["OPTIONS"]


def _o(label: str, input_type: str, description: str, **extra: Any) -> Option:
    return Option(label, input_type, description, **extra)


_SUBJECT_LINE = "Include the subject line with the notifications."
_POSTER = "Include a poster with the notifications."
_PRIORITY = "Set the notification priority."
_CARD_SUMMARY = "Include a summary for the media on the info card."
_CARD_PLEX_LINK = "Include a second link to the media in Plex Web on the info card."
_CARD_THUMBNAIL = "Use a thumbnail instead of a full sized poster on the info card."
_COLOR = "The hex color value (starting with '#') for the border along the left side of the message attachment."
_DISPLAY_TIME = "The duration (in seconds) for the notification to stay on screen."
_ICON = "Full path or URL to an image to display with the notification. Leave blank for the default."
_HOSTING_NOTE = ('<br>Note: <a data-tab-destination="3rd_party_apis" data-dismiss="modal" '
                 'data-target="notify_upload_posters">Image Hosting</a> must be enabled under the 3rd Party APIs '
                 "settings tab.")
_CARD_HOSTED = "Include an info card with a poster and metadata with the notifications." + _HOSTING_NOTE
_POSTER_HOSTED = _POSTER + _HOSTING_NOTE
_LOOKUPS_NOTE = ('<br>Note: <a data-tab-destination="3rd_party_apis" data-dismiss="modal" >Metadata Lookups</a> '
                 "may need to be enabled under the 3rd Party APIs settings tab.")
_PRIORITIES = {-2: -2, -1: -1, 0: 0, 1: 1, 2: 2}


def _links(where: str, tv: str) -> tuple[Option, ...]:
    """The three link-source selects; ``where`` is "cards" (info cards) or "notification"."""
    place = "on the info cards" if where == "cards" else "in the notification"
    kinds = (("movie", "Movie", "movie"), ("tv", "TV Show", f"{tv} show"), ("music", "Music", "music"))
    return tuple(
        Option(f"{label} Link Source", "select",
               f"Select the source for {text} links {place}. Leave blank to disable.{_LOOKUPS_NOTE}",
               key=f"{kind}_provider", choices=f"@{kind}_providers")
        for kind, label, text in kinds
    )


#: Each agent's settings form, by agent name (the remote app's form is built in ``remote_app``).
OPTIONS: Final[Mapping[str, tuple[Option, ...]]] = MappingProxyType({
    "boxcar": (
        _o("Boxcar Access Token", "token", "Your Boxcar access token.", key="token"),
        _o("Sound", "select",
           "Set the notification sound. Leave blank for the default sound.",
           key="sound", choices="@boxcar_sounds"),
    ),
    "browser": (
        _o("Note", "help", "You may need to refresh the page after saving for changes to take effect."),
        _o("Allow Notifications", "button",
           "Click to allow browser notifications. You must click this button for each browser.",
           button="Allow Notifications", name="browser_allow_browser"),
        _o("Auto Hide Delay", "number",
           ("Set the number of seconds for the notification to remain visible. Set 0 to disable auto hiding. (Note: "
            "Some browsers have a maximum time limit.)"),
           key="auto_hide_delay"),
    ),
    "discord": (
        _o("Discord Webhook URL", "token", "Your Discord incoming webhook URL.", key="hook"),
        _o("Discord Username", "text",
           "The Discord username which will be used. Leave blank for webhook integration default.",
           key="username"),
        _o("Discord Avatar", "text",
           "The image url for the avatar which will be used. Leave blank for webhook integration default.",
           key="avatar_url"),
        _o("Discord Color", "text", _COLOR, key="color"),
        _o("TTS", "checkbox", "Send the notification using text-to-speech.", key="tts"),
        _o("Include Subject Line", "checkbox", _SUBJECT_LINE, key="incl_subject"),
        _o("Include Rich Metadata Info", "checkbox",
           "Include an info card with a poster and metadata with the notifications.",
           key="incl_card"),
        _o("Include Summary", "checkbox", _CARD_SUMMARY, key="incl_description"),
        _o("Include Link to Plex Web", "checkbox", _CARD_PLEX_LINK, key="incl_pmslink"),
        _o("Use Poster Thumbnail", "checkbox", _CARD_THUMBNAIL, key="incl_thumbnail"),
        *_links("cards", tv="tv"),
    ),
    "email": (
        _o("From Name", "text", "The name of the sender.", key="from_name"),
        _o("From", "text", "The email address of the sender.", key="from"),
        _o("To", "selectize",
           "The email address(es) of the recipients.",
           key="to", choices="@email_to", select_all=True),
        _o("CC", "selectize", "The email address(es) to CC.", key="cc", choices="@email_cc", select_all=True),
        _o("BCC", "selectize", "The email address(es) to BCC.", key="bcc", choices="@email_bcc", select_all=True),
        _o("SMTP Server", "text", "Host for the SMTP server.", key="smtp_server"),
        _o("SMTP Port", "number", "Port for the SMTP server.", key="smtp_port"),
        _o("SMTP Username", "text", "Username for the SMTP server.", key="smtp_user"),
        _o("SMTP Password", "password", "Password for the SMTP server.", key="smtp_password"),
        _o("Encryption", "select",
           "Send emails encrypted using SSL or TLS.",
           key="tls", choices={0: "None", 1: "TLS/STARTTLS (Typically port 587)", 2: "SSL/TLS (Typically port 465)"}),
        _o("Enable HTML Support", "checkbox", "Style your messages using HTML tags.", key="html_support"),
    ),
    "facebook": (
        _o("OAuth Redirect URI", "text",
           'Fill in this address for the "Valid OAuth redirect URIs" in your Facebook App.',
           key="redirect_uri"),
        _o("Facebook App ID", "token", "Your Facebook app ID.", key="app_id"),
        _o("Facebook App Secret", "token", "Your Facebook app secret.", key="app_secret"),
        _o("Request Authorization", "button",
           "Request Facebook authorization. (Ensure you allow the browser pop-up).",
           button="Request Authorization", name="facebook_facebook_auth"),
        _o("Facebook Access Token", "token",
           "Your Facebook access token. Automatically filled in after requesting authorization.",
           key="access_token"),
        _o("Facebook Group ID", "text", "Your Facebook Group ID.", key="group_id"),
        _o("Include Subject Line", "checkbox", _SUBJECT_LINE, key="incl_subject"),
        _o("Include Rich Metadata Info", "checkbox", _CARD_HOSTED, key="incl_card"),
        *_links("cards", tv="tv"),
    ),
    "gotify": (
        _o("Gotify Host Address", "text", "Host running Gotify (e.g. http://localhost:8080).", key="host"),
        _o("Gotify App Token", "token", "Your Gotify app token.", key="app_token"),
        _o("Priority", "select", _PRIORITY, key="priority", choices={0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7}),
        _o("Include Subject Line", "checkbox", _SUBJECT_LINE, key="incl_subject"),
        _o("Include Poster Image", "checkbox", _POSTER, key="incl_poster"),
        _o("Open URL on Notification Click (Android Only)", "checkbox",
           "Open a URL instead of the Gotify app when clicking on the notifications.",
           key="incl_url"),
        *_links("notification", tv="tv"),
    ),
    "groupme": (
        _o("GroupMe Access Token", "token", "Your GroupMe access token.", key="access_token"),
        _o("GroupMe Bot ID", "token", "Your GroupMe bot ID.", key="bot_id"),
        _o("Include Subject Line", "checkbox", _SUBJECT_LINE, key="incl_subject"),
        _o("Include Poster Image", "checkbox", _POSTER, key="incl_poster"),
    ),
    "growl": (
        _o("Growl Host", "text", "Your Growl hostname or IP address.", key="host"),
        _o("Growl Password", "password", "Your Growl password.", key="password"),
    ),
    "ifttt": (
        _o("IFTTT Webhook Key", "token",
           ('Your IFTTT webhook key. You can get a key from <a href="https://ifttt.com/maker_webhooks" '
            'target="_blank" rel="noreferrer">here</a>.'),
           key="key"),
        _o("IFTTT Event", "text",
           ('The IFTTT maker event to fire. You can include <span class="inline-pre">{action}</span> to be '
            "substituted with the action name. The notification subject and body will be sent as <span "
            'class="inline-pre">value1</span> and <span class="inline-pre">value2</span> respectively.'),
           key="event"),
        _o("Value 3", "select",
           'Optional: Select a parameter to send as <span class="inline-pre">value3</span>.',
           key="value3", choices="@parameters"),
    ),
    "join": (
        _o("Join API Key", "token",
           "Your Join API key. Required for group notifications.",
           key="api_key", refresh=True),
        _o("Device Name(s)", "select", "Select your Join device(s).", key="device_names", choices="@join_devices"),
        _o("Priority", "select", _PRIORITY, key="priority", choices=_PRIORITIES),
        _o("Include Subject Line", "checkbox", _SUBJECT_LINE, key="incl_subject"),
        _o("Include Poster Image", "checkbox", _POSTER_HOSTED, key="incl_poster"),
        *_links("notification", tv="tv"),
    ),
    "lunasea": (
        _o("LunaSea Webhook URL", "token", "Your LunaSea device-based or user-based webhook URL.", key="hook"),
        _o("LunaSea Profile", "text", "Your LunaSea profile name. Leave blank for the default profile.", key="profile"),
        _o("Include Subject Line", "checkbox", _SUBJECT_LINE, key="incl_subject"),
    ),
    "microsoftteams": (
        _o("Teams Webhook URL", "token", "Your Microsoft Teams incoming webhook URL.", key="hook"),
        _o("Include Subject Line", "checkbox", _SUBJECT_LINE, key="incl_subject"),
        _o("Include Rich Metadata Info", "checkbox", _CARD_HOSTED, key="incl_card"),
        _o("Include Summary", "checkbox", _CARD_SUMMARY, key="incl_description"),
        _o("Include Link to Plex Web", "checkbox", _CARD_PLEX_LINK, key="incl_pmslink"),
        _o("Poster Size", "select",
           "Select the size of the poster on the info card.",
           key="poster_size", choices={0: "None", 1: "Small", 2: "Medium", 3: "Large"}),
        *_links("cards", tv="tv"),
    ),
    "mqtt": (
        _o("Broker", "text", "The hostname or IP address of the MQTT broker.", key="broker"),
        _o("Port", "number", "The network port for connecting to the MQTT broker.", key="port"),
        _o("Protocol", "select",
           "The MQTT protocol version.",
           key="protocol", choices={"MQTTv31": "3.1", "MQTTv311": "3.1.1", "MQTTv5": "5.0"}),
        _o("Client ID", "text", "The client ID for connecting to the MQTT broker.", key="clientid"),
        _o("Username", "text", "The username to authenticate with the MQTT broker.", key="username"),
        _o("Password", "password", "The password to authenticate with the MQTT broker.", key="password"),
        _o("Topic", "text",
           ('The topic to publish notifications to. You can include <a href="#notify-text-sub-modal" '
            'data-toggle="modal">notification parameters</a> to be substituted.'),
           key="topic"),
        _o("Quality of Service", "select",
           "The quality of service level to use when publishing the notification.",
           key="qos", choices={0: 0, 1: 1, 2: 2}),
        _o("Retain Message", "checkbox", "Set the message to be retained on the MQTT broker.", key="retain"),
        _o("Keep-Alive", "number",
           "Maximum period in seconds before timing out the connection with the broker.",
           key="keep_alive"),
        _o("Send Message as JSON", "checkbox",
           "Parse and send the subject and body as JSON instead of as a raw string.",
           key="as_json"),
    ),
    "ntfy": (
        _o("ntfy Host Address", "text", "Host running ntfy (e.g. http://localhost:80).", key="host"),
        _o("ntfy Access Token", "token", "Your ntfy access token.", key="access_token"),
        _o("ntfy Topic", "text", "The topic to publish notifications to.", key="topic"),
        _o("Priority", "select",
           _PRIORITY,
           key="priority", choices={"min": 1, "low": 2, "default": 3, "high": 4, "max": 5}),
        _o("Include Subject Line", "checkbox", "Include a subject line in the notification.", key="incl_subject"),
        _o("Include Poster Image", "checkbox",
           "Include a poster of the media item in the notification.",
           key="incl_poster"),
        _o("Include Summary", "checkbox",
           "Include a summary of the media item in the notification.",
           key="incl_description"),
        _o("Include Link to Metadata Provider", "checkbox",
           "Include a link to the media item on the metadata provider in the notification.",
           key="incl_url"),
        _o("Include Link to Plex Web", "checkbox",
           "Include a link to the media item in Plex Web in the notification.",
           key="incl_pmslink"),
        *_links("notification", tv="TV"),
    ),
    "plex": (
        _o("Plex Home Theater Host Address", "text",
           "Host running Plex Home Theater (eg. http://localhost:3005). Separate multiple hosts with commas (,).",
           key="hosts"),
        _o("Plex Home Theater Username", "text",
           "Username of your Plex Home Theater client API (blank for none).",
           key="username"),
        _o("Plex Home Theater Password", "password",
           "Password of your Plex Home Theater client API (blank for none).",
           key="password"),
        _o("Notification Duration", "number", _DISPLAY_TIME, key="display_time"),
        _o("Notification Icon", "text", _ICON, key="image"),
    ),
    "plexmobileapp": (
        _o("Plex User(s)", "select",
           ("Select which Plex User(s) to receive notifications.<br>Note: The user(s) must have notifications "
            "enabled for the matching Tautulli triggers in their Plex mobile app."),
           key="user_ids", choices="@plex_users"),
        _o("Notification Tap Action", "select",
           "Set the action when tapping on the notification.",
           key="tap_action", choices={"preplay": "Go to media pre-play screen", "play": "Start playing the media"}),
    ),
    "prowl": (
        _o("Prowl API Key", "token", "Your Prowl API key.", key="key"),
        _o("Priority", "select", _PRIORITY, key="priority", choices=_PRIORITIES),
    ),
    "pushbullet": (
        _o("Pushbullet Access Token", "token", "Your Pushbullet access token.", key="api_key", refresh=True),
        _o("Device", "select",
           "Set your Pushbullet device. If set, will override channel tag. Leave blank to notify on all devices.",
           key="device_id", choices="@pushbullet_devices"),
        _o("Channel", "text", "A channel tag (optional).", key="channel_tag"),
        _o("Include Subject Line", "checkbox", _SUBJECT_LINE, key="incl_subject"),
        _o("Include Poster Image", "checkbox", _POSTER, key="incl_poster"),
    ),
    "pushover": (
        _o("Pushover API Token", "token", "Your Pushover API token.", key="api_token"),
        _o("Pushover User or Group Key", "token", "Your Pushover user or group key.", key="key"),
        _o("Sound", "selectize",
           "Select a notification sound or enter a custom sound name. Leave blank for the default sound.",
           key="sound", choices="@pushover_sounds", select_all=False),
        _o("Priority", "select", _PRIORITY, key="priority", choices=_PRIORITIES),
        _o("Retry Interval", "number",
           ("Set the interval in seconds to keep retrying the notification.<br>Note: For priority 2 only. Minimum 30 "
            "seconds."),
           key="retry"),
        _o("Expire Duration", "number",
           ("Set the duration in seconds when the notification will stop retrying.<br>Note: For priority 2 only. "
            "Minimum 30 seconds."),
           key="expire"),
        _o("Enable HTML Support", "checkbox",
           "Style your messages using these HTML tags: b, i, u, a[href], font[color]",
           key="html_support"),
        _o("Include supplementary URL", "checkbox",
           "Include a supplementary URL with the notifications.",
           key="incl_url"),
        _o("Include Subject Line", "checkbox", _SUBJECT_LINE, key="incl_subject"),
        _o("Include Poster Image", "checkbox", _POSTER, key="incl_poster"),
        *_links("notification", tv="tv"),
    ),
    "scripts": (
        _o("Supported File Types", "help",
           '<span class="inline-pre">.bat, .cmd, .php, .pl, .ps1, .py, .pyw, .rb, .sh</span>'),
        _o("Script Folder", "text",
           ('Enter the full path to your script folder.<br>Note: <span class="inline-pre">allow_mounted_folders = '
            "1</span> must be manually enabled in the configuration file to allow mounted folder paths. Enabling "
            "this setting could pose a security risk. Enable at your own risk. It is recommended to leave this "
            "feature disabled if it is not being used."),
           key="script_folder", refresh=True),
        _o("Script File", "select", "Select the script file to run.", key="script", choices="@scripts"),
        _o("Script Timeout", "number",
           "The number of seconds to wait before killing the script. 0 to disable timeout.",
           key="timeout"),
    ),
    "slack": (
        _o("Slack Webhook URL", "token", "Your Slack incoming webhook URL.", key="hook"),
        _o("Slack Channel", "text",
           ("The Slack channel name (starting with '#') which will be used. Leave blank for webhook integration "
            "default."),
           key="channel"),
        _o("Slack Username", "text",
           "The Slack username which will be used. Leave blank for webhook integration default.",
           key="username"),
        _o("Slack Icon", "text",
           ("The Slack emoji or image url for the icon which will be used. Leave blank for webhook integration "
            "default."),
           key="icon_emoji"),
        _o("Slack Color", "text", _COLOR, key="color"),
        _o("Include Subject Line", "checkbox", _SUBJECT_LINE, key="incl_subject"),
        _o("Include Rich Metadata Info", "checkbox", _CARD_HOSTED, key="incl_card"),
        _o("Include Summary", "checkbox", _CARD_SUMMARY, key="incl_description"),
        _o("Include Link to Plex Web", "checkbox", _CARD_PLEX_LINK, key="incl_pmslink"),
        _o("Use Poster Thumbnail", "checkbox", _CARD_THUMBNAIL, key="incl_thumbnail"),
        *_links("cards", tv="tv"),
    ),
    "telegram": (
        _o("Telegram Bot Token", "token",
           ('Your Telegram bot token. Contact <a href="https://telegram.me/BotFather" target="_blank" '
            'rel="noreferrer">@BotFather</a> on Telegram to get one.'),
           key="bot_token"),
        _o("Telegram Chat ID, Group ID, or Channel ID/Username", "text",
           ("Your Telegram Chat ID, Group ID, Channel ID or @channelusername. Contact <a "
            'href="https://telegram.me/myidbot" target="_blank" rel="noreferrer">@myidbot</a> on Telegram to get an '
            'ID. For a group topic, append <span class="inline-pre">/topicID</span> to the group ID.'),
           key="chat_id"),
        _o("Include Subject Line", "checkbox", _SUBJECT_LINE, key="incl_subject"),
        _o("Include Poster Image", "checkbox", _POSTER, key="incl_poster"),
        _o("Enable HTML Support", "checkbox",
           ("Enable to style your messages using these HTML tags:<br>b, strong, i, em, u, ins, s, strike, del, "
            "span[class], tg-spoiler, a[href], code[class], pre"),
           key="html_support"),
        _o("Disable Web Page Previews", "checkbox",
           "Disables automatic link previews for links in the message",
           key="disable_web_preview"),
        _o("Enable Silent Notifications", "checkbox",
           "Send notifications silently without any alert sounds.",
           key="silent_notification"),
    ),
    "twitter": (
        _o("Twitter Consumer Key", "token", "Your Twitter consumer key.", key="consumer_key"),
        _o("Twitter Consumer Secret", "token", "Your Twitter consumer secret.", key="consumer_secret"),
        _o("Twitter Access Token", "token", "Your Twitter access token.", key="access_token"),
        _o("Twitter Access Token Secret", "token", "Your Twitter access token secret.", key="access_token_secret"),
        _o("Include Subject Line", "checkbox", _SUBJECT_LINE, key="incl_subject"),
        _o("Include Poster Image", "checkbox", _POSTER_HOSTED, key="incl_poster"),
    ),
    "webhook": (
        _o("Webhook URL", "token", "Your Webhook URL.", key="hook"),
        _o("Webhook Method", "select",
           "The Webhook HTTP request method.",
           key="method", choices={"GET": "GET", "POST": "POST", "PUT": "PUT", "DELETE": "DELETE", "PATCH": "PATCH"}),
    ),
    "xbmc": (
        _o("Kodi Host Address", "text",
           "Host running Kodi (e.g. http://localhost:8080). Separate multiple hosts with commas (,).",
           key="hosts"),
        _o("Kodi Username", "text", "Username of your Kodi client API (blank for none).", key="username"),
        _o("Kodi Password", "password", "Password of your Kodi client API (blank for none).", key="password"),
        _o("Notification Duration", "number", _DISPLAY_TIME, key="display_time"),
        _o("Notification Icon", "text", _ICON, key="image"),
    ),
    "zapier": (
        _o("Zapier Webhook URL", "token", "Your Zapier webhook URL.", key="hook"),
        _o("Test Zapier Webhook", "button",
           'Click this button when prompted on then "Test Webhooks by Zapier" step.',
           button="Send Test Data", name="zapier_test_hook"),
        *_links("notification", tv="tv"),
    ),

})
