ALTER TABLE `reservations` ADD `options` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `reservations` ADD `next_server` integer;--> statement-breakpoint
ALTER TABLE `reservations` ADD `boot_file` text;--> statement-breakpoint
ALTER TABLE `reservations` ADD `server_hostname` text;