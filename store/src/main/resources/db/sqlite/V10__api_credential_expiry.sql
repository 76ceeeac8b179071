-- Local API tokens may expire (token create --expires-in): a credential past expires_at is refused
-- like a revoked one. NULL = no expiry (the bootstrap admin token, and tokens issued without one).
-- Microseconds since the epoch, as every time in this schema.
ALTER TABLE api_credential ADD COLUMN expires_at BIGINT;
