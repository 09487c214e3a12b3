"""The HTTP side of the centre (`kiosk web`): the JSON API under `/api/v1` for the visitor's phone
and for the centre's other systems, on Starlette served by uvicorn. It imports the core (`kiosk.*`);
the core never imports it, and it never imports Textual or the screens. Blocking core calls run in
worker threads; one follower task follows the event table for every phone (`web.hub`)."""
