-- why: V8 is applied as released and must keep its checksum; this replaces only its update
-- trigger function, so that a city row's status and word signature are written by one update
-- (the signature recomputed only when the message's words changed)
create or replace function message_cities_updated() returns trigger language plpgsql as $$
begin
    if (old.id, old.segment_cities, old.created_at) is distinct from (new.id, new.segment_cities, new.created_at) then
        delete from message_cities where message_id = old.id;
        insert into message_cities (city, created_at, message_id, status, words)
        select c.city, new.created_at, new.id, new.status, s.words
        from (select message_words_signature(new.search) as words) s, unnest(new.segment_cities) as c (city)
        where c.city is not null
        on conflict do nothing;
    else
        update message_cities
        set status = new.status,
            words = case when old.search is distinct from new.search
                         then message_words_signature(new.search) else words end
        where message_id = new.id;
    end if;
    return null;
end
$$;
