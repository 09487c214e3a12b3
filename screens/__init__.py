"""Textual UI only: the lobby kiosk, the staff counter, the lobby display and the front desk. Every
screen calls the core's service API; none touches SQL."""
