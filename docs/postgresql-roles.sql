-- PostgreSQL roles for a centre's terminals (run as a superuser; change the passwords).
-- kiosk_owner owns the schema and is used only by `kiosk init` (migrations, catalogue) on the
-- administrator's machine; every terminal (kiosks, counters, front desk, display) connects as
-- kiosk_terminal, which can read and write rows but can delete nothing and change no table.
CREATE ROLE kiosk_owner LOGIN PASSWORD 'change-me-owner';
CREATE ROLE kiosk_terminal LOGIN PASSWORD 'change-me-terminal';
CREATE DATABASE kiosk OWNER kiosk_owner;
\connect kiosk
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO kiosk_owner;
GRANT USAGE ON SCHEMA public TO kiosk_terminal;
-- What `kiosk init` creates from now on is open to the terminals as below.
ALTER DEFAULT PRIVILEGES FOR ROLE kiosk_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE ON TABLES TO kiosk_terminal;
ALTER DEFAULT PRIVILEGES FOR ROLE kiosk_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO kiosk_terminal;
