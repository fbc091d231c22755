// `node --import ./test/helpers/record-loads.mjs …` appends every module URL the program resolves
// to the file named by CONVOTEST_LOAD_LOG (one per line): what a command really loads.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import process from 'node:process';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) register(import.meta.url);

/** Module customization hook (runs on the loader thread). */
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const log = process.env.CONVOTEST_LOAD_LOG;
  if (log) appendFileSync(log, `${resolved.url}\n`);
  return resolved;
}
