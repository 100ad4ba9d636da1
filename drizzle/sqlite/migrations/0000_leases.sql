CREATE TABLE `leases` (
	`address` integer PRIMARY KEY NOT NULL,
	`subnet_id` text NOT NULL,
	`client_key` text NOT NULL,
	`hw_address` text NOT NULL,
	`client_id` text,
	`hostname` text,
	`fqdn` text,
	`state` text NOT NULL,
	`starts_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	CONSTRAINT "leases_address_uint32" CHECK("leases"."address" BETWEEN 0 AND 4294967295),
	CONSTRAINT "leases_state_known" CHECK("leases"."state" IN ('active', 'released', 'expired', 'declined'))
);
--> statement-breakpoint
CREATE INDEX `leases_client_key_idx` ON `leases` (`client_key`);--> statement-breakpoint
CREATE INDEX `leases_expires_at_idx` ON `leases` (`expires_at`);