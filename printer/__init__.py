"""Ticket printing: the ticket drawn as one raster (Pillow, DejaVu Sans), encoded as ESC/POS
GS v 0, and sent through python-escpos transports chosen by URL (tcp, usb, serial, file, preview)."""
