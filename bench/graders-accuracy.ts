/**
 * Accuracy of the deterministic graders on public, labelled dev sets (read in place from
 * ../shared/data, or $CONVOTEST_SHARED_DATA). Run: npx tsx bench/graders-accuracy.ts
 * Thresholds and lexicons are tuned on these dev sets only.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Grader } from '../src/grading/grader.js';
import { detectHandoff, toolCallsOf } from '../src/grading/outcomes/detect.js';
import { DEFAULT_LEXICON } from '../src/grading/outcomes/lexicon.js';
import { detectOutcome } from '../src/grading/outcomes/outcome.js';
import { matchTools } from '../src/grading/outcomes/tools.js';
import { loadGraders } from '../src/grading/registry.js';
import { compoundOf, sentimentLabel } from '../src/grading/sentiment-lexicon.js';
import { loadGraderFiles } from '../src/io/grader-files.js';
import { importOpenAiMessages } from '../src/io/import-openai.js';
import type { TranscriptMessage } from '../src/schema/run-record.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DATA = path.resolve(process.env['CONVOTEST_SHARED_DATA'] ?? path.resolve(ROOT, '../shared/data'));
if (!existsSync(DATA)) {
  console.log(`graders-accuracy: needs the labelled dev sets in ${DATA} (not found; set CONVOTEST_SHARED_DATA)`);
  process.exit(0);
}
const read = (p: string) => readFileSync(path.join(DATA, p), 'utf8');
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

function binary(pairs: ReadonlyArray<{ predicted: boolean; actual: boolean }>) {
  const tp = pairs.filter((p) => p.predicted && p.actual).length;
  const fp = pairs.filter((p) => p.predicted && !p.actual).length;
  const fn = pairs.filter((p) => !p.predicted && p.actual).length;
  const tn = pairs.length - tp - fp - fn;
  return { tp, fp, fn, tn, precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), agreement: ratio(tp + tn, pairs.length) };
}

// ---------------------------------------------------------------------------- sentiment
function sentiment(): void {
  const rows = read('uci-sentiment-amazon/amazon_cells_labelled.txt')
    .split('\n')
    .filter((l) => l.includes('\t'))
    .map((l) => {
      const [text, label] = l.split('\t');
      return { text: text!, positive: label!.trim() === '1' };
    });
  const predicted = rows.map((r) => ({ ...r, label: sentimentLabel(compoundOf(r.text)) }));
  const neutral = predicted.filter((p) => p.label === 'neutral').length;
  const correct = predicted.filter((p) => (p.positive ? p.label === 'positive' : p.label === 'negative')).length;
  const f1 = (cls: 'positive' | 'negative') => {
    const tp = predicted.filter((p) => p.label === cls && (cls === 'positive') === p.positive).length;
    const fp = predicted.filter((p) => p.label === cls && (cls === 'positive') !== p.positive).length;
    const fn = predicted.filter((p) => p.label !== cls && (cls === 'positive') === p.positive).length;
    return ratio(2 * tp, 2 * tp + fp + fn);
  };
  const decided = predicted.filter((p) => p.label !== 'neutral');
  const decidedCorrect = decided.filter((p) => (p.label === 'positive') === p.positive).length;
  console.log(`\n## Sentiment (VADER lexicon) on uci-sentiment-amazon (${rows.length} sentences)`);
  console.log(`accuracy ${pct(correct / rows.length)}  macro-F1 ${((f1('positive') + f1('negative')) / 2).toFixed(3)}  (neutral predictions counted as wrong)`);
  console.log(`neutral predictions ${neutral} (${pct(neutral / rows.length)}); accuracy on the ${decided.length} non-neutral: ${pct(decidedCorrect / decided.length)}`);
  console.log(`F1 positive ${f1('positive').toFixed(3)}  F1 negative ${f1('negative').toFixed(3)}`);
  // Binary reading: anything under the positive cutoff (compound < 0.05) read as negative.
  const asBinary = predicted.map((p) => ({ predicted: p.label === 'positive', actual: p.positive }));
  const b = binary(asBinary);
  const f1pos = ratio(2 * b.tp, 2 * b.tp + b.fp + b.fn);
  const f1neg = ratio(2 * b.tn, 2 * b.tn + b.fn + b.fp);
  console.log(`binary reading (neutral read as negative): accuracy ${pct(b.agreement)}  macro-F1 ${((f1pos + f1neg) / 2).toFixed(3)}`);
}

// ---------------------------------------------------------------------------- grounding
/** The shipped graders/grounding.yaml grader's score of a one-turn transcript (question → answer) with the knowledge. */
async function groundingScore(grader: Grader, knowledge: string, question: string, answer: string): Promise<number> {
  const grade = await grader.grade({
    case: { id: 'bench', tags: {}, knowledge: [{ id: 'k', content: knowledge }], graders: [], source: { file: 'bench' } },
    transcript: [
      { role: 'user', content: question },
      { role: 'assistant', content: answer },
    ],
    variant: 'bench',
    signal: new AbortController().signal,
  });
  if (grade.score === null) throw new Error(`grounding error: ${grade.error?.message}`);
  return grade.score;
}

