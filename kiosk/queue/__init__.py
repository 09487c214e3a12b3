"""The queue service in parts: `base` (time, catalogue, views), `sql` (every dialect-specific
statement), `machine` (the ticket state machine), `dayplan`, `housekeeping`, `issuing`, `moves`,
`reads` and `printlog`. `kiosk.service.QueueService` joins them into the one surface callers use."""
