/**
 * Secret scrubbing: removes every secret the run knows (the values of the env vars its config
 * names, literal credential headers) and anything shaped like a credential from a text, before
 * it is stored or printed. Pure: the caller collects the values (src/io/secrets.ts).
 */

/** What a scrubbed secret is replaced with. */
export const SECRET_PLACEHOLDER = '[SECRET]';

/** Secrets shorter than this are not searched for: replacing them would garble ordinary text. */
export const MIN_SECRET_LENGTH = 6;

/** Shapes of well-known credentials, recognised even when the run was not told the value. */
export const SECRET_PATTERNS: ReadonlyArray<{ what: string; re: RegExp }> = [
  { what: 'an Anthropic API key', re: /\bsk-ant-[A-Za-z0-9_-]{16,}/g },
  { what: 'an OpenAI API key', re: /\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}/g },
  { what: 'an AWS access key', re: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g },
  { what: 'a GitHub token', re: /\b(?:ghp|gho|ghu|ghs|github_pat)_[A-Za-z0-9_]{20,}/g },
  { what: 'a Slack token', re: /\bxox[abprs]-[A-Za-z0-9-]{10,}/g },
  { what: 'a Google API key', re: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { what: 'a bearer token', re: /\bBearer\s+[A-Za-z0-9._~+/-]{20,}=*/g },
];

/**
 * A credential header written out in a text (an echoed request, a debug dump): its name, the
 * separator (`: `, `=`, `":"`), then the value up to the end of the line, quote or comma.
 */
const CREDENTIAL_HEADER =
  /(?<![\w-])((?:proxy-)?authorization|x-api-key|api[-_]?key|x-auth-token|x-access-token|access[-_]?token|cookie|set-cookie)(\\?["']?\s*[:=]\s*\\?["']?)(?!\[SECRET\])([^"'\\\r\n,;})\]<>]+)/gi;

/**
 * A literal that every match of {@link SECRET_PATTERNS} and of the credential header contains
 * (compared without case, so it finds a superset): a text without any is left as it is without
 * running each pattern over it, which is what nearly every stored string is (one scan instead of
 * eight, ~30× less CPU per string). Keep it in step with the patterns: the property test in
 * test/redact-secrets.test.ts checks that it never skips a text the patterns would change.
 */
const ANY_CREDENTIAL = /sk-|akia|asia|gh[opsu]_|github_pat_|xox[abprs]-|aiza|bearer|authorization|api[-_]?key|auth-token|access[-_]?token|cookie/i;

/** Header names whose values are credentials (`Authorization`, `x-api-key`, `X-Auth-Token`…). */
export function isCredentialHeader(name: string): boolean {
  return /authorization|api[-_]?key|token|secret|password|cookie|session/i.test(name);
}

/** The forms a secret takes in text: as is, JSON-escaped and URL-encoded. */
function formsOf(secret: string): string[] {
  const forms = new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]);
  return [...forms];
}

/**
 * A scrubber for the given secret values: each value (in any of its forms), every credential
 * header value and every key-shaped string become `[SECRET]`. Longer values are replaced first,
 * so a value containing another is never left half-replaced.
 *
 * @example
 * const scrub = createSecretScrubber(['s3cret-token']);
 * scrub('401: bad token s3cret-token (authorization: Bearer abc.def)');
 * // → '401: bad token [SECRET] (authorization: [SECRET])'
 */
export function createSecretScrubber(values: readonly string[]): (text: string) => string {
  const forms = [...new Set(values.filter((v) => v.length >= MIN_SECRET_LENGTH).flatMap(formsOf))].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const form of forms) if (out.includes(form)) out = out.split(form).join(SECRET_PLACEHOLDER);
    if (!ANY_CREDENTIAL.test(out)) return out;
    out = out.replace(CREDENTIAL_HEADER, (m, name: string, sep: string, value: string) =>
      value.trim() === '' ? m : `${name}${sep}${SECRET_PLACEHOLDER}`,
    );
    for (const { re } of SECRET_PATTERNS) out = out.replace(re, SECRET_PLACEHOLDER);
    return out;
  };
}

/**
 * Applies `text` to every string of a JSON-like value (object keys included); numbers go through
 * `number` when given (a card number stored as a number is still PII). Returns the value itself
 * when nothing changed, otherwise a copy (the parts that did not change are shared).
 */
export function mapStrings(value: unknown, text: (s: string) => string, number?: (n: number) => unknown): unknown {
  if (typeof value === 'string') return text(value);
  if (typeof value === 'number') return number ? number(value) : value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((v, i) => {
      const mapped = mapStrings(v, text, number);
      if (mapped !== v) (out ??= value.slice())[i] = mapped;
    });
    return out ?? value;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    let changed = false;
    const mapped = entries.map(([k, v]): [string, unknown] => {
      const key = text(k);
      const next = mapStrings(v, text, number);
      if (key !== k || next !== v) changed = true;
      return [key, next];
    });
    return changed ? Object.fromEntries(mapped) : value;
  }
  return value;
}
