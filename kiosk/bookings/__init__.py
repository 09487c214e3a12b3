"""Appointments: booking, moving and cancelling, check-in and its guard, the CSV import."""
