/**
 * Bundles the compiled CLI (dist/cli/main.js, written by `tsc -p tsconfig.build.json`) with its
 * dependencies into dist/cli-bundle/: one entry plus chunks, split at every dynamic import, so a
 * command still loads only what it uses (the SDKs, the HTML report, the review server...).
 * `bin/convotest.js` runs it. Why: Node 20 spends most of a short command's start-up resolving,
 * reading and linking modules one by one (about 200 of convotest's and several hundred of its
 * dependencies', some CommonJS scanned by the CJS lexer), and has no compile cache to reuse.
 *
 * Packages that load files of their own at run time (native addons, optional requires, a
 * transpiler that loads its own parts) stay external and load from node_modules as before.
 *
 *   npm run build        # tsc, then this script
 */
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist/cli-bundle');

const EXTERNAL = [
  '@duckdb/node-api', // native addon
  'pg', // optional require of pg-native
  'pg-copy-streams',
  'jiti', // loads its own transpiler files at run time
  'nunjucks', // optional require of chokidar
];

await rm(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { main: 'dist/cli/main.js' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  // Functions and classes keep their names (error names end up in run records), and identifiers
  // are not renamed, so `--debug` stack traces stay readable; whitespace and syntax are minified
  // (4.6 MB of chunks → 3.2 MB: less source to read, decode and keep in memory, ~2 MB less RSS).
  keepNames: true,
  minifyWhitespace: true,
  minifySyntax: true,
  // CommonJS dependencies inside an ES module bundle need a `require`.
  banner: { js: "import { createRequire as __convotestRequire } from 'node:module'; const require = __convotestRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});

// The `yaml` package as one CommonJS file beside the chunks: src/io/yaml-source.ts requires it
// synchronously the first time a text needs it (a tag, an anchor, a problem to place), so most
// commands never compile it. From node_modules it would be some 70 files to resolve and read.
await build({
  absWorkingDir: root,
  stdin: { contents: "module.exports = require('yaml');", resolveDir: root, loader: 'js' },
  outfile: path.join(outdir, 'yaml.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  legalComments: 'none',
  logLevel: 'warning',
});
