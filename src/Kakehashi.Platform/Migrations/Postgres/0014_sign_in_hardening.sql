-- Sign-in hardening (docs/security/attack-suite.md, cases 76 and 78).
-- The TOTP time step an account last signed in with: a code is accepted once, and never a code
-- of an earlier step (LoginEndpoints).
ALTER TABLE security_accounts ADD COLUMN totp_last_step BIGINT;

-- When an account or client was last re-enabled (microseconds since the Unix epoch, UTC):
-- tokens issued before it stay refused, so re-enabling never revives a token from before the
-- disable (SecurityStore.IsActiveAsync).
ALTER TABLE security_accounts ADD COLUMN tokens_valid_after BIGINT;
ALTER TABLE security_clients ADD COLUMN tokens_valid_after BIGINT;
