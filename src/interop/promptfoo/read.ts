import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { InputError } from '../../errors.js';
import { type LoadedPrompt, type LoadedPromptfoo, type LoadedTest, PromptfooConfigSchema, type PromptfooTest, PromptfooTestSchema } from './config-schema.js';

/**
 * Reads a promptfoo config and what it references with `file://` (prompt files, test files,
 * the default test, variable files) relative to the config's folder. Parts it cannot read as
 * data (prompt scripts, CSV or script test generators) are listed in `unread`, with why.
 * A config that is not YAML, or not a promptfoo config, is an InputError naming the field.
 */
export async function readPromptfooConfig(file: string): Promise<LoadedPromptfoo> {
  const dir = path.dirname(path.resolve(file));
  const text = await readText(file, file);
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new InputError(`not valid YAML: ${(error as Error).message.split('\n')[0]}`, { file });
  }
  const parsed = PromptfooConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new InputError(issueText(parsed.error), { file, field: fieldOf(parsed.error) });
  const config = parsed.data;
  const unread: LoadedPromptfoo['unread'] = [];

  const prompts: LoadedPrompt[] = [];
  const promptList = config.prompts === undefined ? [] : Array.isArray(config.prompts) ? config.prompts : [config.prompts];
  for (const [i, p] of promptList.entries()) {
    const at = `prompts[${i}]`;
    const value = typeof p === 'string' ? p : (p.raw ?? p.id);
    const label = typeof p === 'string' ? at : (p.label ?? at);
    if (value === undefined) {
      unread.push({ at, reason: 'a prompt needs `raw` or `id`' });
    } else if (value.startsWith('file://')) {
      const ref = value.slice('file://'.length);
      if (/\.(?:m?js|cjs|ts|py)(?::\w+)?$/.test(ref)) unread.push({ at, reason: `prompt function ${ref} is code: only text and chat (JSON) prompt files are imported` });
      else {
        const body = await readText(path.resolve(dir, ref), file, at);
        // A text file may hold several prompts separated by a line `---`.
        const parts = /\.(?:txt|md)$/.test(ref) ? body.split(/^---$/m).map((s) => s.trim()).filter(Boolean) : [body];
        parts.forEach((template, k) => prompts.push({ label: parts.length > 1 ? `${ref}#${k + 1}` : ref, template }));
      }
    } else prompts.push({ label, template: value });
  }

  const tests: LoadedTest[] = [];
  const testEntries = config.tests === undefined ? [] : Array.isArray(config.tests) ? config.tests : [config.tests];
  for (const [i, entry] of testEntries.entries()) {
    const at = `tests[${i}]`;
    if (typeof entry !== 'string') {
      tests.push({ at, test: await withVarFiles(checkTest(entry, file, at), dir, file, at) });
      continue;
    }
    const ref = entry.replace(/^file:\/\//, '');
    if (!/\.ya?ml$|\.json$/.test(ref)) {
      unread.push({ at, reason: `tests from ${ref}: only YAML/JSON test files are imported (CSV, JSONL and generators are not)` });
      continue;
    }
    const list = parseData(await readText(path.resolve(dir, ref), file, at), ref);
    const items = Array.isArray(list) ? list : [list];
    for (const [k, item] of items.entries()) {
      tests.push({ at: `${ref}[${k}]`, test: await withVarFiles(checkTest(item, ref, `[${k}]`), dir, file, `${ref}[${k}]`) });
    }
  }

  let defaultTest: PromptfooTest = {};
  if (typeof config.defaultTest === 'string') {
    const ref = config.defaultTest.replace(/^file:\/\//, '');
    defaultTest = checkTest(parseData(await readText(path.resolve(dir, ref), file, 'defaultTest'), ref), ref, '');
  } else if (config.defaultTest !== undefined && config.defaultTest !== null) {
    defaultTest = await withVarFiles(checkTest(config.defaultTest, file, 'defaultTest'), dir, file, 'defaultTest');
  }

  return { file: path.basename(file), ...(config.description ? { description: config.description } : {}), prompts, tests, defaultTest, unread };
}

/** Variables given as `file://x.txt` (text) or `file://x.yaml` (as JSON text) are read, as promptfoo does. */
async function withVarFiles(test: PromptfooTest, dir: string, file: string, at: string): Promise<PromptfooTest> {
  if (!test.vars) return test;
  const vars: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(test.vars)) {
    if (typeof value === 'string' && value.startsWith('file://')) {
      const ref = value.slice('file://'.length);
      if (/\.(?:m?js|cjs|ts|py)(?::\w+)?$/.test(ref)) throw new InputError(`variable ${key} comes from code (${ref}); only text and data files can be imported`, { file, field: `${at}.vars.${key}` });
      const body = await readText(path.resolve(dir, ref), file, `${at}.vars.${key}`);
      // As promptfoo: YAML becomes its JSON text, anything else the file's trimmed text.
      vars[key] = /\.ya?ml$/.test(ref) ? JSON.stringify(parseData(body, ref)) : body.trim();
    } else vars[key] = value;
  }
  return { ...test, vars };
}

async function readText(absolute: string, file: string, field?: string): Promise<string> {
  return readFile(absolute, 'utf8').catch((error: NodeJS.ErrnoException) => {
    const what = error.code === 'ENOENT' ? `no such file ${absolute === file ? '' : path.relative(process.cwd(), absolute)}`.trim() : error.message;
    throw new InputError(what, { file, ...(field ? { field } : {}) });
  });
}

function parseData(text: string, file: string): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    throw new InputError(`not valid YAML/JSON: ${(error as Error).message.split('\n')[0]}`, { file });
  }
}

/** A test checked against the schema; a problem names the file and the field (`tests[0].assert[1].type`). */
function checkTest(value: unknown, file: string, at: string): PromptfooTest {
  const parsed = PromptfooTestSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const inner = fieldOf(parsed.error);
  throw new InputError(issueText(parsed.error), { file, field: `${at}${inner && !inner.startsWith('[') && at ? '.' : ''}${inner}` });
}

function fieldOf(error: z.ZodError): string {
  return (error.issues[0]?.path ?? []).map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
}

function issueText(error: z.ZodError): string {
  const message = error.issues[0]?.message ?? 'not a promptfoo config';
  return /received undefined$/.test(message) ? 'required' : message;
}
