-- The planners take due messages in (send_at, id) order, a batch at a time. With the index on
-- (lane, send_at) alone every planning transaction sorted all due messages of its lane before it
-- could lock the first hundred, so a backlog of direct sends made each batch slower than the last.
-- With id in the index the batch is read in order and the scan stops at the batch's end.
drop index messages_due_idx;
create index messages_due_idx on messages (lane, send_at, id)
    where status in ('SCHEDULED', 'SENDING') and not planned;
