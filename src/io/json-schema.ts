import * as z from 'zod';
import { ConfigSchema } from '../schema/config.js';
import { GoldenFileSchema } from '../schema/golden-set.js';
import { ChatEventSchema } from '../analytics/events.js';
import { AnalyticsConfigSchema } from '../analytics/config.js';

/** The JSON Schema files generated from the zod schemas, by file name under `schema/`. */
export const JSON_SCHEMA_FILES = {
  'golden-set.schema.json': { schema: GoldenFileSchema, title: 'convotest golden-set file' },
  'config.schema.json': { schema: ConfigSchema, title: 'convotest configuration (convotest.config.yaml)' },
  'chat-event.schema.json': { schema: ChatEventSchema, title: 'convotest chat event (one line of an events JSONL file)' },
  'analytics-config.schema.json': { schema: AnalyticsConfigSchema, title: 'convotest analytics configuration (convotest.analytics.yaml)' },
} as const;

/**
 * Renders the JSON Schemas of the file formats (input side: defaults are optional) as the
 * exact text written to `schema/`, so a test can tell when the committed files are stale.
 *
 * @example
 * const files = renderJsonSchemas(); // { 'golden-set.schema.json': '{\n  "$schema": ...' }
 */
export function renderJsonSchemas(): Record<keyof typeof JSON_SCHEMA_FILES, string> {
  const out = {} as Record<keyof typeof JSON_SCHEMA_FILES, string>;
  for (const [name, { schema, title }] of Object.entries(JSON_SCHEMA_FILES) as Array<
    [keyof typeof JSON_SCHEMA_FILES, (typeof JSON_SCHEMA_FILES)[keyof typeof JSON_SCHEMA_FILES]]
  >) {
    const json = z.toJSONSchema(schema, { io: 'input' });
    out[name] = `${JSON.stringify({ ...json, title }, null, 2)}\n`;
  }
  return out;
}
