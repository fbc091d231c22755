/**
 * Recognises literal secrets in configuration. Configs name environment variables
 * (`apiKeyEnv: OPENAI_API_KEY`); a value that looks like a key is refused.
 */
const SECRET_PATTERNS: Array<{ what: string; re: RegExp }> = [
  { what: 'an Anthropic API key', re: /\bsk-ant-[A-Za-z0-9_-]{16,}/ },
  { what: 'an OpenAI API key', re: /\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}/ },
  { what: 'an AWS access key', re: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/ },
  { what: 'a GitHub token', re: /\b(?:ghp|gho|ghu|ghs|github_pat)_[A-Za-z0-9_]{20,}/ },
  { what: 'a Slack token', re: /\bxox[abprs]-[A-Za-z0-9-]{10,}/ },
  { what: 'a Google API key', re: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { what: 'a bearer token', re: /\bBearer\s+[A-Za-z0-9._~+/-]{20,}=*/ },
];

/** Names the kind of secret `text` looks like, or undefined. */
export function looksLikeSecret(text: string): string | undefined {
  return SECRET_PATTERNS.find((p) => p.re.test(text))?.what;
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

/** Replaces every occurrence of the given secret values in `text` (for error messages and logs). */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join('[redacted]');
  return out;
}
