import * as z from 'zod';
import { StructuredOutputError } from './errors.js';

/**
 * JSON Schema of a zod schema, as sent to providers (no `$schema` key). Converted once per schema
 * object and shared by every call with it (a judge sends the same schema with each of its calls,
 * and the conversion cost more than the rest of building the request): do not mutate it.
 */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  let json = jsonSchemas.get(schema);
  if (!json) {
    const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { unrepresentable: 'any' }) as Record<string, unknown>;
    json = rest;
    jsonSchemas.set(schema, json);
  }
  return json;
}

// Keyed by the zod schema object: an entry lives as long as the schema does.
const jsonSchemas = new WeakMap<z.ZodType, Record<string, unknown>>();
const strictness = new WeakMap<object, boolean>();

/** {@link isStrictCompatible} of a schema {@link jsonSchemaOf} returned, worked out once per schema. */
export function isStrictCompatibleOnce(schema: Record<string, unknown>): boolean {
  let strict = strictness.get(schema);
  if (strict === undefined) {
    strict = isStrictCompatible(schema);
    strictness.set(schema, strict);
  }
  return strict;
}

/**
 * Whether OpenAI strict mode accepts this JSON Schema: every object lists all its properties as
 * required and forbids additional ones (zod optional fields break this, so strict is then off).
 */
export function isStrictCompatible(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.every(isStrictCompatible);
  if (typeof schema !== 'object' || schema === null) return true;
  const s = schema as Record<string, unknown>;
  if (s.type === 'object' || s.properties) {
    const props = Object.keys((s.properties ?? {}) as object);
    const required = Array.isArray(s.required) ? s.required : [];
    if (s.additionalProperties !== false) return false;
    if (!props.every((p) => required.includes(p))) return false;
  }
  return Object.values(s).every(isStrictCompatible);
}

/**
 * Parses and validates a structured answer. Throws StructuredOutputError (E_JUDGE_PARSE) with
 * the raw text when it is not JSON or does not match the schema.
 */
export function parseStructured(raw: string, schema: z.ZodType, who: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new StructuredOutputError(`${who}: structured output is not JSON`, raw, { cause: error });
  }
  return validateStructured(value, raw, schema, who);
}

/** Validates an already-parsed structured answer (Anthropic tool input). */
export function validateStructured(value: unknown, raw: string, schema: z.ZodType, who: string): unknown {
  const result = schema.safeParse(value);
  if (!result.success) {
    const first = result.error.issues[0];
    const where = first?.path.length ? ` at ${first.path.join('.')}` : '';
    throw new StructuredOutputError(
      `${who}: structured output does not match the schema${where}: ${first?.message ?? 'invalid'}`,
      raw,
      { cause: result.error },
    );
  }
  return result.data;
}
