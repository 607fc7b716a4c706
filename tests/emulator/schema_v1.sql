-- The tables of database schema version 1 (the emulator before the Webex and Teams
-- services were separated), verbatim: test_emu_schema_upgrade.py builds an old file from it.
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS csps (
    seq INTEGER PRIMARY KEY,
    csp_id TEXT NOT NULL UNIQUE,
    parent_csp_id TEXT NOT NULL,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    carrier TEXT, house_number TEXT, street_name TEXT, city TEXT, state_code TEXT,
    zip TEXT, country TEXT, location_id TEXT, sub_account_id TEXT,
    authorizing_person_name TEXT,
    product_name TEXT NOT NULL, favicon TEXT NOT NULL, logo TEXT NOT NULL,
    color TEXT NOT NULL,
    created_date INTEGER NOT NULL,
    update_date INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS enterprises (
    seq INTEGER PRIMARY KEY,
    enterprise_id TEXT NOT NULL UNIQUE,
    csp_id TEXT NOT NULL,
    name TEXT NOT NULL,
    contact TEXT NOT NULL,
    phone_number TEXT NOT NULL,
    email TEXT NOT NULL,
    default_mms_selection INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    created_date INTEGER NOT NULL,
    update_date INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS enterprises_csp ON enterprises (csp_id, seq);
CREATE INDEX IF NOT EXISTS enterprises_phone ON enterprises (phone_number);
CREATE TABLE IF NOT EXISTS mappings (
    seq INTEGER PRIMARY KEY,
    mapping_id TEXT NOT NULL UNIQUE,
    enterprise_id TEXT NOT NULL,
    csp_id TEXT NOT NULL,
    phone_number TEXT NOT NULL UNIQUE,
    messaging_app_type TEXT NOT NULL,
    messaging_app_id TEXT NOT NULL,
    mms_enabled INTEGER NOT NULL,
    name TEXT,
    created_date INTEGER NOT NULL,
    update_date INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS mappings_enterprise ON mappings (enterprise_id, seq);
CREATE INDEX IF NOT EXISTS mappings_csp ON mappings (csp_id, seq);
CREATE INDEX IF NOT EXISTS mappings_app ON mappings (messaging_app_id, seq);
CREATE TABLE IF NOT EXISTS idempotency_keys (
    username TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    content_type TEXT,
    body BLOB NOT NULL,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (username, method, path, key)
);
CREATE INDEX IF NOT EXISTS idempotency_created ON idempotency_keys (created_ms);
CREATE TABLE IF NOT EXISTS stripe_events (
    event_id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    received_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS subscriptions (
    email TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    subscription_id TEXT,
    update_date INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS webhooks (
    seq INTEGER PRIMARY KEY,
    webhook_id TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    enterprise_id TEXT,
    csp_id TEXT,
    active INTEGER NOT NULL,
    created_date INTEGER NOT NULL,
    verified_date INTEGER,
    verification_status INTEGER,
    verification_error TEXT,
    scope TEXT NOT NULL,
    UNIQUE (url, scope)
);
CREATE TABLE IF NOT EXISTS inbound_messages (
    seq INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    to_number TEXT NOT NULL,
    from_number TEXT NOT NULL,
    text TEXT NOT NULL,
    media TEXT NOT NULL,
    received_date INTEGER NOT NULL,
    mapping_id TEXT,
    enterprise_id TEXT,
    messaging_app_type TEXT,
    media_forwarded INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
    seq INTEGER PRIMARY KEY,
    delivery_id TEXT NOT NULL UNIQUE,
    webhook_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    url TEXT NOT NULL,
    event TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_date INTEGER,
    created_date INTEGER NOT NULL,
    update_date INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_status ON deliveries (status, seq);
CREATE TABLE IF NOT EXISTS delivery_attempts (
    delivery_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    started_date INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    status_code INTEGER,
    error TEXT,
    PRIMARY KEY (delivery_id, attempt)
);
