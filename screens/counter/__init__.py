"""The staff window (counter): sign in, call next, recall, serve, finish, no-show, hold, transfer,
return, break, and a scan field for the ticket's QR code."""
