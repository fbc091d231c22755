/**
 * Problems found in a user's files, located by file, line, column and field path, and printed
 * one per line as `file:line:column  field.path  message` by `convotest validate`. Pure: `io/`
 * finds the problems, this formats, sorts and names them ("did you mean").
 */

/** One problem in a file the user wrote. `line`/`column` are 1-based. */
export interface Problem {
  file: string;
  line?: number;
  column?: number;
  /** Field path such as `cases[3].turns[0].expect.must_match[1]`. */
  field?: string;
  message: string;
}

/**
 * Formats a problem as `file:line:column  field.path  message` (two spaces between parts;
 * parts that are unknown are left out).
 *
 * @example
 * formatProblem({ file: 'a.yaml', line: 3, column: 7, field: 'cases[0].id', message: 'required' })
 * // 'a.yaml:3:7  cases[0].id  required'
 */
export function formatProblem(p: Problem): string {
  let where = p.file;
  if (p.line !== undefined) {
    where += `:${p.line}`;
    if (p.column !== undefined) where += `:${p.column}`;
  }
  return [where, p.field, p.message].filter((part) => part !== undefined && part !== '').join('  ');
}

/** Turns a path such as `['cases', 3, 'turns', 0]` into `cases[3].turns[0]`. */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      out += /^[A-Za-z_$][\w$-]*$/.test(key) ? (out ? `.${key}` : key) : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/** Sorts problems by file, then line, then column; removes exact duplicates. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = formatProblem(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0),
  );
}

/**
 * The known name closest to `name` (by edit distance, ignoring case, `_` and `-`), when it is
 * close enough to be a likely typo.
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const d = editDistance(norm(name), norm(candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = Math.max(1, Math.floor(name.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/** `unknown key "mustmatch" (did you mean "must_match"?)` style suffix. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const close = closestName(name, known);
  return close === undefined ? '' : ` (did you mean "${close}"?)`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
