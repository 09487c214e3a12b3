"""What a centre is: tickets and their states, booking codes, the typed events, the catalogue, the
day's statistics, free text and the languages."""
