-- Recipient directory. Ids are the platform's own external ids.
create table recipients (
    id          text collate "C" primary key,
    kind        text collate "C" not null,
    city        text collate "C" not null,
    tags        text[]      not null default '{}',
    locale      text,
    channels    jsonb       not null default '{}'::jsonb,
    active      boolean     not null default true,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);

-- Keyset pages of a segment walk (city, id); kind and tags are filtered from the index itself,
-- so a page costs the same at the millionth row as at the first.
create index recipients_segment_idx on recipients (city, id) include (kind, tags) where active;

-- Operator and service API keys. Only a SHA-256 of the key is stored: keys are 256-bit random
-- values, so a slow password hash would add latency to every request without adding safety.
create table api_keys (
    id          uuid primary key,
    name        text        not null,
    key_hash    bytea       not null unique,
    scopes      text[]      not null,
    created_at  timestamptz not null default now(),
    revoked_at  timestamptz
);

-- Small key/value settings the service generates once and shares between instances
-- (the receiver token secret when none is configured).
create table settings (
    name        text primary key,
    value       text        not null,
    created_at  timestamptz not null default now()
);
