CREATE TABLE `hosts` (
	`id` text PRIMARY KEY NOT NULL,
	`facts` text NOT NULL,
	CONSTRAINT "hosts_facts_json" CHECK(json_valid("hosts"."facts"))
);
--> statement-breakpoint
CREATE TABLE `vms` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`vcpus` integer NOT NULL,
	`memory_mib` integer NOT NULL,
	`disk_gib` integer NOT NULL,
	`mac` text NOT NULL,
	`bridge` text NOT NULL,
	`boot` text NOT NULL,
	`autostart` integer NOT NULL,
	`host_id` text NOT NULL,
	`state` text NOT NULL,
	`state_reason` text NOT NULL,
	`desired_state` text NOT NULL,
	`address` integer,
	`created_at` integer NOT NULL,
	CONSTRAINT "vms_state_known" CHECK("vms"."state" IN ('stopped', 'starting', 'running', 'paused', 'stopping', 'crashed')),
	CONSTRAINT "vms_desired_state_known" CHECK("vms"."desired_state" IN ('stopped', 'running')),
	CONSTRAINT "vms_boot_json" CHECK(json_valid("vms"."boot"))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vms_name_uq` ON `vms` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `vms_mac_uq` ON `vms` (`mac`);