"""The words of a visitor's rating, marked for translation: the five faces' labels (scores 1-5) and
the reasons' (`kiosk.domain.ratings.REASONS`, in its order). The phone and the front desk show them."""

from __future__ import annotations

from kiosk.presentation.i18n import N_

FACES: dict[int, str] = {
    1: N_("Very bad"),
    2: N_("Bad"),
    3: N_("So-so"),
    4: N_("Good"),
    5: N_("Very good"),
}

REASON_LABELS: dict[str, str] = {
    "staff_helpful": N_("Helpful and polite staff"),
    "clear_explanation": N_("Clear explanation"),
    "quick_service": N_("Quick service"),
    "waited_too_long": N_("Waited too long"),
    "could_not_find_window": N_("Hard to find the window"),
    "problem_not_solved": N_("Problem not solved"),
    "too_many_documents": N_("Too many documents asked for"),
    "hall_crowded": N_("Crowded or uncomfortable hall"),
}
