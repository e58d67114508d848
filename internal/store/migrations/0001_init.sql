-- Slotbox schema v1. Times are INTEGER Unix milliseconds (UTC); JSON columns
-- are TEXT checked with json_valid; ids of API-visible rows are random text.
-- Tenant-owned children carry tenant_id and reference their parent by
-- (tenant_id, id), so the database itself refuses a row that points into
-- another tenant.

CREATE TABLE tenants (
    id         TEXT    PRIMARY KEY,
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE api_keys (
    id         TEXT    PRIMARY KEY,
    tenant_id  TEXT    NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name       TEXT    NOT NULL DEFAULT '',
    prefix     TEXT    NOT NULL UNIQUE,  -- public part of the key, for lookup
    hash       BLOB    NOT NULL,         -- SHA-256 of the whole key
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX api_keys_tenant ON api_keys(tenant_id, id);

CREATE TABLE apps (
    id                 TEXT    PRIMARY KEY,
    slug               TEXT    NOT NULL UNIQUE,
    name               TEXT    NOT NULL,
    category           TEXT    NOT NULL,
    enabled            INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
    first_party        INTEGER NOT NULL DEFAULT 0 CHECK (first_party IN (0, 1)),
    current_version_id TEXT    REFERENCES app_versions(id) ON DELETE SET NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
) STRICT;

CREATE TABLE app_versions (
    id         TEXT    PRIMARY KEY,
    app_id     TEXT    NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    version    INTEGER NOT NULL CHECK (version > 0),
    sha256     TEXT    NOT NULL CHECK (length(sha256) = 64),
    manifest   TEXT    NOT NULL CHECK (json_valid(manifest)),
    wasm       BLOB    NOT NULL,
    size       INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (app_id, version),
    UNIQUE (app_id, sha256),
    UNIQUE (app_id, id)
) STRICT;
CREATE INDEX apps_current_version ON apps(current_version_id);

CREATE TABLE installations (
    id                TEXT    PRIMARY KEY,
    tenant_id         TEXT    NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    app_id            TEXT    NOT NULL REFERENCES apps(id),
    app_version_id    TEXT,   -- NULL follows the app's current version
    name              TEXT    NOT NULL,
    status            TEXT    NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'invalid')),
    status_reason     TEXT    NOT NULL DEFAULT '',
    status_changed_at INTEGER,
    credential        BLOB,   -- sealed by the vault; never plaintext
    key_id            TEXT    NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (app_id, app_version_id) REFERENCES app_versions(app_id, id)
) STRICT;
CREATE INDEX installations_app ON installations(app_id, app_version_id);

