-- 002: app settings kept in the store (e.g. the local-mode signing secret for response links).
CREATE TABLE app_settings (
  key        text PRIMARY KEY,
  value      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
