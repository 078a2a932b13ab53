-- Cabas schema, version 16: a password set by someone else (an administrator's reset or new account, the
-- temporary passwords of a sealing) must be changed by its user at the next login (docs/encryption.md).
-- Set with the hash by an administrator, cleared when the user changes their own password.
ALTER TABLE app_user ADD COLUMN password_must_change BOOLEAN NOT NULL DEFAULT FALSE;
