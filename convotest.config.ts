import { defineConfig } from './src/io/config.js';

/**
 * The project's own configuration, used by `npm run demo`.
 * - `baseline` needs no model: retrieval over each case's knowledge. It always runs.
 * - The model variants run when their API key is set (OPENAI_API_KEY / ANTHROPIC_API_KEY);
 *   otherwise they are listed as skipped with the reason. Point OPENAI_BASE_URL /
 *   ANTHROPIC_BASE_URL at any compatible server to use another endpoint.
 * - The simulated-customer cases (golden-sets/simulated.yaml) need the simulator below; without
 *   OPENAI_API_KEY they are listed as skipped with the reason, like the model variants.
 */
export default defineConfig({
  goldenSets: ['golden-sets'],
  // Shipped grader definitions, plus a custom grader (a TS module) as an example.
  graders: ['graders', 'examples/graders'],
  defaultGraders: ['pii-leak', 'escalation', 'fallback', 'resolution', 'grounding', 'sentiment', 'support-quality', 'hallucination', 'accuracy', 'reply-length'],
  agents: {
    baseline: { kind: 'baseline', description: 'BM25 retrieval over the case knowledge; the floor every model must beat' },
    'gpt-concise': {
      kind: 'model',
      provider: 'openai',
      model: 'gpt-4o-mini',
      systemFile: 'prompts/support-concise.md',
      params: { temperature: 0.2, maxTokens: 400 },
      tools: 'expected',
    },
    'gpt-detailed': {
      kind: 'model',
      provider: 'openai',
      model: 'gpt-4o-mini',
      systemFile: 'prompts/support-detailed.md',
      params: { temperature: 0.2, maxTokens: 700 },
      tools: 'expected',
    },
    'claude-concise': {
      kind: 'model',
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
      systemFile: 'prompts/support-concise.md',
      params: { temperature: 0.2, maxTokens: 400 },
      tools: 'expected',
    },
  },
  judge: { provider: 'openai', model: 'gpt-4o-mini', temperature: 0 },
  // Plays the customers of `user:` cases; its cost is counted apart from the agents' and the judge's.
  simulator: { provider: 'openai', model: 'gpt-4o-mini', temperature: 0.7, seed: 11, maxTokens: 200 },
  concurrency: { agent: 8, judge: 8 },
  outDir: 'runs',
});
