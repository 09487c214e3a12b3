"""Storage: SQLAlchemy models, the engine set-up for SQLite and PostgreSQL, and Alembic migrations."""

# The newest migration. Terminals compare the database with it at start without importing Alembic
# (a tenth of a second of the kiosk's cold start); a test keeps it equal to Alembic's head.
SCHEMA_REVISION = "0007"