CREATE TABLE event_type_settings (
    tenant_id       TEXT    NOT NULL,
    event_type_id   TEXT    NOT NULL,
    installation_id TEXT    NOT NULL,
    enabled         INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    app_data        TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(app_data)),
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, event_type_id, installation_id),
    FOREIGN KEY (tenant_id, installation_id) REFERENCES installations(tenant_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX event_type_settings_installation ON event_type_settings(tenant_id, installation_id);

CREATE TABLE bookings (
    id             TEXT    PRIMARY KEY,
    tenant_id      TEXT    NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    uid            TEXT    NOT NULL,
    event_type_id  TEXT    NOT NULL DEFAULT '',
    status         TEXT    NOT NULL,
    event          TEXT    NOT NULL CHECK (json_valid(event)),
    start_time     INTEGER NOT NULL,
    end_time       INTEGER NOT NULL CHECK (end_time >= start_time),
    ical_uid       TEXT    NOT NULL DEFAULT '',
    ical_sequence  INTEGER NOT NULL DEFAULT 0,
    price          INTEGER NOT NULL DEFAULT 0 CHECK (price >= 0),
    currency       TEXT    NOT NULL DEFAULT '',
    payment_option TEXT    NOT NULL DEFAULT '',
    paid           INTEGER NOT NULL DEFAULT 0 CHECK (paid IN (0, 1)),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (tenant_id, uid),
    UNIQUE (tenant_id, id)
) STRICT;
CREATE INDEX bookings_tenant_start ON bookings(tenant_id, start_time);
CREATE INDEX bookings_tenant_end ON bookings(tenant_id, end_time);
CREATE INDEX bookings_tenant_event_type ON bookings(tenant_id, event_type_id, id);

CREATE TABLE booking_references (
    id                   INTEGER PRIMARY KEY,
    tenant_id            TEXT    NOT NULL,
    booking_id           TEXT    NOT NULL,
    -- SET NULL: the external event outlives the installation that made it.
    -- Same-tenant is checked by the insert (a composite key cannot SET NULL).
    installation_id      TEXT    REFERENCES installations(id) ON DELETE SET NULL,
    type                 TEXT    NOT NULL CHECK (type <> ''),
    uid                  TEXT    NOT NULL DEFAULT '',
    meeting_id           TEXT    NOT NULL DEFAULT '',
    meeting_password     TEXT    NOT NULL DEFAULT '',
    meeting_url          TEXT    NOT NULL DEFAULT '',
    external_calendar_id TEXT    NOT NULL DEFAULT '',
    credential_id        TEXT    NOT NULL DEFAULT '',
    deleted              INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    FOREIGN KEY (tenant_id, booking_id) REFERENCES bookings(tenant_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX booking_references_booking ON booking_references(tenant_id, booking_id);
CREATE INDEX booking_references_installation ON booking_references(installation_id);
-- One live reference per booking, installation and type: a retried hook
-- updates it instead of adding a second.
CREATE UNIQUE INDEX booking_references_live ON booking_references(booking_id, installation_id, type) WHERE deleted = 0;

CREATE TABLE booking_app_status (
    id              INTEGER PRIMARY KEY,
    tenant_id       TEXT    NOT NULL,
    booking_id      TEXT    NOT NULL,
    installation_id TEXT    NOT NULL,
    step            TEXT    NOT NULL CHECK (step <> ''),
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'success', 'error', 'dead')),
    error_code      TEXT    NOT NULL DEFAULT '',
    error_message   TEXT    NOT NULL DEFAULT '',
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    updated_at      INTEGER NOT NULL,
    UNIQUE (booking_id, installation_id, step),
    FOREIGN KEY (tenant_id, booking_id) REFERENCES bookings(tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, installation_id) REFERENCES installations(tenant_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX booking_app_status_tenant_status ON booking_app_status(tenant_id, status, id);
CREATE INDEX booking_app_status_installation ON booking_app_status(tenant_id, installation_id);

CREATE TABLE payments (
    id              TEXT    PRIMARY KEY,
    tenant_id       TEXT    NOT NULL,
    booking_id      TEXT    NOT NULL,
    installation_id TEXT    REFERENCES installations(id) ON DELETE SET NULL,
    external_id     TEXT    NOT NULL DEFAULT '',
    amount          INTEGER NOT NULL CHECK (amount >= 0),
    currency        TEXT    NOT NULL,
    payment_option  TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL,
    data            TEXT    CHECK (data IS NULL OR json_valid(data)),
    paid_at         INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, booking_id) REFERENCES bookings(tenant_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX payments_booking ON payments(tenant_id, booking_id);
CREATE UNIQUE INDEX payments_external ON payments(installation_id, external_id) WHERE external_id <> '';

CREATE TABLE inbound_events (
    installation_id   TEXT    NOT NULL REFERENCES installations(id) ON DELETE CASCADE,
    provider_event_id TEXT    NOT NULL,
    received_at       INTEGER NOT NULL,
    PRIMARY KEY (installation_id, provider_event_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX inbound_events_received ON inbound_events(received_at);

CREATE TABLE call_records (
    id              INTEGER PRIMARY KEY,
    tenant_id       TEXT    NOT NULL,
    installation_id TEXT    NOT NULL,
    app_version_id  TEXT    NOT NULL DEFAULT '',  -- history: no foreign key
    method          TEXT    NOT NULL,
    outcome         TEXT    NOT NULL,              -- "ok" or an error code
    message         TEXT    NOT NULL DEFAULT '',
    duration_us     INTEGER NOT NULL CHECK (duration_us >= 0),
    fuel_used       INTEGER NOT NULL DEFAULT 0,
    log             TEXT    CHECK (log IS NULL OR json_valid(log)),
    created_at      INTEGER NOT NULL,
    FOREIGN KEY (tenant_id, installation_id) REFERENCES installations(tenant_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX call_records_tenant ON call_records(tenant_id, id);
CREATE INDEX call_records_installation ON call_records(tenant_id, installation_id, id);
CREATE INDEX call_records_created ON call_records(created_at);

CREATE TABLE webhooks (
    id             TEXT    PRIMARY KEY,
    tenant_id      TEXT    NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    subscriber_url TEXT    NOT NULL CHECK (subscriber_url <> ''),
    secret         BLOB,   -- sealed; NULL when the subscriber set none
    key_id         TEXT    NOT NULL DEFAULT '',
    event_triggers TEXT    NOT NULL CHECK (json_valid(event_triggers) AND json_type(event_triggers) = 'array'),
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (tenant_id, id)
) STRICT;

CREATE TABLE webhook_deliveries (
    id              TEXT    PRIMARY KEY,
    tenant_id       TEXT    NOT NULL,
    webhook_id      TEXT    NOT NULL,
    trigger_event   TEXT    NOT NULL,
    payload         BLOB    NOT NULL,  -- the exact body that is signed
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'success', 'error', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    response_status INTEGER NOT NULL DEFAULT 0,
    error           TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    delivered_at    INTEGER,
    FOREIGN KEY (tenant_id, webhook_id) REFERENCES webhooks(tenant_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries(tenant_id, webhook_id, id);
CREATE INDEX webhook_deliveries_created ON webhook_deliveries(created_at);

CREATE TABLE kv (
    installation_id TEXT    NOT NULL REFERENCES installations(id) ON DELETE CASCADE,
    key             TEXT    NOT NULL,
    value           BLOB    NOT NULL,
    expires_at      INTEGER,  -- NULL never expires
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (installation_id, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX kv_expires ON kv(expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    at              INTEGER NOT NULL,
    tenant_id       TEXT    REFERENCES tenants(id) ON DELETE CASCADE,  -- NULL: operator-level
    actor           TEXT    NOT NULL,
    action          TEXT    NOT NULL,
    installation_id TEXT    NOT NULL DEFAULT '',  -- history: no foreign key
    detail          TEXT    CHECK (detail IS NULL OR json_valid(detail))
) STRICT;
CREATE INDEX audit_log_tenant ON audit_log(tenant_id, id);
CREATE INDEX audit_log_at ON audit_log(at);
