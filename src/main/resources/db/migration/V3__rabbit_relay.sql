-- The RabbitMQ package queue (messagecenter.queue.type=rabbit) relays pending packages to the
-- broker. A pending package is "queued" once the broker confirmed a message for its current row
-- version (updated_at): every transition (claim, retry, release, lease expiry, revive) changes
-- updated_at, so a package that becomes pending again is relayed again without any other code
-- knowing about the broker. The embedded queue ignores both columns.
alter table packages
    add column queued_version timestamptz,
    add column queued_at      timestamptz;

-- the relay's work list: pending packages the broker has no message for yet
create index packages_unqueued_idx on packages (lane, next_attempt_at, id)
    where state = 'pending' and queued_version is distinct from updated_at;
