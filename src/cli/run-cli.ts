import { main } from './main.js';

// Entry used by tests (`node --import tsx src/cli/run-cli.ts ...`) and by `npm run` scripts from source.
process.exitCode = await main(process.argv.slice(2));
