// `npm run proto:generate`: lint the contract, then regenerate proto/gen/ from it.
import { relative } from 'node:path';
import { BufError, generateStubs, lintContract, protoPaths } from './buf.ts';

try {
  lintContract();
  generateStubs(protoPaths.protoDir);
  console.log(`proto: lint clean; stubs written to ${relative(process.cwd(), protoPaths.genDir) || '.'}`);
} catch (err) {
  if (!(err instanceof BufError)) throw err;
  console.error(err.message);
  console.error('proto: fix the .proto files (`npx buf format -w proto` fixes layout), then run again.');
  process.exitCode = 1;
}
