/** Migration 1: the initial schema. Kept as a TS module (not a .sql file) so the SWC build ships it in dist/. */
export const sql = `
CREATE TABLE federations (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  status        TEXT NOT NULL CHECK (status IN ('CREATED','RUNNING','PAUSED','COMPLETED','CANCELLED','FAILED')),
  config_json   TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  started_at    INTEGER,
  ended_at      INTEGER,
  status_reason TEXT
);

CREATE TABLE sites (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE,
  status       TEXT NOT NULL CHECK (status IN ('ACTIVE','REVOKED')),
  token_sha256 TEXT NOT NULL UNIQUE,
  created_at   INTEGER NOT NULL,
  revoked_at   INTEGER,
  last_seen_at INTEGER
);

CREATE TABLE model_versions (
  id            TEXT PRIMARY KEY,
  federation_id TEXT NOT NULL REFERENCES federations(id),
  round_index   INTEGER NOT NULL,
  sha256        TEXT NOT NULL,
  size_bytes    INTEGER NOT NULL,
  file          TEXT NOT NULL,
  metrics_json  TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  UNIQUE (federation_id, round_index)
);

CREATE TABLE rounds (
  id                      TEXT PRIMARY KEY,
  federation_id           TEXT NOT NULL REFERENCES federations(id),
  round_index             INTEGER NOT NULL,
  status                  TEXT NOT NULL CHECK (status IN ('OPEN','AGGREGATING','COMPLETED','FAILED','CANCELLED')),
  base_model_version_id   TEXT NOT NULL REFERENCES model_versions(id),
  result_model_version_id TEXT REFERENCES model_versions(id),
  started_at              INTEGER NOT NULL,
  deadline_at             INTEGER NOT NULL,
  closed_at               INTEGER,
  ended_at                INTEGER,
  metrics_json            TEXT NOT NULL,
  aggregation_json        TEXT NOT NULL,
  failure_reason          TEXT,
  UNIQUE (federation_id, round_index)
);

CREATE TABLE participations (
  id               TEXT PRIMARY KEY,
  round_id         TEXT NOT NULL REFERENCES rounds(id),
  federation_id    TEXT NOT NULL REFERENCES federations(id),
  site_id          TEXT NOT NULL REFERENCES sites(id),
  status           TEXT NOT NULL CHECK (status IN ('ASSIGNED','ACCEPTED','REJECTED','FAILED','DROPPED')),
  assigned_at      INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  num_samples      INTEGER,
  metrics_json     TEXT NOT NULL,
  rejection_reason TEXT,
  bytes_received   INTEGER NOT NULL DEFAULT 0,
  update_sha256    TEXT,
  update_file      TEXT,
  UNIQUE (round_id, site_id)
);

CREATE INDEX participations_site ON participations (site_id, status);
CREATE INDEX rounds_federation_status ON rounds (federation_id, status);
CREATE INDEX federations_status ON federations (status);
`;
