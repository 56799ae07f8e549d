-- A copied database must not sync with the production Xero organisations.
UPDATE xero_authorization
   SET access_token = NULL, refresh_token = NULL, expires_at = 0, state = 'expired',
       state_reason = 'neutralized database';
UPDATE xero_connection SET sync_enabled = false;
UPDATE ir_cron SET active = false WHERE xero_connection_id IS NOT NULL;
