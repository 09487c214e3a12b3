"""What the core shows: tickets, statistics, speech and the JSON views, as text for people and machines."""
