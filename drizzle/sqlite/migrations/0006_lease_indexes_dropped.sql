DROP INDEX `leases_client_key_idx`;--> statement-breakpoint
DROP INDEX `leases_expires_at_idx`;