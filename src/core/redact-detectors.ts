/**
 * PII detectors used by the redactor: each finds candidate spans with a regex and confirms them
 * with a check (Luhn for cards, mod 97 for IBANs, the check letter for Spanish DNI/NIE...), so that
 * look-alikes (order numbers, prices, dates, versions, tracking numbers) are left alone.
 * Pure: no I/O.
 */

/** A confirmed PII span in a text. `key` is the normalised value used for consistent placeholders. */
export interface PiiMatch {
  kind: string;
  start: number;
  end: number;
  key: string;
}

/** A detector: finds confirmed matches of one kind in a text. */
export type Detector = (text: string) => PiiMatch[];

/** Runs `re` (global) over `text`, keeps matches for which `check` returns a key (non-null). */
export function regexDetector(kind: string, re: RegExp, check: (m: string) => string | null): Detector {
  return (text) => {
    const out: PiiMatch[] = [];
    const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
    for (const m of text.matchAll(g)) {
      const value = m[0];
      if (value.length === 0) continue;
      const key = check(value);
      if (key !== null) out.push({ kind, start: m.index, end: m.index + value.length, key });
    }
    return out;
  };
}

const digitsOf = (s: string): string => s.replace(/\D/g, '');

/** Luhn checksum over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** ISO 13616 IBAN check: move the first four characters to the end, letters → numbers, mod 97 = 1. */
export function ibanValid(iban: string): boolean {
  const s = iban.replace(/\s/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(s)) return false;
  const moved = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const code = ch.charCodeAt(0);
    const part = code >= 65 ? String(code - 55) : ch;
    for (const d of part) rem = (rem * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return rem === 1;
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** Spanish DNI (8 digits + letter) or NIE (X/Y/Z + 7 digits + letter) with its check letter. */
export function spanishIdValid(id: string): boolean {
  const s = id.toUpperCase().replace(/[\s-]/g, '');
  const m = /^([XYZ]?)(\d{7,8})([A-Z])$/.exec(s);
  if (!m) return false;
  const [, prefix = '', num = '', letter] = m;
  if (prefix === '' && num.length !== 8) return false;
  if (prefix !== '' && num.length !== 7) return false;
  const n = Number(`${prefix === '' ? '' : 'XYZ'.indexOf(prefix)}${num}`);
  return DNI_LETTERS[n % 23] === letter;
}

/** US SSN shape rules: area not 000/666/9xx, group not 00, serial not 0000. */
export function ssnValid(ssn: string): boolean {
  const m = /^(\d{3})[- ](\d{2})[- ](\d{4})$/.exec(ssn);
  if (!m) return false;
  const [, area = '', group = '', serial = ''] = m;
  return area !== '000' && area !== '666' && area[0] !== '9' && group !== '00' && serial !== '0000';
}

/** A textual IPv6 address (full or `::`-compressed, optional trailing IPv4). */
export function ipv6Valid(s: string): boolean {
  if (!/\d/.test(s) || (s.match(/::/g)?.length ?? 0) > 1) return false;
  let body = s;
  let extra = 0;
  const v4 = /:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(s);
  if (v4) {
    if (!ipv4Valid(v4[1] ?? '')) return false;
    body = s.slice(0, v4.index + 1);
    if (!body.endsWith('::')) body = body.slice(0, -1);
    extra = 2;
  }
  const compressed = body.includes('::');
  const parts = body.split('::');
  const groups = parts.flatMap((p) => (p === '' ? [] : p.split(':')));
  if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const count = groups.length + extra;
  return compressed ? count <= 7 : count === 8;
}

/** Dotted-quad IPv4 with each octet 0..255 and no leading zeros. */
export function ipv4Valid(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

// Boundaries: a match may not be glued to letters/digits (or to a `.`/`-` followed by more digits),
// so a span inside a longer number, version or identifier is never taken.
const NB = String.raw`(?<![\w.+\-/])`;
const NA = String.raw`(?![\w\-/]|[.,]\d)`;

/** The built-in detectors, by config kind, in priority order (earlier wins on overlap). */
export const BUILTIN_DETECTORS: Record<'email' | 'iban' | 'card' | 'national_id' | 'ip' | 'phone', Detector[]> = {
  email: [
    regexDetector('email', /[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}/, (m) => m.toLowerCase()),
  ],
  iban: [
    regexDetector('iban', new RegExp(`${NB}[A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?${NA}`), (m) =>
      ibanValid(m) ? m.replace(/\s/g, '') : null,
    ),
  ],
  card: [
    regexDetector('card', new RegExp(`${NB}[2-6]\\d{3}(?:[ -]?\\d){9,15}${NA}`), (m) => {
      const d = digitsOf(m);
      return d.length >= 13 && d.length <= 19 && luhnValid(d) ? d : null;
    }),
  ],
  national_id: [
    regexDetector('national_id', new RegExp(`${NB}\\d{3}[- ]\\d{2}[- ]\\d{4}${NA}`), (m) =>
      ssnValid(m) ? digitsOf(m) : null,
    ),
    regexDetector('national_id', new RegExp(`${NB}[XYZxyz]?-?\\d{7,8}-?[A-Za-z]${NA}`), (m) =>
      spanishIdValid(m) ? m.toUpperCase().replace(/-/g, '') : null,
    ),
  ],
  ip: [
    regexDetector('ip', /(?<![\w.:])(?:\d{1,3}\.){3}\d{1,3}(?![\w:]|\.\d)/, (m) => (ipv4Valid(m) ? m : null)),
    regexDetector('ip', /(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?::\d{1,3}(?:\.\d{1,3}){3})?(?![\w:])/, (m) =>
      ipv6Valid(m) ? m.toLowerCase() : null,
    ),
  ],
  phone: [
    // International: +CC then 6..14 more digits in groups.
    regexDetector('phone', /(?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,6}(?![\w-]|[.,]\d)/, (m) => {
      const d = digitsOf(m);
      return d.length >= 8 && d.length <= 15 ? `+${d}` : null;
    }),
    // North American: (415) 555-0132, 415-555-0132, 415.555.0132.
    regexDetector('phone', new RegExp(`(?<![\\w.+\\-/(])(?:\\(\\d{3}\\) ?|\\d{3}[-. ])\\d{3}[-. ]\\d{4}${NA}`), (m) =>
      digitsOf(m),
    ),
    // European grouped national numbers: 612 345 678, 06 12 34 56 78, 030 1234 5678.
    regexDetector('phone', new RegExp(`${NB}(?<!\\d[ .-])(?:\\d{3} \\d{3} \\d{3}|0\\d(?: \\d{2}){4}|0\\d{2,3} \\d{3,4} \\d{4})(?![ .-]\\d)${NA}`), (m) =>
      digitsOf(m),
    ),
  ],
};
