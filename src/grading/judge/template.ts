import { ConvotestError } from '../../errors.js';

/**
 * Judge prompt templates: `{{name}}` placeholders (dots allowed, e.g. `{{case.id}}`), replaced
 * in ONE pass so text substituted into the prompt (a transcript that contains `{{criteria}}`)
 * is never expanded again.
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.]*)\s*\}\}/g;

/** The placeholders a template uses, in order of first appearance. */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/**
 * Checks that a template uses only known placeholders and all required ones. Throws a
 * ConvotestError `E_CONFIG` naming the grader and the placeholder.
 */
export function checkTemplate(grader: string, template: string, known: readonly string[], required: readonly string[]): void {
  const used = placeholders(template);
  const unknown = used.filter((p) => !known.includes(p) && !p.startsWith('case.tags.'));
  if (unknown.length > 0) {
    throw new ConvotestError(
      'E_CONFIG',
      `grader "${grader}": unknown placeholder {{${unknown[0]}}} in its prompt (known: ${known.map((k) => `{{${k}}}`).join(', ')}, {{case.tags.<key>}})`,
    );
  }
  const missing = required.filter((p) => !used.includes(p));
  if (missing.length > 0) {
    throw new ConvotestError('E_CONFIG', `grader "${grader}": its prompt must contain {{${missing[0]}}}`);
  }
}

/**
 * Fills a template. `values` maps placeholder names to text; a name with no value renders as
 * an empty string (templates are checked beforehand with {@link checkTemplate}).
 *
 * @example
 * renderTemplate('Case {{case.id}}: {{transcript}}', { 'case.id': 'c1', transcript: '{{case.id}}' })
 * // 'Case c1: {{case.id}}'
 */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (_, name: string) => values[name] ?? '');
}
