/**
 * JSON request templates with `{{name}}` placeholders. Pure: no I/O.
 *
 * - A string that is exactly one placeholder (`"{{messages}}"`) becomes the value itself
 *   (an array stays an array, a number stays a number).
 * - A placeholder inside a longer string is replaced by its text (strings as they are,
 *   other values as JSON).
 * - Object keys are kept as written; arrays and objects are rendered recursively.
 * - An unknown placeholder is an error naming it, so a typo never reaches the bot.
 */

const WHOLE = /^\{\{\s*([A-Za-z_][\w.]*)\s*\}\}$/;
const ANY = /\{\{\s*([A-Za-z_][\w.]*)\s*\}\}/g;

/** Thrown when a template names a variable that is not provided. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly placeholder: string,
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

/**
 * Renders a JSON template with the given variables.
 *
 * @example
 * renderTemplate({ q: '{{message}}', history: '{{messages}}', tag: 'case {{caseId}}' },
 *   { message: 'hi', messages: [{ role: 'user', content: 'hi' }], caseId: 'c1' })
 * // → { q: 'hi', history: [{ role: 'user', content: 'hi' }], tag: 'case c1' }
 */
export function renderTemplate(template: unknown, vars: Readonly<Record<string, unknown>>): unknown {
  if (typeof template === 'string') return renderString(template, vars);
  if (Array.isArray(template)) return template.map((item) => renderTemplate(item, vars));
  if (template !== null && typeof template === 'object') {
    // fromEntries defines own properties, so a body key named "__proto__" stays a key (an
    // assignment would set the object's prototype instead).
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, renderTemplate(value, vars)]));
  }
  return template;
}

/** The placeholder names a template uses, in order of first use. */
export function templatePlaceholders(template: unknown): string[] {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (typeof node === 'string') for (const m of node.matchAll(ANY)) names.add(m[1] as string);
    else if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === 'object') Object.values(node).forEach(visit);
  };
  visit(template);
  return [...names];
}

function renderString(text: string, vars: Readonly<Record<string, unknown>>): unknown {
  const whole = WHOLE.exec(text);
  if (whole) return lookup(whole[1] as string, vars);
  return text.replace(ANY, (_match, name: string) => {
    const value = lookup(name, vars);
    if (value === undefined || value === null) return '';
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

function lookup(name: string, vars: Readonly<Record<string, unknown>>): unknown {
  if (!Object.hasOwn(vars, name)) {
    const known = Object.keys(vars).map((k) => `{{${k}}}`).join(', ');
    throw new TemplateError(`unknown placeholder {{${name}}} (known: ${known})`, name);
  }
  return vars[name];
}
