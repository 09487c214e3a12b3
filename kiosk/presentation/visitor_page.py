"""The texts of the visitor's ticket page (`kiosk web`, /t/<token>) in the seven languages, from the
gettext catalogues like every other visitor text. The page gets all seven at once (web.phone serves
them as a small script), so switching the language needs no request; no text counts anything with
a plural form, the numbers stand apart from their labels."""

from __future__ import annotations

from kiosk.domain.languages import LANGUAGES, NATIVE_NAMES
from kiosk.domain.ratings import BAD_REASONS, GOOD_REASONS
from kiosk.presentation.i18n import N_, translations
from kiosk.presentation.rating_words import FACES, REASON_LABELS

TEXTS: dict[str, str] = {
    "title": N_("Your ticket"),
    "number": N_("Ticket number"),
    "window": N_("Served at window"),
    "windows": N_("Served at windows"),
    "ahead": N_("People ahead of you"),
    "next": N_("You are next"),
    "wait": N_("Estimated wait"),
    "minutes": N_("about {minutes} min"),
    "booked": N_("Your appointment is at {time}: you will be called about then."),
    "keep_open": N_("Keep this page open: it tells you when it is your turn."),
    "your_turn": N_("Your turn! Go to window"),
    "recalled": N_("You are called again"),
    "on_my_way": N_("I'm on my way"),
    "on_my_way_sent": N_("The window knows you are on your way."),
    "leave": N_("Leave the queue"),
    "leave_confirm": N_("Leave the queue? Your ticket will be cancelled and you lose your place."),
    "leave_yes": N_("Yes, leave"),
    "leave_no": N_("No, stay"),
    "serving": N_("You are being served at window {window}."),
    "on_hold": N_("Your ticket is on hold. Please wait: you will be called again."),
    "transferred": N_("Your ticket has moved from {old} to {new}. Your number stays the same."),
    "no_show": N_("You were called but did not come. Please ask at the front desk."),
    "done": N_("You have been served. Thank you for your visit."),
    "cancelled": N_("This ticket is cancelled."),
    "left": N_("You have left the queue. Your ticket is cancelled."),
    "closed": N_("The queue has closed for today. Please ask at the front desk."),
    "other_day": N_("This ticket is from another day and is no longer valid."),
    "not_found": N_("This link is not a ticket of this centre. Scan the QR code on your ticket again."),
    "busy": N_("The server is busy. Trying again..."),
    "offline": N_("No connection. Trying again..."),
    "sound_on": N_("Sound on"),
    "sound_off": N_("Sound off"),
    "language": N_("Language"),
    # The rating, once served (`kiosk.domain.ratings`): the faces `face_1`..`face_5` and the reasons
    # `reason_<code>` are added below from `kiosk.presentation.rating_words`.
    "rate_title": N_("How was your visit?"),
    "rate_anonymous": N_("Your rating is anonymous: it helps the centre serve visitors better."),
    "reasons_good": N_("What went well? (optional)"),
    "reasons_bad": N_("What could be better? (optional)"),
    "rate_send": N_("Send rating"),
    "rate_thanks": N_("Thank you for your rating!"),
    "rate_failed": N_("Your rating could not be sent. Please try again."),
}
TEXTS.update({f"face_{score}": label for score, label in FACES.items()})
TEXTS.update({f"reason_{code}": label for code, label in REASON_LABELS.items()})


def page_texts(lang: str) -> dict[str, str]:
    """The page's texts in `lang`, with the languages' own names."""
    t = translations(lang)
    return {key: t.gettext(message) for key, message in TEXTS.items()}


def all_page_texts() -> dict[str, object]:
    """What the page needs to speak every language: the texts per language, the languages in order
    and each one's name in itself; and the codes of the rating's reasons, good and bad."""
    return {
        "languages": list(LANGUAGES),
        "names": dict(NATIVE_NAMES),
        "texts": {lang: page_texts(lang) for lang in LANGUAGES},
        "reasons": {"good": list(GOOD_REASONS), "bad": list(BAD_REASONS)},  # the rating's, in order
    }
