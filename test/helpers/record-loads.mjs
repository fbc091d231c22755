// `node --import ./test/helpers/record-loads.mjs …` appends every module URL the program resolves
// to the file named by CONVOTEST_LOAD_LOG (one per line): what a command really loads. CommonJS
// modules loaded with require() (which the ES module hook does not see) are appended at exit.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  register(import.meta.url);
  process.on('exit', () => {
    const log = process.env.CONVOTEST_LOAD_LOG;
    const required = Object.keys(createRequire(import.meta.url).cache).map((file) => pathToFileURL(file).href);
    if (log && required.length > 0) appendFileSync(log, `${required.join('\n')}\n`);
  });
}

/** Module customization hook (runs on the loader thread). */
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const log = process.env.CONVOTEST_LOAD_LOG;
  if (log) appendFileSync(log, `${resolved.url}\n`);
  return resolved;
}
