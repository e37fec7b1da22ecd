-- The relay marks a package queued before it publishes it, so that no row lock is held while the
-- broker confirms, and records the confirm afterwards. A mark without a confirm (the relay stopped
-- between the two, or the broker never answered) is published again once it is older than the
-- confirm timeout. Rows marked before this column existed were marked after their confirm.
alter table packages add column queued_confirmed boolean not null default true;

-- the relay's check for marks left without a confirm
create index packages_unconfirmed_idx on packages (lane, next_attempt_at, id)
    where state = 'pending' and not queued_confirmed;
