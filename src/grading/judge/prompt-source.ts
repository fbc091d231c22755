import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConvotestError } from '../../errors.js';

/** Strips a leading `---` YAML front matter block from a markdown prompt file. */
export function stripFrontMatter(text: string): string {
  const m = /^---\r?\n[\s\S]*?\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  return (m ? text.slice(m[0].length) : text).trim();
}

/**
 * The prompt template of a judge definition: `prompt` (inline, or a `.md` file's body), else
 * `promptFile` (relative to the definition's folder), else the kind's default.
 * Throws `E_CONFIG` when both are given or the file cannot be read.
 */
export function resolvePrompt(
  grader: string,
  options: { prompt?: string | undefined; promptFile?: string | undefined },
  baseDir: string,
  fallback: string,
): string {
  if (options.prompt !== undefined && options.promptFile !== undefined) {
    throw new ConvotestError('E_CONFIG', `grader "${grader}": give \`prompt\` or \`promptFile\`, not both`);
  }
  if (options.prompt !== undefined) return options.prompt.trim();
  if (options.promptFile === undefined) return fallback;
  const path = isAbsolute(options.promptFile) ? options.promptFile : resolve(baseDir, options.promptFile);
  try {
    return stripFrontMatter(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConvotestError('E_CONFIG', `grader "${grader}": cannot read promptFile ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
