-- Recounting a message's reads and acknowledgements (stats/jdbc/JdbcCounterTruth, used by the
-- Redis counters when a message finishes) reads only that message's rows.
create index inbox_reads_message_idx on inbox_reads (message_id) include (read_at, acked_at);
