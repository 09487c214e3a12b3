"""The front desk: the day's queue live, routing people, statistics, staff and the day's close."""
