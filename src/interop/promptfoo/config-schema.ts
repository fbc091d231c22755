import * as z from 'zod';

/**
 * The parts of a promptfoo config (`promptfooconfig.yaml`, promptfoo 0.121.x) that
 * `convotest import promptfoo` reads. Loose objects: keys we do not read are kept, and the
 * importer names those that change what a test checks (never a silent drop).
 * Reference: https://www.promptfoo.dev/docs/configuration/reference/
 */

/** One assertion: `type` (e.g. `contains`, `not-regex`, `llm-rubric`), its `value` and modifiers. */
export const PromptfooAssertionSchema = z.looseObject({
  type: z.string().min(1),
  value: z.unknown().optional(),
  threshold: z.number().optional(),
  weight: z.number().optional(),
  metric: z.string().optional(),
  transform: z.string().optional(),
  provider: z.unknown().optional(),
  config: z.record(z.string(), z.unknown()).optional(),
});
export type PromptfooAssertion = z.infer<typeof PromptfooAssertionSchema>;

/** A test: variables for the prompt, assertions, metadata (`conversationId` chains turns). */
export const PromptfooTestSchema = z.looseObject({
  description: z.string().optional(),
  vars: z.record(z.string(), z.unknown()).optional(),
  assert: z.array(PromptfooAssertionSchema).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  options: z.record(z.string(), z.unknown()).optional(),
});
export type PromptfooTest = z.infer<typeof PromptfooTestSchema>;

/** A prompt: a template string (or `file://` path), or `{ raw | id, label }`. */
export const PromptfooPromptSchema = z.union([
  z.string(),
  z.looseObject({ raw: z.string().optional(), id: z.string().optional(), label: z.string().optional() }),
]);

export const PromptfooConfigSchema = z.looseObject({
  description: z.string().optional(),
  prompts: z.union([z.string(), z.array(PromptfooPromptSchema)]).optional(),
  providers: z.unknown().optional(),
  /** Tests, or `file://` references to test files; each test is checked by read.ts (for a precise field path). */
  tests: z.union([z.string(), z.array(z.unknown())]).optional(),
  defaultTest: z.unknown().optional(),
});
export type PromptfooConfig = z.infer<typeof PromptfooConfigSchema>;

/** A prompt after its file was read: a text template, or a chat template (JSON array of messages, rendered first). */
export interface LoadedPrompt {
  /** Where it came from: `prompts[0]` or the file path. */
  label: string;
  template: string;
}

/** A test after `file://` references were read, with where it came from (`tests[3]`). */
export interface LoadedTest {
  at: string;
  test: PromptfooTest;
}

/** A promptfoo config with its prompts, tests and default test read from their files. */
export interface LoadedPromptfoo {
  /** The config file's name, as given. */
  file: string;
  description?: string;
  prompts: LoadedPrompt[];
  tests: LoadedTest[];
  defaultTest: PromptfooTest;
  /** Parts that could not be read (prompt scripts, CSV tests…), each named with why. */
  unread: Array<{ at: string; reason: string }>;
}
