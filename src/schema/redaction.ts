import * as z from 'zod';
import { compileLinearOnly } from '../core/regex.js';

/** A `redaction.custom` pattern: valid, and runnable on the linear-time engine. */
const CustomPatternSchema = z.string().min(1).superRefine((source, ctx) => {
  try {
    compileLinearOnly(source);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

/** PII redaction (config `redaction:`). */
export const RedactionConfigSchema = z.strictObject({
  /** Redact transcripts before they are written to the run record. */
  enabled: z.boolean().default(false),
  /** Also redact what is sent to a judge. */
  beforeJudge: z.boolean().default(false),
  kinds: z
    .array(z.enum(['email', 'phone', 'card', 'iban', 'national_id', 'ip']))
    .default(['email', 'phone', 'card', 'iban', 'national_id', 'ip']),
  /** Extra detectors: placeholder kind → regex string (`(?i)…`, `/…/flags`; no lookahead or backreferences). */
  custom: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), CustomPatternSchema).default({}),
});
export type RedactionConfig = z.infer<typeof RedactionConfigSchema>;
