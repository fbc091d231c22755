/**
 * Runs the fake LLM server in its own process, for CLI end-to-end tests and the overhead bench.
 *
 *   node --import tsx test/fake-llm/cli.ts [script.json] [--port N] [--latency MS] [--no-log]
 *
 * Prints one JSON line to stdout, `{"url", "openaiBaseURL", "anthropicBaseURL"}`, once it
 * listens; runs until SIGINT/SIGTERM. Control endpoints (not counted as model requests):
 * GET /_fake/counts, GET /_fake/requests, POST /_fake/reset, POST /_fake/script (script JSON).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseScriptFile } from './script-file.js';
import { startFakeLlm } from './server.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string' },
    latency: { type: 'string' },
    'no-log': { type: 'boolean' },
  },
});

const file = positionals[0] ? (JSON.parse(readFileSync(positionals[0], 'utf8')) as unknown) : {};
const options = parseScriptFile(file);
if (values.port !== undefined) options.port = Number(values.port);
if (values.latency !== undefined) options.latencyMs = Number(values.latency);
if (values['no-log']) options.log = false;

const llm = await startFakeLlm(options);
process.stdout.write(
  `${JSON.stringify({ url: llm.url, openaiBaseURL: llm.openaiBaseURL, anthropicBaseURL: llm.anthropicBaseURL })}\n`,
);

const stop = () => {
  void llm.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
