import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { ConvotestError, InputError } from '../errors.js';
import { fieldPath } from '../core/problems.js';
import { type AnalyticsConfig, AnalyticsConfigSchema } from './config.js';
import { DEFAULT_STORE, STORE_ENV } from './store/open.js';

/** The file read when `--config` is not given (absent: defaults). */
export const DEFAULT_ANALYTICS_CONFIG = 'convotest.analytics.yaml';

/** Reads and validates an analytics config (YAML or JSON); a missing default file gives the defaults. */
export async function loadAnalyticsConfig(file: string | undefined): Promise<AnalyticsConfig> {
  const name = file ?? DEFAULT_ANALYTICS_CONFIG;
  let text: string;
  try {
    text = await readFile(name, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && file === undefined) return AnalyticsConfigSchema.parse({});
    throw new InputError((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message, { file: name });
  }
  let raw: unknown;
  try {
    raw = parse(text) ?? {};
  } catch (error) {
    throw new InputError(`invalid YAML: ${(error as Error).message.split('\n')[0]}`, { file: name });
  }
  const parsed = AnalyticsConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(issue.message, { file: name, field: fieldPath(issue.path) });
  }
  return parsed.data;
}

/** The store spec in force: `--store`, else the config's, else $CONVOTEST_ANALYTICS_STORE, else the default DuckDB file. */
export function storeSpec(flag: string | undefined, config: AnalyticsConfig, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return flag;
  if (typeof config.store === 'string') return config.store;
  if (config.store) {
    const value = env[config.store.env];
    if (!value) throw new ConvotestError('E_CONFIG', `analytics config: store.env names ${config.store.env}, which is not set`);
    return value;
  }
  return env[STORE_ENV] || DEFAULT_STORE;
}
