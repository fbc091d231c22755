#!/usr/bin/env node
// The CLI ships compiled and bundled (dist/cli-bundle/, built by `npm run build`, which `npm ci`
// runs through `prepare`; see scripts/bundle-cli.ts).
import { setFlagsFromString } from 'node:v8';

const argv = process.argv.slice(2);
// `convotest --version` answers without loading the command line parser and the commands.
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const { TOOL_VERSION } = await import('../dist/version.js');
  process.stdout.write(`${TOOL_VERSION}\n`);
} else {
  // A replay allocates fast but keeps little alive (results stream to disk: ~50 MB live at 20,000
  // cases). V8's default lets the heap grow to about 4× the live set between full collections;
  // 2.5× keeps that run's peak RSS at ~240 MB instead of ~285 MB, at the same CPU per turn
  // (bench/overhead.ts; 2× saved more memory but cost CPU on short runs).
  setFlagsFromString('--heap-growing-percent=120');

  const { main } = await import('../dist/cli-bundle/main.js');
  process.exitCode = await main(argv);
}
