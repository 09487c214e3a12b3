"""Run the API with uvicorn (`kiosk web`)."""

from __future__ import annotations

import uvicorn

from kiosk.service import QueueService
from web.app import create_app


def serve(service: QueueService, host: str, port: int) -> None:
    """Serve until interrupted; open event streams get 2 s to end when it stops."""
    config = uvicorn.Config(
        create_app(service),
        host=host,
        port=port,
        log_level="info",
        proxy_headers=False,  # the rate limit counts the peer's address, never a header it sends
        timeout_graceful_shutdown=2,
        server_header=False,
    )
    uvicorn.Server(config).run()
