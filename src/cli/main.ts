import { Command, CommanderError } from 'commander';
import { ConvotestError, EXIT, exitCodeFor } from '../errors.js';
import { TOOL_VERSION } from '../version.js';
import { importCommand } from './import.js';
import { initCommand } from './init.js';
import { regradeCommand } from './regrade.js';
import { runCommand } from './run.js';
import { validateCommand } from './validate.js';
import { verifyCommand } from './verify.js';
import { reportCommand } from './report.js';
import { viewCommand } from './view.js';
import { agreementCommand } from './agreement.js';
import { gateCommand } from './gate.js';
import { compareCommand } from './compare.js';
import { analyticsCommand } from './analytics.js';
import { mergeCommand } from './merge.js';
import { exportCommand } from './export.js';

/** What a command needs from the program around it. */
export interface CliContext {
  /** Record the command's outcome (0 ok, 1 gate failed, 2 bad input, 3 incomplete); the worst wins. */
  setExitCode(code: number): void;
  /** Console output, injectable for tests. */
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * Each command lives in its own file and exports a factory `(ctx) => Command`.
 * Add new commands to this list.
 */
const commands: Array<(ctx: CliContext) => Command> = [initCommand, runCommand, regradeCommand, validateCommand, verifyCommand, reportCommand, viewCommand, agreementCommand, importCommand, gateCommand, compareCommand, analyticsCommand, mergeCommand, exportCommand];

/** Runs the CLI with `argv` (without node and script) and resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('convotest')
    .description('Regression tests for chat agents: replay golden conversations, grade every reply, gate merges.')
    .version(TOOL_VERSION)
    .option('--debug', 'print stack traces for errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const exitCode = { value: EXIT.ok as number };
  const ctx: CliContext = {
    setExitCode: (code) => {
      exitCode.value = Math.max(exitCode.value, code);
    },
    stdout: process.stdout,
    stderr: process.stderr,
  };
  for (const make of commands) program.addCommand(make(ctx).exitOverride());

  // `convotest ... | head` closes the pipe early: that is not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(exitCode.value);
      throw error;
    });
  }
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode.value;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; usage errors are bad input.
      return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    reportError(error, debug);
    return exitCodeFor(error);
  }
}

/** One line for user errors (with file, line and field); a stack only with --debug. */
export function reportError(error: unknown, debug: boolean): void {
  if (debug && error instanceof Error) {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    return;
  }
  const message = error instanceof ConvotestError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`convotest: ${message}\n`);
}
