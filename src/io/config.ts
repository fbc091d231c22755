import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createJiti } from 'jiti';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConvotestError, InputError } from '../errors.js';
import { type Config, type ConfigInput, ConfigSchema } from '../schema/config.js';
import { findSecret } from './secrets.js';
import { locateYamlPath } from './locate-in-yaml.js';

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
  if (!file) return { config: ConfigSchema.parse({}), path: undefined, dir: cwd, source: '' };
  if (!existsSync(file)) throw new InputError('config file not found', { file: path ?? file });
  const source = await readFile(file, 'utf8');
  const display = path ?? file.slice(cwd.length + 1);
  const isYaml = /\.ya?ml$/.test(file);
  let raw: unknown;
  let locate: (p: ReadonlyArray<PropertyKey>, atKey?: boolean) => { line?: number; column?: number } = () => ({});
  if (isYaml) {
    const lineCounter = new LineCounter();
    const doc = parseDocument(source, { lineCounter, prettyErrors: false });
    const yamlError = doc.errors[0];
    if (yamlError) {
      const { line, col } = lineCounter.linePos(yamlError.pos[0]);
      throw new InputError(yamlError.message.split('\n')[0] ?? 'invalid YAML', { file: display, line, column: col });
    }
    raw = doc.toJS();
    locate = (p, atKey) => locateYamlPath(doc, lineCounter, p, atKey);
  } else {
    try {
      const jiti = createJiti(import.meta.url, { moduleCache: false });
      const mod = (await jiti.import(file)) as { default?: unknown };
      raw = mod.default ?? mod;
    } catch (error) {
      throw new InputError(`cannot load: ${(error as Error).message.split('\n')[0]}`, { file: display }, { cause: error });
    }
  }
  const secret = findSecret(raw);
  if (secret) {
    throw new ConvotestError(
      'E_SECRET',
      `${display}${formatPos(locate(secret.path))}  ${formatPath(secret.path)}  looks like ${secret.what}: never put secrets in config; name an environment variable instead (e.g. apiKeyEnv: OPENAI_API_KEY, or a header { env: BOT_TOKEN })`,
    );
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) throw configIssue(display, parsed.error.issues[0], locate);
  return { config: parsed.data, path: file, dir: dirname(file), source };
}

function configIssue(
  file: string,
  issue: z.core.$ZodIssue | undefined,
  locate: (p: ReadonlyArray<PropertyKey>, atKey?: boolean) => { line?: number; column?: number },
): InputError {
  if (!issue) return new InputError('invalid configuration', { file });
  let path: PropertyKey[] = [...issue.path];
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    path = [...path, key];
    message = `unknown key "${key}"`;
  }
  return new InputError(message, { file, ...locate(path, issue.code === 'unrecognized_keys'), field: formatPath(path) });
}

function formatPos(pos: { line?: number; column?: number }): string {
  return pos.line ? `:${pos.line}${pos.column ? `:${pos.column}` : ''}` : '';
}

/** `agents.floor.kind`, `cases[3].turns[0]`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}
