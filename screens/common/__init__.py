"""Widgets and screens the four terminals share: big text, the QR code, PIN entry, messages."""
