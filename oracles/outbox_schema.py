"""Tables of the oracle outbox (see outbox.py for the states)."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS changes (
    key TEXT PRIMARY KEY,            -- idempotency key (aeo_diff.change_key)
    member TEXT NOT NULL,
    operator TEXT NOT NULL,          -- 0x operator hash
    operator_id TEXT NOT NULL,       -- national id, for people; never sent on chain
    seq INTEGER NOT NULL,            -- order among the operator's changes of one derivation
    kind INTEGER NOT NULL,
    tier INTEGER NOT NULL,
    valid_from INTEGER NOT NULL,
    valid_until INTEGER NOT NULL,
    evidence BLOB NOT NULL,
    reason INTEGER NOT NULL,
    effective_at INTEGER NOT NULL,
    state TEXT NOT NULL,             -- pending, batched, done, superseded, dead
    batch_id TEXT,
    position INTEGER,
    solo INTEGER NOT NULL DEFAULT 0, -- batch alone (its last batch was refused)
    registry TEXT NOT NULL DEFAULT '', -- AeoRegistry version it goes to ('' before versions: version 1)
    detail TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS changes_by_state ON changes (member, state);
CREATE INDEX IF NOT EXISTS changes_by_batch ON changes (batch_id, position);
CREATE TABLE IF NOT EXISTS batches (
    id TEXT PRIMARY KEY,
    member TEXT NOT NULL,
    nonce TEXT NOT NULL,             -- hex uint256, from the change keys (outbox.batch_nonce)
    deadline INTEGER NOT NULL,
    state TEXT NOT NULL,             -- signing, ready, submitting, submitted, done, expired, failed
    size INTEGER NOT NULL,
    solo INTEGER NOT NULL DEFAULT 0,
    registry TEXT NOT NULL DEFAULT '', -- AeoRegistry version whose domain it is signed in
    tx_hash TEXT,
    submitter TEXT,
    error TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS batches_by_state ON batches (member, state);
CREATE TABLE IF NOT EXISTS signatures (
    batch_id TEXT NOT NULL,
    signer TEXT NOT NULL,
    signature BLOB NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (batch_id, signer)
);
CREATE TABLE IF NOT EXISTS dead_letters (
    key TEXT PRIMARY KEY,
    member TEXT NOT NULL,
    source TEXT NOT NULL,
    ref TEXT NOT NULL,
    operator_id TEXT,
    reason TEXT NOT NULL,
    raw TEXT NOT NULL,
    created_at REAL NOT NULL
);
"""

# Columns added since the first outbox: (table, column, declaration), added to an older outbox
# when it is opened.
ADDED_COLUMNS = (
    ("changes", "registry", "TEXT NOT NULL DEFAULT ''"),
    ("batches", "registry", "TEXT NOT NULL DEFAULT ''"),
)
