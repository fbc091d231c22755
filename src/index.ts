/**
 * convotest as a library. Re-exports only: the types of the file formats (inferred from their
 * zod schemas), `defineConfig`, the extension contracts (agent functions, graders), and the
 * building blocks the CLI is made of.
 */
export { defineConfig, loadConfig } from './io/config.js';
export type { Config, ConfigInput, AgentConfig, JudgeConfig, ModelRef } from './schema/config.js';
export { ConfigSchema, AgentConfigSchema } from './schema/config.js';
export type { GoldenCase, GoldenFile, ResolvedCase, KnowledgeDoc, Turn, Tags } from './schema/golden-set.js';
export { GoldenFileSchema, GoldenCaseSchema } from './schema/golden-set.js';
export type { Message, ToolCall, ToolDefinition, Usage } from './schema/message.js';
export type { Grade, Evidence } from './schema/grade.js';
export type { GraderDefinition } from './schema/grader-definition.js';
export type { RunHeader, RunResult, RunSummaryLine, TranscriptMessage, RunStatus } from './schema/run-record.js';
export { RunHeaderSchema, RunResultSchema, RUN_FORMAT_VERSION } from './schema/run-record.js';
export type { GateRules } from './schema/gate.js';

export type { Agent, AgentFunction, AgentInput, AgentReply } from './agents/agent.js';
export { createAgent, agentSkipReason } from './agents/registry.js';
export type { ChatModel, ChatRequest, ChatResponse } from './models/chat.js';
export { createChatModel } from './models/index.js';
export type { Grader, GraderKind, GradeInput } from './grading/grader.js';
export { loadGraders, builtinGraderKinds } from './grading/registry.js';

export { loadGoldenSets, validateGoldenSets } from './io/golden-sets.js';
export { readRun, readRunAll } from './io/run-reader.js';
export { createRunWriter } from './io/run-writer.js';
export { prepareRun } from './runner/prepare.js';
export { executeRun } from './runner/execute.js';
export { runEval } from './runner/run.js';
export type { RunReporter } from './runner/events.js';
export { createSummaryAccumulator, summarize } from './core/summary.js';
export { gate, gateRun } from './core/gate.js';
export { renderHtmlReport } from './report/html.js';
export { ConvotestError, InputError, EXIT } from './errors.js';

export { assignVariant } from './analytics/assign.js';
export { ChatEventSchema, EVENT_TYPES } from './analytics/events.js';
export type { ChatEvent, ChatEventInput, EventType } from './analytics/events.js';
