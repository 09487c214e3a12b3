"""Who may do what: staff and PINs, API tokens, signed QR payloads, the exit PIN."""
