import type { ResolvedCase } from '../schema/golden-set.js';
import type { ToolDefinition } from '../schema/message.js';

/** How a variant offers tools: the case's expected tools, none, or a fixed list. */
export type ToolsSetting = 'expected' | 'none' | ToolDefinition[];

/** An open parameter schema: every JSON object is accepted. */
export const OPEN_PARAMETERS: Record<string, unknown> = { type: 'object', properties: {}, additionalProperties: true };

/**
 * The tools a variant offers for a case. With `expected`, every tool named in the case's
 * conversation-level or per-turn `expect.tools` is offered once, in order of first mention, as
 * an open function schema (name + any-object parameters), since a golden set records which tool
 * should be called, not its full schema. Returns undefined when there is nothing to offer.
 *
 * @example
 * offeredTools('expected', aCase) // [{ name: 'transfer_to_human', parameters: { type: 'object', ... } }]
 */
export function offeredTools(setting: ToolsSetting, testCase: ResolvedCase): ToolDefinition[] | undefined {
  if (setting === 'none') return undefined;
  if (Array.isArray(setting)) return setting.length > 0 ? setting : undefined;
  const names: string[] = [];
  const add = (tools: Array<{ name: string }> | undefined): void => {
    for (const tool of tools ?? []) if (!names.includes(tool.name)) names.push(tool.name);
  };
  add(testCase.expect?.tools);
  for (const turn of testCase.turns ?? []) add(turn.expect?.tools);
  if (names.length === 0) return undefined;
  return names.map((name) => ({ name, parameters: { ...OPEN_PARAMETERS } }));
}
