import { ConvotestError, EXIT } from '../errors.js';

/**
 * Runs `work` with a signal that Ctrl-C aborts: the first press lets the work finish its record
 * (no new case starts), a second press quits at once with exit 3.
 */
export async function withInterrupt<T>(stderr: NodeJS.WritableStream, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT.incomplete);
    stderr.write('\ninterrupted: finishing the record (Ctrl-C again to quit at once)\n');
    controller.abort(new ConvotestError('E_ABORTED', 'interrupted'));
  };
  process.on('SIGINT', onSigint);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
