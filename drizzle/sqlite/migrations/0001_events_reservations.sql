CREATE TABLE `events` (
	`revision` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`time` integer NOT NULL,
	`kind` text NOT NULL,
	`object_type` text NOT NULL,
	`object_id` text NOT NULL,
	`payload` text NOT NULL,
	CONSTRAINT "events_payload_json" CHECK(json_valid("events"."payload"))
);
--> statement-breakpoint
CREATE TABLE `reservations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subnet_id` text NOT NULL,
	`mac` text,
	`client_id` text,
	`ip` integer NOT NULL,
	`hostname` text,
	`source` text NOT NULL,
	CONSTRAINT "reservations_identity" CHECK("reservations"."mac" IS NOT NULL OR "reservations"."client_id" IS NOT NULL),
	CONSTRAINT "reservations_ip_uint32" CHECK("reservations"."ip" BETWEEN 0 AND 4294967295),
	CONSTRAINT "reservations_source_known" CHECK("reservations"."source" IN ('config', 'vm', 'api'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reservations_subnet_ip_uq` ON `reservations` (`subnet_id`,`ip`);--> statement-breakpoint
CREATE UNIQUE INDEX `reservations_subnet_mac_uq` ON `reservations` (`subnet_id`,`mac`);--> statement-breakpoint
CREATE UNIQUE INDEX `reservations_subnet_client_id_uq` ON `reservations` (`subnet_id`,`client_id`);