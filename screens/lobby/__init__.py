"""The lobby kiosk: language, need, optional priority and interpreter, then the ticket."""
