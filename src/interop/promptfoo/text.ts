import nunjucks from 'nunjucks';

/**
 * Text helpers of the promptfoo importer: rendering templates as promptfoo does (nunjucks, no
 * autoescape), promptfoo's comma-separated value lists, and regex escaping. Pure: no I/O.
 */

const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });

/**
 * Renders a promptfoo template (`{{ var }}`, filters, `{% for %}`) with the test's variables.
 *
 * @example renderTemplate('Hi {{ name | upper }}', { name: 'ada' }) // 'Hi ADA'
 */
export function renderTemplate(template: string, vars: Record<string, unknown>): string {
  return env.renderString(template, vars);
}

/** Whether a template refers to promptfoo's `_conversation` variable (the earlier turns). */
export function usesConversation(template: string): boolean {
  return /\b_conversation\b/.test(template);
}

/**
 * promptfoo's list values: an array, or a comma-separated string where a field may be quoted
 * (`"a, b", c`). Values are strings (numbers as written).
 *
 * @example listValues('"a, b", c') // ['a, b', 'c']
 */
export function listValues(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.every((v) => typeof v === 'string' || typeof v === 'number') ? value.map(String) : undefined;
  if (typeof value !== 'string') return undefined;
  const out: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|([^,]*))\s*(?:,|$)/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < value.length && (m = re.exec(value)) !== null) {
    const field = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? '').trim();
    if (field !== '') out.push(field);
    if (m[0] === '') break;
  }
  return out;
}

/** Escapes text so that it matches literally inside a regular expression. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A regex string in convotest's `/pattern/flags` form (see src/core/regex.ts). */
export function slashed(pattern: string, flags = ''): string {
  return `/${pattern}/${flags}`;
}

/** A short stable id: the first 8 hex digits of FNV-1a over the text (names of generated graders). */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** A case-id-friendly slug of a description. */
export function slug(text: string, max = 40): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
}

/**
 * promptfoo's variable resolution before a prompt is rendered: a trailing newline is cut from
 * string vars, and `{{ other }}` in a var's value is replaced by that var (up to 5 passes).
 *
 * @example resolveVars({ shop: 'Voltline', q: 'Open at {{shop}}?' }) // { shop: 'Voltline', q: 'Open at Voltline?' }
 */
export function resolveVars(vars: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) out[k] = typeof v === 'string' ? v.replace(/\n$/, '') : v;
  const placeholder = /\{\{\s*(\w+)\s*\}\}/;
  for (let pass = 0, changed = true; changed && pass < 5; pass++) {
    changed = false;
    for (const [key, value] of Object.entries(out)) {
      if (typeof value !== 'string') continue;
      const m = placeholder.exec(value);
      if (m && out[m[1]!] !== undefined) {
        out[key] = value.replace(m[0], String(out[m[1]!]));
        changed = true;
      }
    }
  }
  return out;
}
