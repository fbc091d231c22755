import { z } from 'zod';
import type { ChatModel, ChatRequest, ChatResponse } from '../src/models/chat.js';

type Json = Record<string, unknown>;

/**
 * A value that satisfies a JSON Schema, built from its constraints: the first enum/const value,
 * minimum numbers (or the midpoint of a range), `minItems` array items (every `prefixItems`),
 * every property of an object, the first branch of anyOf/oneOf.
 */
export function instanceOf(schema: Json, root: Json = schema): unknown {
  if (typeof schema['$ref'] === 'string') {
    const name = (schema['$ref'] as string).split('/').pop()!;
    const defs = (root['$defs'] ?? root['definitions'] ?? {}) as Record<string, Json>;
    return instanceOf(defs[name] ?? {}, root);
  }
  if (schema['const'] !== undefined) return schema['const'];
  if (Array.isArray(schema['enum'])) return schema['enum'][0];
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length > 0) return instanceOf(branches[0] as Json, root);
  }
  const type = Array.isArray(schema['type']) ? (schema['type'] as string[]).find((t) => t !== 'null') : schema['type'];
  switch (type) {
    case 'object': {
      const props = (schema['properties'] ?? {}) as Record<string, Json>;
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, instanceOf(v, root)]));
    }
    case 'array': {
      const prefix = (schema['prefixItems'] ?? []) as Json[];
      const n = Math.max(Number(schema['minItems'] ?? 0), prefix.length, 1);
      return Array.from({ length: n }, (_, i) => instanceOf(prefix[i] ?? ((schema['items'] ?? {}) as Json), root));
    }
    case 'integer':
    case 'number': {
      const min = Number(schema['minimum'] ?? schema['exclusiveMinimum'] ?? 0);
      const max = Number(schema['maximum'] ?? schema['exclusiveMaximum'] ?? min + 1);
      const mid = (min + max) / 2;
      return type === 'integer' ? Math.ceil(mid) : mid;
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    default: {
      const min = Number(schema['minLength'] ?? 0);
      return 'ok'.padEnd(Math.max(2, min), 'k');
    }
  }
}

/**
 * A real ChatModel that answers every structured-output request with a valid instance of the
 * requested schema (and plain requests with a fixed sentence). Deterministic; records requests.
 */
export class ScriptedJudge implements ChatModel {
  readonly provider = 'scripted';
  readonly model = 'scripted-judge';
  readonly requests: ChatRequest[] = [];
  /** Optional per-request answer, tried before the generic one (return undefined to fall through). */
  constructor(private readonly answer?: (request: ChatRequest) => unknown) {}

  async chat(request: ChatRequest): Promise<ChatResponse> {
    this.requests.push(request);
    let content = 'ok';
    let parsed: unknown;
    if (request.schema) {
      const value =
        this.answer?.(request) ?? instanceOf(z.toJSONSchema(request.schema.schema, { io: 'input', unrepresentable: 'any' }) as Json);
      const checked = request.schema.schema.safeParse(value);
      parsed = checked.success ? checked.data : value;
      content = JSON.stringify(value);
    }
    return {
      content,
      toolCalls: [],
      parsed,
      usage: { input: 10, output: 5, cached: 0 },
      latencyMs: 1,
      model: this.model,
      finishReason: 'stop',
    };
  }
}
