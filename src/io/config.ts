import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { decodeUtf8 } from './utf8.js';
import { dirname, resolve } from 'node:path';
import { ConvotestError, InputError } from '../errors.js';
import { type Config, type ConfigInput, ConfigSchema } from '../schema/config.js';
import { findSecret } from './secrets.js';
import { fieldPath, formatProblem } from '../core/problems.js';
import { zodIssueProblems } from './yaml-issues.js';
import { parseYamlSource } from './yaml-source.js';

/** Config file names looked up in the working folder, in this order. */
export const CONFIG_FILES = [
  'convotest.config.ts',
  'convotest.config.mts',
  'convotest.config.js',
  'convotest.config.mjs',
  'convotest.config.yaml',
  'convotest.config.yml',
] as const;

export interface LoadedConfig {
  config: Config;
  /** The config file, or undefined when none was found (defaults). */
  path: string | undefined;
  /** Folder relative paths in the config are resolved against. */
  dir: string;
  /** The file's text (for the run header's config hash). */
  source: string;
  /** Where a field path is in the file (line and column; YAML only, empty for a TS/JS config). */
  locate(path: ReadonlyArray<PropertyKey>, options?: { key?: boolean }): { line?: number; column?: number };
}

/**
 * Typed helper for `convotest.config.ts`.
 *
 * @example
 * import { defineConfig } from 'convotest';
 * export default defineConfig({ agents: { floor: { kind: 'baseline' } } });
 */
export function defineConfig(config: ConfigInput): ConfigInput {
  return config;
}

/**
 * Loads and validates the configuration: `path` if given, else the first of CONFIG_FILES in `cwd`,
 * else the defaults. Errors name the file, line (YAML) and field; a literal secret is refused.
 */
export async function loadConfig(path: string | undefined, cwd: string = process.cwd()): Promise<LoadedConfig> {
  const file = path ? resolve(cwd, path) : CONFIG_FILES.map((f) => resolve(cwd, f)).find((f) => existsSync(f));
  if (!file) return { config: ConfigSchema.parse({}), path: undefined, dir: cwd, source: '', locate: () => ({}) };
  if (!existsSync(file)) throw new InputError('config file not found', { file: path ?? file });
  const display = path ?? file.slice(cwd.length + 1);
  const decoded = decodeUtf8(await readFile(file));
  if ('fault' in decoded) throw new InputError(decoded.fault.message, { file: display, line: decoded.fault.line, column: decoded.fault.column });
  const source = decoded.text;
  const isYaml = /\.ya?ml$/.test(file);
  let raw: unknown;
  let locate: (p: ReadonlyArray<PropertyKey>, options?: { key?: boolean }) => { line?: number; column?: number } = () => ({});
  if (isYaml) {
    const yaml = parseYamlSource(source);
    const syntax = yaml.errors[0];
    if (syntax) throw new InputError(syntax.message, { file: display, line: syntax.line, column: syntax.column });
    raw = yaml.value;
    locate = yaml.locate;
  } else {
    try {
      // jiti (a TypeScript loader) only for a .ts config: it is a tenth of a second to load.
      const { createJiti } = await import('jiti');
      const jiti = createJiti(import.meta.url, { moduleCache: false });
      const mod = (await jiti.import(file)) as { default?: unknown };
      raw = mod.default ?? mod;
    } catch (error) {
      throw new InputError(`cannot load: ${(error as Error).message.split('\n')[0]}`, { file: display }, { cause: error });
    }
  }
  const secret = findSecret(raw);
  if (secret) {
    const pos = locate(secret.path);
    throw new ConvotestError(
      'E_SECRET',
      formatProblem({
        file: display,
        ...pos,
        field: fieldPath(secret.path),
        message: `looks like ${secret.what}: never put secrets in config; name an environment variable instead (e.g. apiKeyEnv: OPENAI_API_KEY, or a header { env: BOT_TOKEN })`,
      }),
    );
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const [first] = zodIssueProblems(parsed.error.issues, { file: display, schema: ConfigSchema, value: raw, locate: (p, o) => locate(p, o) as { line: number; column: number } });
    throw new InputError(first ? formatProblem(first) : 'invalid configuration', { file: '' });
  }
  return { config: parsed.data, path: file, dir: dirname(file), source, locate };
}

