"""The counter and the visitor's phone: "on my way" said on the phone shows on the ticket at the
window that called it, and a ticket URL QR (`public_url`) scans like today's payload."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, Static

from screens.counter.window import CounterScreen
from tests.screens.conftest import Centre
from tests.screens.test_counter import counter, settle, sign_in
from tests.screens.test_lobby import SIZE, until


async def scanned(pilot: Pilot[None], screen: CounterScreen, text: str, expect: str) -> None:
    """`text` typed into the scan field as a handheld scanner types it, then Enter."""
    field = screen.query_one("#scan", Input)
    field.focus()
    field.value = text
    await pilot.press("enter")
    await settle(pilot, expect)


async def test_on_my_way_shows_on_the_calling_counter(centre: Centre) -> None:
    service = centre.service
    ticket = service.issue("pension-new").ticket
    app = counter(centre, "6", lang="uk")
    async with app.run_test(size=SIZE) as pilot:
        screen = await sign_in(pilot)
        await pilot.press("f1")
        await settle(pilot, ticket.code)
        details = screen.query_one("#current-details", Static)
        assert "Уже йде" not in str(details.content)
        service.on_my_way(ticket.id, "phone")  # what POST /api/v1/tickets/{token}/on-my-way does
        await until(pilot, lambda: "➜ Уже йде" in str(details.content))


async def test_a_ticket_url_qr_scans_at_the_counter(centre: Centre) -> None:
    service = centre.service
    service.settings = service.settings.model_copy(update={"public_url": "http://10.0.0.5:8080"})
    issued = service.issue("pension-new")
    old_form = service.issue("pension-recalc")
    assert issued.qr.startswith("HTTP://10.0.0.5:8080/T/K1:")
    app = counter(centre, "6")
    async with app.run_test(size=SIZE) as pilot:
        screen = await sign_in(pilot)

        await scanned(pilot, screen, issued.qr, f"{issued.ticket.code}: called")
        await scanned(pilot, screen, issued.qr.lower(), f"{issued.ticket.code}: being served")
        service.finish(issued.ticket.id)
        await scanned(pilot, screen, service.ticket_token(old_form.ticket), f"{old_form.ticket.code}: called")
