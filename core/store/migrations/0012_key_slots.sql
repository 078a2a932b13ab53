-- Cabas schema, version 12: the key ring of encryption at rest (docs/encryption.md). Binary values are base64
-- text. Nothing here is secret without a password or the recovery key.

-- One row: the database's identity and public keys.
CREATE TABLE key_ring (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    format INTEGER NOT NULL,
    database_id TEXT NOT NULL,
    root_public_key TEXT NOT NULL,
    data_key_check TEXT NOT NULL,
    health_key_check TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- One slot per user, and the recovery slot (user_id null).
CREATE TABLE key_slot (
    id @PK@,
    kind TEXT NOT NULL CHECK (kind IN ('user', 'recovery')),
    user_id BIGINT REFERENCES app_user (id),
    role TEXT NOT NULL,
    kdf_salt TEXT NOT NULL,
    kdf_ops BIGINT NOT NULL,
    kdf_mem BIGINT NOT NULL,
    public_key TEXT NOT NULL,
    wrapped TEXT NOT NULL,
    certificate TEXT NOT NULL,
    health_sealed TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    CHECK ((kind = 'recovery' AND user_id IS NULL) OR (kind = 'user' AND user_id IS NOT NULL))
);
CREATE UNIQUE INDEX key_slot_user_idx ON key_slot (user_id);
CREATE UNIQUE INDEX key_slot_recovery_idx ON key_slot (kind) WHERE kind = 'recovery';
