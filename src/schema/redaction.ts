import { z } from 'zod';

/** PII redaction (config `redaction:`). */
export const RedactionConfigSchema = z.strictObject({
  /** Redact transcripts before they are written to the run record. */
  enabled: z.boolean().default(false),
  /** Also redact what is sent to a judge. */
  beforeJudge: z.boolean().default(false),
  kinds: z
    .array(z.enum(['email', 'phone', 'card', 'iban', 'national_id', 'ip']))
    .default(['email', 'phone', 'card', 'iban', 'national_id', 'ip']),
  /** Extra detectors: placeholder kind → regex string. */
  custom: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.string()).default({}),
});
export type RedactionConfig = z.infer<typeof RedactionConfigSchema>;