async function halueval(grader: Grader, thresholds: number[]): Promise<void> {
  const items = read('halueval-qa-dev/qa_first250.jsonl')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { knowledge: string; question: string; right_answer: string; hallucinated_answer: string });
  const right: number[] = [];
  const halu: number[] = [];
  for (const i of items) {
    right.push(await groundingScore(grader, i.knowledge, i.question, i.right_answer));
    halu.push(await groundingScore(grader, i.knowledge, i.question, i.hallucinated_answer));
  }
  console.log(`\n## Grounding on halueval-qa-dev (${items.length} items × right/hallucinated answer)`);
  for (const t of thresholds) {
    const mark = t === grader.threshold ? ' (shipped)' : '';
    const passed = right.filter((s) => s >= t).length / right.length;
    const flagged = halu.filter((s) => s < t).length / halu.length;
    console.log(
      `threshold ${t}${mark}: right answers passed ${pct(passed)}  hallucinated flagged ${pct(flagged)}  balanced accuracy ${pct((passed + flagged) / 2)}`,
    );
  }
}

/** RFC 4180 CSV (quoted fields may hold commas, quotes and newlines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

async function faithdial(grader: Grader): Promise<void> {
  const [header, ...rows] = parseCsv(read('faithdial-wow-dev/wow.csv')).filter((r) => r.length > 1);
  const col = (name: string) => header!.indexOf(name);
  const items = rows.map((r) => ({
    evidence: r[col('evidence')]!,
    history: r[col('history')]!,
    response: r[col('response')]!,
    label: r[col('BEGIN')]!,
  }));
  const flagged: Array<(typeof items)[number] & { flagged: boolean }> = [];
  for (const i of items) flagged.push({ ...i, flagged: (await groundingScore(grader, i.evidence, i.history, i.response)) < grader.threshold });
  console.log(`\n## Grounding on faithdial-wow-dev/wow.csv (${items.length} responses, threshold ${grader.threshold})`);
  const labels = [...new Set(items.map((i) => i.label))].sort();
  for (const label of labels) {
    const of = flagged.filter((f) => f.label === label);
    console.log(`${label.padEnd(22)} n=${String(of.length).padStart(3)}  flagged ${pct(of.filter((f) => f.flagged).length / of.length)}`);
  }
  const pairs = flagged
    .filter((f) => f.label === 'Hallucination' || f.label === 'Entailment')
    .map((f) => ({ predicted: f.flagged, actual: f.label === 'Hallucination' }));
  const b = binary(pairs);
  const specificity = ratio(b.tn, b.tn + b.fp);
  console.log(
    `Hallucination vs Entailment (n=${pairs.length}): recall ${pct(b.recall)}  precision ${pct(b.precision)}  specificity ${pct(specificity)}  balanced accuracy ${pct((b.recall + specificity) / 2)}`,
  );
}

// ---------------------------------------------------------------------------- outcomes (tau-bench)
function tauBench(): void {
  const file = 'tau-bench-airline-dev/trajectories.json';
  const text = read(file);
  const records = JSON.parse(text) as Array<{
    reward: number;
    info: { task: { actions: Array<{ name: string; kwargs: Record<string, unknown> }> } };
  }>;
  const cases = importOpenAiMessages(text, { file, messagesField: 'traj' });
  const rows = cases.map((c, i) => {
    const transcript = (c.transcript ?? []) as TranscriptMessage[];
    const calls = toolCallsOf(transcript);
    const transferred = calls.some((t) => t.name === 'transfer_to_human_agents');
    const record = records[i]!;
    const expected = record.info.task.actions.map((a) => ({ name: a.name, arguments: a.kwargs }));
    return {
      transferred,
      detected: detectHandoff(transcript, DEFAULT_LEXICON).detected,
      phraseOnly: detectHandoff(transcript, DEFAULT_LEXICON, { tools: false }).detected,
      allMade: matchTools(expected, calls).allMatched,
      solved: record.reward === 1,
    };
  });
  console.log(`\n## Outcome detectors on tau-bench-airline-dev (${rows.length} trajectories)`);
  const transfers = rows.filter((r) => r.transferred).length;
  const show = (name: string, b: ReturnType<typeof binary>) =>
    console.log(`${name}: precision ${pct(b.precision)}  recall ${pct(b.recall)}  agreement ${pct(b.agreement)}  (tp ${b.tp} fp ${b.fp} fn ${b.fn} tn ${b.tn})`);
  console.log(`transfer_to_human_agents called in ${transfers} trajectories`);
  show('escalation (tool pattern + phrases) vs transfer call', binary(rows.map((r) => ({ predicted: r.detected, actual: r.transferred }))));
  show('escalation (phrases only, no tool)  vs transfer call', binary(rows.map((r) => ({ predicted: r.phraseOnly, actual: r.transferred }))));
  const solved = rows.filter((r) => r.solved).length;
  console.log(`reward = 1 in ${solved} trajectories; all expected actions made in ${rows.filter((r) => r.allMade).length}`);
  show('"all expected actions made" as predictor of reward = 1', binary(rows.map((r) => ({ predicted: r.allMade, actual: r.solved }))));
}

// ---------------------------------------------------------------------------- order completion (Taskmaster-4)
function taskmaster(): void {
  const dialogues = JSON.parse(read('taskmaster4-coffee-dev/dialogues_first125.json')) as Array<{
    utterances: Array<{ speaker: string; text: string; annotations?: Array<{ name: string; value: string }> }>;
  }>;
  const empty = { id: 'tm', tags: {}, knowledge: [], graders: [], source: { file: 'taskmaster' } };
  const rows = dialogues.map((d) => {
    // text only: the API calls are annotations, not tool calls, so detection reads the words alone
    const transcript: TranscriptMessage[] = d.utterances.map((u) => ({ role: u.speaker === 'user' ? 'user' : 'assistant', content: u.text }));
    const outcome = detectOutcome(empty, transcript, DEFAULT_LEXICON).detectedOutcome;
    const finished = d.utterances.some((u) => (u.annotations ?? []).some((a) => a.name === 'api_call' && a.value === 'finish_order'));
    return { predicted: outcome === 'resolved' || outcome === 'converted', actual: finished };
  });
  const b = binary(rows);
  console.log(`\n## Order completion on taskmaster4-coffee-dev (${rows.length} dialogues, text only)`);
  console.log(`finish_order called in ${rows.filter((r) => r.actual).length}`);
  console.log(
    `detected resolved/converted vs finish_order: precision ${pct(b.precision)}  recall ${pct(b.recall)}  agreement ${pct(b.agreement)}  (tp ${b.tp} fp ${b.fp} fn ${b.fn} tn ${b.tn})`,
  );
}

async function main(): Promise<void> {
  const files = await loadGraderFiles(['graders/grounding.yaml'], { cwd: ROOT });
  const { graders, problems } = loadGraders(files.graders, { cwd: ROOT });
  if (problems.length > 0 || !graders[0]) throw new Error(`graders/grounding.yaml: ${JSON.stringify(problems)}`);
  sentiment();
  await halueval(graders[0], [0.5, 0.75, 1]);
  await faithdial(graders[0]);
  tauBench();
  taskmaster();
}

await main();
