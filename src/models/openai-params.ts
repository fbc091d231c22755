import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';

/**
 * Sampling parameters some OpenAI models refuse (reasoning models take no `temperature` or
 * `top_p`; newer models want `max_completion_tokens`, many compatible servers only `max_tokens`).
 * When the server answers 400 naming one of these in `param`, the request is adapted and sent
 * once more, and the model remembers the adaptation for its later calls. This is not a retry
 * of a failure: the adapted request is a different, valid request.
 */
const ADAPTABLE = ['temperature', 'top_p', 'seed', 'max_tokens', 'max_completion_tokens'] as const;
export type AdaptableParam = (typeof ADAPTABLE)[number];

/** The parameter a 400 response rejected, when it is one we know how to adapt. */
export function rejectedParam(error: unknown): AdaptableParam | undefined {
  if (!(error instanceof OpenAI.BadRequestError)) return undefined;
  return ADAPTABLE.find((p) => p === error.param);
}

/** Adapts the body for a rejected parameter: drops sampling ones, swaps the max-tokens spelling. Returns false when nothing changed. */
export function adaptBody(body: ChatCompletionCreateParamsNonStreaming, param: AdaptableParam): boolean {
  if (!(param in body)) return false;
  if (param === 'max_tokens' || param === 'max_completion_tokens') {
    const value = body[param];
    delete body[param];
    if (typeof value === 'number') body[param === 'max_tokens' ? 'max_completion_tokens' : 'max_tokens'] = value;
    return true;
  }
  delete body[param];
  return true;
}
