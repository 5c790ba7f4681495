/** The `plan` output: a stable JSON shape for workflows to read. */
import type { Plan } from './plan.js';

export interface PlanJsonEvent {
  event: string;
  reserved: boolean;
  fromPreviousRevision: boolean;
  steps: { location: string; timeout: number; runas?: string }[];
}

export function planToJson(plan: Plan): PlanJsonEvent[] {
  return plan.events.map((e) => ({
    event: e.event,
    reserved: e.reserved,
    fromPreviousRevision: e.fromPreviousRevision,
    steps: e.steps.map((s) => ({
      location: s.script ?? s.command ?? '',
      timeout: s.timeoutSeconds,
      ...(s.runas ? { runas: s.runas } : {}),
    })),
  }));
}
