-- Search by city, newest first (docs/search.md). segment_cities is an array, so no b-tree on
-- messages can list one city's messages in (created_at desc, id desc) order; this side table can:
-- one row per city a message names, with the message's created_at copied so that a walk of the
-- index is in page order and stops after a page. The status is copied too, so that a status filter
-- skips rows in the index instead of fetching each message (city + FAILED: 2.5 ms instead of 22 ms
-- at the median over 1,000,000 messages); the price is one row update per city on each status change.
--
-- Messages to every city (segment_cities = '{}') and list audiences have no rows: the city filter
-- has always been segment_cities @> array[city], which never matches an empty array, and it keeps
-- that meaning.
create table message_cities (
    city        text collate "C" not null,
    created_at  timestamptz not null,
    message_id  uuid        not null,
    status      text        not null,
    primary key (message_id, city)
);

insert into message_cities (city, created_at, message_id, status)
select c.city, m.created_at, m.id, m.status
from messages m cross join lateral unnest(m.segment_cities) as c (city)
where c.city is not null
on conflict do nothing;

create index message_cities_walk_idx on message_cities (city, created_at desc, message_id desc) include (status);

-- why: the planner weighs this walk against the text index by the city's row count; without
-- statistics it would guess until autovacuum first gets to the new table
analyze message_cities;

-- why: a search page stops after at most 200 matches; starting a parallel worker for the walk costs
-- more than the walk itself (tens of milliseconds measured against a few)
alter table message_cities set (parallel_workers = 0);

-- Triggers keep the rows exact for every writer of messages: the API, the planner's status
-- changes, the benchmark's SQL load. Messages are inserted in bulk by SQL too, hence one statement
-- per insert statement. An update touches the rows only when the cities, the creation time or the
-- status changed, and only for messages that name cities: the planner's progress updates and every
-- change to a list or all-cities message leave this table alone.
create function message_cities_inserted() returns trigger language plpgsql as $$
begin
    insert into message_cities (city, created_at, message_id, status)
    select c.city, n.created_at, n.id, n.status
    from new_messages n cross join lateral unnest(n.segment_cities) as c (city)
    where c.city is not null
    on conflict do nothing;
    return null;
end
$$;

create function message_cities_updated() returns trigger language plpgsql as $$
begin
    if (old.id, old.segment_cities, old.created_at) is distinct from (new.id, new.segment_cities, new.created_at) then
        delete from message_cities where message_id = old.id;
        insert into message_cities (city, created_at, message_id, status)
        select c.city, new.created_at, new.id, new.status
        from unnest(new.segment_cities) as c (city)
        where c.city is not null
        on conflict do nothing;
    else
        update message_cities set status = new.status where message_id = new.id;
    end if;
    return null;
end
$$;

create function message_cities_deleted() returns trigger language plpgsql as $$
begin
    delete from message_cities c using old_messages o where c.message_id = o.id;
    return null;
end
$$;

create trigger message_cities_inserted after insert on messages
    referencing new table as new_messages
    for each statement execute function message_cities_inserted();

create trigger message_cities_updated after update of id, segment_cities, created_at, status on messages
    for each row
    when ((old.segment_cities <> '{}' or new.segment_cities <> '{}')
          and (old.id, old.segment_cities, old.created_at, old.status)
              is distinct from (new.id, new.segment_cities, new.created_at, new.status))
    execute function message_cities_updated();

create trigger message_cities_deleted after delete on messages
    referencing old table as old_messages
    for each statement execute function message_cities_deleted();
