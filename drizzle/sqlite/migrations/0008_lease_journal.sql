CREATE TABLE `lease_journal` (
	`id` integer PRIMARY KEY NOT NULL,
	`applied_seq` integer NOT NULL,
	CONSTRAINT "lease_journal_one_row" CHECK("lease_journal"."id" = 1)
);
