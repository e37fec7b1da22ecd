-- Uploaded recipient lists (and the explicit list of a message, stored the same way).
create table audiences (
    id          uuid primary key,
    size        bigint      not null default 0,
    created_at  timestamptz not null default now()
);
create table audience_members (
    audience_id  uuid not null references audiences (id) on delete cascade,
    recipient_id text collate "C" not null,
    primary key (audience_id, recipient_id)
);

-- A message is also its own outbox record: once it is committed as SCHEDULED, the scheduler
-- finds it from this table, whatever happens to the process that accepted it.
create table messages (
    id              uuid primary key,
    title           text        not null,
    body            text        not null,
    category        text        not null,
    audience_type   text        not null check (audience_type in ('segment', 'list')),
    segment_kinds   text[]      not null default '{}',
    segment_cities  text[]      not null default '{}',
    segment_tags    text[]      not null default '{}',
    audience_id     uuid references audiences (id),
    channels        text[]      not null,
    pinned          boolean     not null default false,
    force_read      boolean     not null default false,
    valid_from      timestamptz,
    valid_until     timestamptz,
    send_at         timestamptz,
    lane            text        not null check (lane in ('bulk', 'direct')),
    status          text        not null,
    targeted        bigint      not null default 0,
    -- planning: the keyset position reached, so that a crash resumes where it stopped
    plan_city       text collate "C",
    plan_recipient  text collate "C",
    planned         boolean     not null default false,
    plan_owner      text,
    plan_lease_until timestamptz,
    packages_open   integer     not null default 0,
    packages_total  integer     not null default 0,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    published_at    timestamptz,
    finished_at     timestamptz,
    search          tsvector generated always as (
                        setweight(to_tsvector('simple', coalesce(title, '')), 'A') ||
                        setweight(to_tsvector('simple', coalesce(body, '')), 'B')) stored
);
-- the scheduler's work list: only messages that still need planning are in it
create index messages_due_idx on messages (lane, send_at) where status in ('SCHEDULED', 'SENDING') and not planned;
-- broadcasts a recipient may see, found by city (empty cities = every city)
create index messages_visible_cities_idx on messages using gin (segment_cities)
    where audience_type = 'segment' and status in ('SENDING', 'SENT');
create index messages_visible_all_cities_idx on messages (published_at)
    where audience_type = 'segment' and status in ('SENDING', 'SENT') and segment_cities = '{}';
-- search
create index messages_search_idx on messages using gin (search);
create index messages_created_idx on messages (created_at desc, id desc);
create index messages_status_created_idx on messages (status, created_at desc, id desc);
create index messages_cities_idx on messages using gin (segment_cities, segment_kinds);
create index messages_category_created_idx on messages (category, created_at desc, id desc);

create table idempotency_keys (
    api_key_id   uuid        not null,
    key          text        not null,
    request_hash bytea       not null,
    message_id   uuid        not null references messages (id),
    created_at   timestamptz not null default now(),
    primary key (api_key_id, key)
);
create index idempotency_keys_created_idx on idempotency_keys (created_at);

-- Units of delivery work: at most 500 recipients of one message on one channel.
create table packages (
    id              bigint generated always as identity primary key,
    message_id      uuid        not null references messages (id),
    channel         text        not null,
    lane            text        not null,
    seq             integer     not null,
    recipients      text[]      not null,
    state           text        not null default 'pending'
                        check (state in ('pending', 'dispatched', 'done', 'failed', 'canceled')),
    attempts        integer     not null default 0,
    next_attempt_at timestamptz not null default now(),
    lease_until     timestamptz,
    first_attempt_at timestamptz,
    delivered       integer     not null default 0,
    failed          integer     not null default 0,
    last_error      text,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    unique (message_id, channel, seq)
);
create index packages_ready_idx on packages (lane, next_attempt_at, id) where state = 'pending';
create index packages_leased_idx on packages (lane, lease_until) where state = 'dispatched';
create index packages_failed_idx on packages (updated_at desc, id desc) where state = 'failed';

-- Explicit (list) deliveries to the inbox; broadcasts are not fanned out here.
create table inbox_entries (
    recipient_id text collate "C" not null,
    message_id   uuid        not null references messages (id),
    delivered_at timestamptz not null default now(),
    primary key (recipient_id, message_id)
);

-- Per-recipient state that carries information: read and force-read acknowledgement.
create table inbox_reads (
    recipient_id text collate "C" not null,
    message_id   uuid        not null references messages (id),
    read_at      timestamptz,
    acked_at     timestamptz,
    primary key (recipient_id, message_id)
);

-- Push tokens the gateway reported invalid: never sent to again.
create table dead_push_tokens (
    token        text primary key,
    recipient_id text collate "C" not null,
    marked_at    timestamptz not null default now()
);

-- Sharded counters: concurrent increments spread over rows, the sum is exact.
create table message_counters (
    message_id  uuid     not null references messages (id),
    name        text     not null,
    shard       smallint not null,
    value       bigint   not null default 0,
    primary key (message_id, name, shard)
);

-- Lifecycle log of messages and their packages.
create table message_events (
    id          bigint generated always as identity primary key,
    message_id  uuid        not null references messages (id),
    package_id  bigint,
    type        text        not null,
    detail      text,
    at          timestamptz not null default now()
);
create index message_events_message_idx on message_events (message_id, id);
