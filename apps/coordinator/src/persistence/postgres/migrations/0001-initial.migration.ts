/**
 * Migration 1 in the PostgreSQL dialect: the same tables, columns and constraints as sqlite/migrations/0001.
 * Epoch-millisecond times and byte counts are BIGINT (they pass 2^31); nested values are `json`, not `jsonb`, so
 * metrics come back with their keys in the order they were written, exactly as from SQLite's text. Ids compare
 * byte-wise (COLLATE "C") so `ORDER BY created_at, id` breaks ties the way SQLite does, whatever the server locale.
 */
export const sql = `
CREATE TABLE federations (
  id            TEXT COLLATE "C" PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  status        TEXT NOT NULL CHECK (status IN ('CREATED','RUNNING','PAUSED','COMPLETED','CANCELLED','FAILED')),
  config_json   JSON NOT NULL,
  created_at    BIGINT NOT NULL,
  started_at    BIGINT,
  ended_at      BIGINT,
  status_reason TEXT
);

CREATE TABLE sites (
  id           TEXT COLLATE "C" PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE,
  status       TEXT NOT NULL CHECK (status IN ('ACTIVE','REVOKED')),
  token_sha256 TEXT NOT NULL UNIQUE,
  created_at   BIGINT NOT NULL,
  revoked_at   BIGINT,
  last_seen_at BIGINT
);

CREATE TABLE model_versions (
  id            TEXT COLLATE "C" PRIMARY KEY,
  federation_id TEXT COLLATE "C" NOT NULL REFERENCES federations(id),
  round_index   INTEGER NOT NULL,
  sha256        TEXT NOT NULL,
  size_bytes    BIGINT NOT NULL,
  file          TEXT NOT NULL,
  metrics_json  JSON NOT NULL,
  created_at    BIGINT NOT NULL,
  UNIQUE (federation_id, round_index)
);

CREATE TABLE rounds (
  id                      TEXT COLLATE "C" PRIMARY KEY,
  federation_id           TEXT COLLATE "C" NOT NULL REFERENCES federations(id),
  round_index             INTEGER NOT NULL,
  status                  TEXT NOT NULL CHECK (status IN ('OPEN','AGGREGATING','COMPLETED','FAILED','CANCELLED')),
  base_model_version_id   TEXT COLLATE "C" NOT NULL REFERENCES model_versions(id),
  result_model_version_id TEXT COLLATE "C" REFERENCES model_versions(id),
  started_at              BIGINT NOT NULL,
  deadline_at             BIGINT NOT NULL,
  closed_at               BIGINT,
  ended_at                BIGINT,
  metrics_json            JSON NOT NULL,
  aggregation_json        JSON NOT NULL,
  failure_reason          TEXT,
  UNIQUE (federation_id, round_index)
);

CREATE TABLE participations (
  id               TEXT COLLATE "C" PRIMARY KEY,
  round_id         TEXT COLLATE "C" NOT NULL REFERENCES rounds(id),
  federation_id    TEXT COLLATE "C" NOT NULL REFERENCES federations(id),
  site_id          TEXT COLLATE "C" NOT NULL REFERENCES sites(id),
  status           TEXT NOT NULL CHECK (status IN ('ASSIGNED','ACCEPTED','REJECTED','FAILED','DROPPED')),
  assigned_at      BIGINT NOT NULL,
  updated_at       BIGINT NOT NULL,
  num_samples      BIGINT,
  metrics_json     JSON NOT NULL,
  rejection_reason TEXT,
  bytes_received   BIGINT NOT NULL DEFAULT 0,
  update_sha256    TEXT,
  update_file      TEXT,
  UNIQUE (round_id, site_id)
);

CREATE INDEX participations_site ON participations (site_id, status);
CREATE INDEX rounds_federation_status ON rounds (federation_id, status);
CREATE INDEX federations_status ON federations (status);
`;
