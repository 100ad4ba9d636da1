CREATE TABLE `event_log_floor` (
	`id` integer PRIMARY KEY NOT NULL,
	`revision` integer NOT NULL,
	CONSTRAINT "event_log_floor_one_row" CHECK("event_log_floor"."id" = 1),
	CONSTRAINT "event_log_floor_revision" CHECK("event_log_floor"."revision" >= 0)
);
--> statement-breakpoint
INSERT INTO `event_log_floor` (`id`, `revision`) SELECT 1, COALESCE((SELECT `seq` FROM `sqlite_sequence` WHERE `name` = 'events'), 0);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_events` (
	`revision` integer PRIMARY KEY NOT NULL,
	`time` integer NOT NULL,
	`kind` text NOT NULL,
	`object_type` text NOT NULL,
	`object_id` text NOT NULL,
	`payload` text NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_events`("revision", "time", "kind", "object_type", "object_id", "payload") SELECT "revision", "time", "kind", "object_type", "object_id", "payload" FROM `events`;--> statement-breakpoint
DROP TABLE `events`;--> statement-breakpoint
ALTER TABLE `__new_events` RENAME TO `events`;--> statement-breakpoint
PRAGMA foreign_keys=ON;