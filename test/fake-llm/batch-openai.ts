import type { BatchReply, BatchStore, FakeBatch } from './batch-common.js';

interface StoredFile {
  id: string;
  filename: string;
  purpose: string;
  content: string;
}

/**
 * The OpenAI Batch API of the fake server: `POST /v1/files` (multipart, purpose `batch`),
 * `GET /v1/files/{id}/content`, `POST /v1/batches`, `GET /v1/batches/{id}`. Each line of the
 * input file is answered like `/v1/chat/completions`; answers go to the output file, failures
 * (a fault) to the error file, as the real API does.
 */
export function createOpenAIBatches(store: BatchStore) {
  const files = new Map<string, StoredFile>();
  const addFile = (filename: string, purpose: string, content: string): StoredFile => {
    const file = { id: store.nextId('file-'), filename, purpose, content };
    files.set(file.id, file);
    return file;
  };
  const fileObject = (f: StoredFile) => ({
    id: f.id,
    object: 'file',
    bytes: Buffer.byteLength(f.content),
    created_at: Math.floor(Date.now() / 1000),
    filename: f.filename,
    purpose: f.purpose,
    status: 'processed',
  });
  /** Output and error files of each ended batch, made once. */
  const outputs = new Map<string, { output?: string; error?: string }>();

  const finish = (batch: FakeBatch) => {
    let made = outputs.get(batch.id);
    if (made) return made;
    const ok: string[] = [];
    const failed: string[] = [];
    let n = 0;
    for (const customId of batch.customIds) {
      const o = batch.outcomes.get(customId)!;
      const id = `batch_req_${++n}`;
      if (o.kind === 'ok') ok.push(JSON.stringify({ id, custom_id: customId, response: { status_code: 200, request_id: id, body: o.body }, error: null }));
      else if (o.kind === 'expired') {
        failed.push(JSON.stringify({ id, custom_id: customId, response: null, error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' } }));
      } else {
        const [status, type, message] = o.kind === 'invalid' ? [400, 'invalid_request_error', 'Invalid request.'] : [500, 'server_error', 'The server had an error while processing your request.'];
        failed.push(JSON.stringify({ id, custom_id: customId, response: { status_code: status, request_id: id, body: { error: { message, type, param: null, code: null } } }, error: null }));
      }
    }
    made = {
      ...(ok.length ? { output: addFile(`${batch.id}_output.jsonl`, 'batch_output', `${ok.join('\n')}\n`).id } : {}),
      ...(failed.length ? { error: addFile(`${batch.id}_error.jsonl`, 'batch_output', `${failed.join('\n')}\n`).id } : {}),
    };
    outputs.set(batch.id, made);
    return made;
  };

  const batchObject = (batch: FakeBatch, inputFileId: string) => {
    const c = store.counts(batch);
    const made = batch.ended ? finish(batch) : undefined;
    return {
      id: batch.id,
      object: 'batch',
      endpoint: '/v1/chat/completions',
      input_file_id: inputFileId,
      completion_window: '24h',
      status: batch.ended ? (batch.expired ? 'expired' : 'completed') : batch.polls === 0 ? 'validating' : 'in_progress',
      created_at: batch.createdAt,
      output_file_id: made?.output ?? null,
      error_file_id: made?.error ?? null,
      request_counts: { total: batch.customIds.length, completed: batch.ended ? c.ok : 0, failed: batch.ended ? c.failed + c.expired : 0 },
      errors: null,
      metadata: null,
    };
  };
  const inputOf = new Map<string, string>();

  return {
    /** Answers a batch-API request, or returns undefined when the path is not one. */
    async handle(method: string, path: string, raw: Buffer, contentType: string): Promise<BatchReply | undefined> {
      if (method === 'POST' && path === '/v1/files') {
        const form = await new Request('http://fake/v1/files', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(raw) }).formData();
        const file = form.get('file');
        const purpose = String(form.get('purpose') ?? '');
        if (!(file instanceof Blob) || purpose !== 'batch') return { status: 400, body: { error: { message: 'expected a file with purpose "batch"', type: 'invalid_request_error' } } };
        const name = file instanceof File ? file.name : 'upload.jsonl';
        return { status: 200, body: fileObject(addFile(name, purpose, await file.text())) };
      }
      const content = /^\/v1\/files\/([^/]+)\/content$/.exec(path);
      if (method === 'GET' && content) {
        const f = files.get(content[1]!);
        return f ? { status: 200, text: f.content } : { status: 404, body: { error: { message: `No such File object: ${content[1]}`, type: 'invalid_request_error' } } };
      }
      if (method === 'POST' && path === '/v1/batches') {
        const body = JSON.parse(raw.toString('utf8')) as { input_file_id?: string; endpoint?: string };
        const input = body.input_file_id ? files.get(body.input_file_id) : undefined;
        if (!input || body.endpoint !== '/v1/chat/completions') return { status: 400, body: { error: { message: 'unknown input_file_id or endpoint', type: 'invalid_request_error' } } };
        const items = input.content
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => JSON.parse(l) as { custom_id: string; body: Record<string, unknown> })
          .map((l) => ({ customId: l.custom_id, body: l.body }));
        const batch = store.create('openai', 'batch_', items);
        inputOf.set(batch.id, input.id);
        return { status: 200, body: batchObject(batch, input.id) };
      }
      const one = /^\/v1\/batches\/([^/]+)$/.exec(path);
      if (method === 'GET' && one) {
        const batch = store.batches.get(one[1]!);
        if (!batch || batch.provider !== 'openai') return { status: 404, body: { error: { message: `No such batch: ${one[1]}`, type: 'invalid_request_error' } } };
        store.poll(batch);
        return { status: 200, body: batchObject(batch, inputOf.get(batch.id) ?? '') };
      }
      return undefined;
    },
  };
}
