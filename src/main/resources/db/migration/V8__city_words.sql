-- A search by text and city walks the city's rows of message_cities newest first and joined every
-- row to its message to test the words: for a word in 2.5% of the messages that is about 2,000
-- messages read (mostly from outside shared buffers) to fill a page of 50. Each city row now carries
-- a 256-bit signature of its message's words (docs/search.md): two bits per word, taken from the
-- word's hashtext. A row whose signature lacks a bit of the searched words cannot match, so the walk
-- skips it in the index and joins only the rows that may match (about 75 instead of 2,000 for that
-- word); the join still tests the words themselves, so a signature never decides a match.
--
-- why hashtext: it is PostgreSQL's own hash of text, the one hash indexes and hash partitions store
-- on disk, so it does not change under a server upgrade; md5 of each word cost five times as much
-- (86 against 16 microseconds for a message of 25 words).
create function message_words_signature(words tsvector) returns bit(256)
    language sql immutable strict parallel safe as $$
    select coalesce(
        bit_or(set_bit(set_bit(repeat('0', 256)::bit(256), w.hash & 255, 1), (w.hash >> 8) & 255, 1)),
        repeat('0', 256)::bit(256))
    from (select hashtext(l.lexeme) as hash from unnest(tsvector_to_array(words)) as l (lexeme)) w
$$;

alter table message_cities add column words bit(256);

update message_cities c set words = message_words_signature(m.search)
from messages m
where m.id = c.message_id;

alter table message_cities alter column words set not null;

drop index message_cities_walk_idx;
create index message_cities_walk_idx on message_cities (city, created_at desc, message_id desc)
    include (status, words);

analyze message_cities;

create or replace function message_cities_inserted() returns trigger language plpgsql as $$
begin
    insert into message_cities (city, created_at, message_id, status, words)
    select c.city, n.created_at, n.id, n.status, n.words
    from (select created_at, id, status, segment_cities, message_words_signature(search) as words
          from new_messages where segment_cities <> '{}' offset 0) n
    cross join lateral unnest(n.segment_cities) as c (city)
    where c.city is not null
    on conflict do nothing;
    return null;
end
$$;

create or replace function message_cities_updated() returns trigger language plpgsql as $$
begin
    if (old.id, old.segment_cities, old.created_at) is distinct from (new.id, new.segment_cities, new.created_at) then
        delete from message_cities where message_id = old.id;
        insert into message_cities (city, created_at, message_id, status, words)
        select c.city, new.created_at, new.id, new.status, s.words
        from (select message_words_signature(new.search) as words) s, unnest(new.segment_cities) as c (city)
        where c.city is not null
        on conflict do nothing;
    elsif old.search is distinct from new.search then
        update message_cities set status = new.status, words = message_words_signature(new.search)
        where message_id = new.id;
    else
        update message_cities set status = new.status where message_id = new.id;
    end if;
    return null;
end
$$;

-- why: an edit of the title or body changes the words, hence the signature; the generated search
-- column cannot be named here, it changes only through them
drop trigger message_cities_updated on messages;
create trigger message_cities_updated after update of id, segment_cities, created_at, status, title, body on messages
    for each row
    when ((old.segment_cities <> '{}' or new.segment_cities <> '{}')
          and (old.id, old.segment_cities, old.created_at, old.status, old.search)
              is distinct from (new.id, new.segment_cities, new.created_at, new.status, new.search))
    execute function message_cities_updated();
