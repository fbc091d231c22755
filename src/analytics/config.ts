import * as z from 'zod';
import { EVENT_TYPES } from './events.js';

/** A target: the KPI meets it when it is ≥ min and ≤ max (either may be absent). */
export const TargetSchema = z.strictObject({ min: z.number().optional(), max: z.number().optional() });
export type Target = z.infer<typeof TargetSchema>;

/** Default targets (rates as fractions, CES on its 1–5 scale, revenue in USD per chat). */
export const DEFAULT_TARGETS: Record<string, Target> = {
  deflection: { min: 0.5, max: 0.6 },
  fcr: { min: 0.7, max: 0.8 },
  ces: { min: 4.0 },
  csat: { min: 0.8 },
  escalation: { max: 0.2 },
  conversion: { min: 0.15 },
  revenue_per_chat: { min: 10 },
};

const PropertyKey = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'property names are letters, digits and _');

/** One funnel step: an event type, optionally with property values that must match. */
export const FunnelStepSchema = z.strictObject({
  name: z.string().min(1),
  event: z.enum(EVENT_TYPES as [string, ...string[]]),
  where: z.record(PropertyKey, z.union([z.string(), z.number(), z.boolean()])).optional(),
});
export type FunnelStep = z.infer<typeof FunnelStepSchema>;

export const FunnelSchema = z.strictObject({ name: z.string().min(1), steps: z.array(FunnelStepSchema).min(2).max(12) });
export type Funnel = z.infer<typeof FunnelSchema>;

/** An A/B test of agent variants on one rate KPI, read at a fixed horizon. */
export const ExperimentSchema = z.strictObject({
  name: z.string().min(1),
  /** Variant names and their traffic shares (normalised), e.g. { control: 1, treatment: 1 }. */
  variants: z.record(z.string().min(1), z.number().positive()),
  /** The variant the others are compared with (default: the first). */
  control: z.string().optional(),
  /** The primary metric, a per-session rate. */
  metric: z.enum(['conversion', 'resolution', 'deflection', 'escalation', 'fcr']).default('conversion'),
  /** The smallest absolute change worth detecting (0.03 = 3 points). */
  minimumDetectableEffect: z.number().positive().max(1).default(0.03),
  /** The control's expected rate for planning; default: the control's rate observed so far. */
  baselineRate: z.number().gt(0).lt(1).optional(),
  alpha: z.number().gt(0).lt(0.5).default(0.05),
  power: z.number().gt(0.5).lt(1).default(0.8),
  /** Sessions per variant at which the test is read; default: computed from baseline, effect, alpha and power. */
  plannedSessionsPerVariant: z.number().int().positive().optional(),
});
export type Experiment = z.infer<typeof ExperimentSchema>;

/**
 * The analytics configuration (`convotest.analytics.yaml`): where the events are, targets,
 * funnels and the running A/B test. Secrets are never values here: a PostgreSQL URL with a
 * password is named by its environment variable (`store: { env: ANALYTICS_DATABASE_URL }`).
 */
export const AnalyticsConfigSchema = z.strictObject({
  store: z.union([z.string().min(1), z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) })]).optional(),
  /** Targets by KPI id, merged over the defaults. */
  targets: z.record(z.string(), TargetSchema).default({}),
  /** Intents the golden sets cover; traffic with other intents is reported as unseen. */
  knownIntents: z.array(z.string().min(1)).default([]),
  /** A resolved session counts toward FCR when the user does not come back on the same intent within this many days. */
  fcrWindowDays: z.number().positive().default(7),
  funnels: z.array(FunnelSchema).default([]),
  experiment: ExperimentSchema.optional(),
});
export type AnalyticsConfig = z.infer<typeof AnalyticsConfigSchema>;

/** The targets in force: the defaults with the config's over them. */
export function targetsOf(config: AnalyticsConfig): Record<string, Target> {
  return { ...DEFAULT_TARGETS, ...config.targets };
}
