#!/usr/bin/env node
// The CLI ships compiled and bundled (dist/cli-bundle/, built by `npm run build`, which `npm ci`
// runs through `prepare`; see scripts/bundle-cli.ts).
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

const argv = process.argv.slice(2);
// `convotest --version` answers without loading the command line parser and the commands.
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const { TOOL_VERSION } = await import('../dist/version.js');
  process.stdout.write(`${TOOL_VERSION}\n`);
} else {
  // A replay allocates fast but keeps little alive (results stream to disk: ~50 MB live at 20,000
  // cases). V8's default lets the heap grow to about 4× the live set between full collections;
  // 2.2× keeps that run's peak RSS lower at the same CPU per turn (bench/overhead.ts).
  setFlagsFromString('--heap-growing-percent=120');

  // The young generation: V8 grows it up to 2 × 16 MB semi-spaces, but what a replay allocates per
  // conversation dies within it at 2 × 4 MB as well (what survives is the conversations in flight),
  // and the larger one only costs memory: 1,000 cases peaked at ~110 MB instead of ~135 MB, at the
  // same or less CPU (bench/vs-promptfoo.ts). `--max-semi-space-size` is read only when the heap is
  // set up, so the growth is stopped instead once the new space has reached that size.
  const YOUNG_CAP_BYTES = 8 * 2 ** 20;
  const young = new PerformanceObserver(() => {
    const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    if (space && space.space_size >= YOUNG_CAP_BYTES) {
      setFlagsFromString('--semi-space-growth-factor=1');
      young.disconnect();
    }
  });
  young.observe({ entryTypes: ['gc'] });

  const { main } = await import('../dist/cli-bundle/main.js');
  process.exitCode = await main(argv);
}
