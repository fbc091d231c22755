import { Command } from 'commander';
import { InputError } from '../errors.js';
import type { CliContext } from './main.js';

/** `convotest view <run>`: serves the report locally and records reviewers' labels. */
export function viewCommand(ctx: CliContext): Command {
  return new Command('view')
    .description('serve the report of a run on 127.0.0.1 and record human labels on its grades')
    .argument('<run>', 'run record (runs/<id>.jsonl)')
    .option('--baseline <run>', 'baseline run, for the verdict and flipped cases')
    .option('--port <n>', 'port (default: a random free port)', (v) => Number.parseInt(v, 10))
    .option('--host <host>', 'interface to listen on (never 0.0.0.0 unless given here)', '127.0.0.1')
    .option('--reviewer <name>', 'your name on labels (default: $CONVOTEST_REVIEWER, else $USER)')
    .option('--labels <file>', 'labels file to append to (default: <run>.labels.jsonl)')
    .option('--carry-labels <files...>', "earlier labels files to show (read only), e.g. the baseline's")
    .addHelpText(
      'after',
      `
Examples:
  convotest view runs/r1.jsonl --reviewer ana
  convotest view runs/r2.jsonl --baseline runs/r1.jsonl --port 8040
  convotest view runs/r2.jsonl --carry-labels runs/r1.labels.jsonl   # same transcripts keep their verdicts

Labels are appended to <run>.labels.jsonl (hash-chained; the run record is never modified).`,
    )
    .action(async (run: string, opts: { baseline?: string; port?: number; host: string; reviewer?: string; labels?: string; carryLabels?: string[] }) => {
      if (opts.port !== undefined && !(Number.isInteger(opts.port) && opts.port >= 0 && opts.port < 65536)) {
        throw new InputError('--port must be a port number', { file: '', field: '--port' });
      }
      const reviewer = opts.reviewer ?? process.env.CONVOTEST_REVIEWER ?? process.env.USER ?? 'unknown';
      const { startViewServer } = await import('../review/server.js');
      const server = await startViewServer({
        runPath: run,
        ...(opts.baseline ? { baselinePath: opts.baseline } : {}),
        ...(opts.labels ? { labelsPath: opts.labels } : {}),
        ...(opts.carryLabels ? { extraLabels: opts.carryLabels } : {}),
        host: opts.host,
        ...(opts.port !== undefined ? { port: opts.port } : {}),
        reviewer,
      });
      ctx.stdout.write(`convotest view: ${server.url} (reviewer ${reviewer}; labels → ${server.labelsPath}; Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await server.close();
    });
}
