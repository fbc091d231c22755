import { isCredentialHeader, SECRET_PATTERNS, SECRET_PLACEHOLDER } from '../core/redact-secrets.js';
import { PROVIDER_DEFAULTS } from '../models/settings.js';

/**
 * Recognises literal secrets in configuration, and collects the secret values a run must never
 * store or print. Configs name environment variables (`apiKeyEnv: OPENAI_API_KEY`); a value
 * that looks like a key is refused.
 */

/** Names the kind of secret `text` looks like, or undefined. */
export function looksLikeSecret(text: string): string | undefined {
  return SECRET_PATTERNS.find((p) => new RegExp(p.re.source).test(text))?.what;
}

/** Finds the first string in `value` that looks like a secret; returns its path and kind. */
export function findSecret(value: unknown, path: Array<string | number> = []): { path: Array<string | number>; what: string } | undefined {
  if (typeof value === 'string') {
    const what = looksLikeSecret(value);
    return what ? { path, what } : undefined;
  }
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const hit = findSecret(v, [...path, i]);
      if (hit) return hit;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const hit = findSecret(v, [...path, k]);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** Config keys naming an env var whose value is not a secret (base URLs: only their userinfo is). */
const URL_ENV_KEY = /^base_?url_?env$/i;

/**
 * Every secret value the run knows, to scrub from what it stores and prints: the values of the
 * env vars the config names anywhere (`apiKeyEnv`, `signingKeyEnv`, `{ env: … }` headers, any
 * future `…Env` key) and of the providers' default key variables; literal values of credential
 * headers (`Authorization`, `x-api-key`…) and their token after a scheme word (`Bearer …`); and
 * the user name and password of any base URL that carries them.
 *
 * @example
 * secretValues({ agents: { bot: { headers: { Authorization: { env: 'BOT_TOKEN', prefix: 'Bearer ' } } } } }, { BOT_TOKEN: 's3cret-token' })
 * // → ['s3cret-token', …]
 */
export function secretValues(config: unknown, env: Readonly<Record<string, string | undefined>>): string[] {
  const out = new Set<string>();
  const add = (value: string | undefined) => {
    const v = value?.trim();
    if (v) out.add(v);
  };
  const addUrl = (value: string | undefined) => {
    if (!value) return;
    try {
      const url = new URL(value);
      add(decodeURIComponent(url.password));
      if (url.password) add(decodeURIComponent(url.username));
    } catch {
      // Not a URL: nothing secret to take from it.
    }
  };
  for (const { keyEnv } of Object.values(PROVIDER_DEFAULTS)) add(env[keyEnv]);
  for (const { baseURLEnv } of Object.values(PROVIDER_DEFAULTS)) addUrl(env[baseURLEnv]);
  const walk = (value: unknown, key: string): void => {
    if (Array.isArray(value)) {
      for (const v of value) walk(v, key);
      return;
    }
    if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (typeof record.env === 'string') add(env[record.env]);
      for (const [k, v] of Object.entries(record)) {
        if (typeof v === 'string' && /Env$/.test(k)) {
          if (URL_ENV_KEY.test(k)) addUrl(env[v]);
          else add(env[v]);
        } else if (typeof v === 'string' && k === 'baseURL') addUrl(v);
        else if (typeof v === 'string' && isCredentialHeader(k) && key === 'headers') {
          add(v);
          add(/^\s*[A-Za-z]+\s+(\S+)\s*$/.exec(v)?.[1]);
        } else walk(v, k);
      }
    }
  };
  walk(config, '');
  return [...out];
}

/**
 * A copy of the configuration for the run header with the literal values of credential headers
 * (`Authorization: Basic …` written in the config) replaced by `[SECRET]`; env var names stay.
 */
export function configForRecord<T>(config: T): T {
  const walk = (value: unknown, key: string): unknown => {
    if (Array.isArray(value)) return value.map((v) => walk(v, key));
    if (!value || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = key === 'headers' && typeof v === 'string' && isCredentialHeader(k) ? SECRET_PLACEHOLDER : walk(v, k);
    }
    return out;
  };
  return walk(JSON.parse(JSON.stringify(config)), '') as T;
}
