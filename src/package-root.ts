import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of convotest's own package.json: the nearest one above this module, which is
 * `src/package-root.ts` from source, `dist/package-root.js` compiled, or a chunk under
 * `dist/cli-bundle/` in the bundled CLI. Files shipped with the package (graders/, package.json,
 * dist/interop/) are found from here, whatever the depth of the module that asks.
 */
export const PACKAGE_ROOT: string = nearestPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

function nearestPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`convotest's package.json was not found above ${from}`);
  }
}
