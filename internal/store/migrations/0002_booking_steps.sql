-- Booking orchestration (internal/booking). Every change to a booking is an
-- operation (create, reschedule, cancel, paid, a meeting trigger) numbered
-- per booking; each operation plans steps, one app method of one
-- installation (or the webhook fan-out, installation ''), run in stages.
-- The durable jobs that run them live in River's own tables; these rows say
-- what is planned, what waits and what is done, so a restart resumes.

CREATE TABLE booking_ops (
    booking_id TEXT    PRIMARY KEY,
    tenant_id  TEXT    NOT NULL,
    -- origin is who reported the booking: the API, or a Cal.com webhook.
    origin     TEXT    NOT NULL DEFAULT 'api' CHECK (origin IN ('api', 'calcom')),
    last_op    INTEGER NOT NULL DEFAULT 0 CHECK (last_op >= 0),
    updated_at INTEGER NOT NULL,
    FOREIGN KEY (tenant_id, booking_id) REFERENCES bookings(tenant_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE booking_steps (
    tenant_id       TEXT    NOT NULL,
    booking_id      TEXT    NOT NULL,
    op              INTEGER NOT NULL CHECK (op > 0),
    -- installation_id is '' for the webhook fan-out, which has no app; no
    -- foreign key, the installation may go away while its step waits.
    installation_id TEXT    NOT NULL DEFAULT '',
    step            TEXT    NOT NULL CHECK (step <> '' AND length(step) <= 200),
    stage           INTEGER NOT NULL CHECK (stage >= 0),
    -- held: waits for payment; planned: waits for its stage; queued: its job
    -- is in River; settled: done, failed for good or skipped.
    state           TEXT    NOT NULL CHECK (state IN ('held', 'planned', 'queued', 'settled')),
    replays         INTEGER NOT NULL DEFAULT 0 CHECK (replays >= 0),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (booking_id, op, installation_id, step),
    FOREIGN KEY (tenant_id, booking_id) REFERENCES bookings(tenant_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX booking_steps_tenant ON booking_steps(tenant_id, booking_id);

-- A Cal.com reissue keeps the iCalUID, so Cal.com webhooks find the booking
-- by it.
CREATE INDEX bookings_tenant_ical_uid ON bookings(tenant_id, ical_uid);

-- The secret a tenant's Cal.com signs its webhooks to /hooks/calcom/{tenant}
-- with, sealed by the vault.
CREATE TABLE calcom_hooks (
    tenant_id  TEXT    PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
    secret     BLOB    NOT NULL,
    key_id     TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
