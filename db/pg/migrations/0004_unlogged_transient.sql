-- Request counts and large messages between nodes live for an hour and a minute: they are not worth a WAL write and
-- its flush at every commit (two per ingested question at 200 a second, against a disk that flushes ~500 times a
-- second). An unlogged table is emptied after a crash, which starts the counts again and drops messages that the
-- nodes' resync after a reconnect covers.
ALTER TABLE "rate_limits" SET UNLOGGED;--> statement-breakpoint
ALTER TABLE "cluster_messages" SET UNLOGGED;
