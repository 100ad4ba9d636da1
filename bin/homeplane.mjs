#!/usr/bin/env node
// The `homeplane` command. It runs the daemon in this very process (no child to relay signals
// to): tsx's loader is registered, then the TypeScript entry point is imported.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../server/cli.ts');
process.exitCode = await main(process.argv.slice(2));
