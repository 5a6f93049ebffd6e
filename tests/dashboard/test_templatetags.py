"""Display helpers: links, durations, signs and fast table rows."""

from dashboard.templatetags import dashboard as tags


def test_number_rows_escape_their_labels():
    html = tags.number_rows([("<b>x</b>", 3, "&", None)])

    assert html == (
        '<tr><th scope="row">&lt;b&gt;x&lt;/b&gt;</th>'
        '<td class="num">3</td><td class="num">&amp;</td><td class="num">–</td></tr>'
    )


def test_a_track_url_is_empty_for_an_id_no_url_can_hold():
    assert tags.track_url("") == ""
    assert tags.track_url("abc").endswith("/tracks/abc/")


def test_only_spotify_web_links_are_kept():
    assert tags.spotify_url("https://open.spotify.com/track/x") != ""
    assert tags.spotify_url("javascript:alert(1)") == ""
    assert tags.spotify_url(None) == ""


def test_durations_and_signs_read_as_a_person_expects():
    assert tags.duration(187_000) == "3:07"
    assert tags.duration(None) == ""
    assert (tags.signed(3), tags.signed(-2), tags.signed(0)) == ("+3", "\u22122", "0")
