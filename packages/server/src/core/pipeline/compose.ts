import type { PipelineContext, Stage, StageContribution } from './stage.js';
import { STAGE_ORDER } from './stage-order.js';

/** Puts contributed stages in STAGE_ORDER, each extra stage right after the one it names. */
export function orderStages(contributions: readonly StageContribution[]): StageContribution[] {
  const byName = new Map<string, StageContribution>();
  for (const c of contributions) {
    if (byName.has(c.name)) throw new Error(`two modules contribute the pipeline stage "${c.name}"`);
    byName.set(c.name, c);
  }
  const known = new Set<string>(STAGE_ORDER);
  const followers = new Map<string, StageContribution[]>();
  for (const c of contributions) {
    if (known.has(c.name)) continue;
    if (!c.after) throw new Error(`pipeline stage "${c.name}" is not in STAGE_ORDER and names no stage to follow`);
    const list = followers.get(c.after) ?? [];
    list.push(c);
    followers.set(c.after, list);
  }
  const ordered: StageContribution[] = [];
  const place = (name: string): void => {
    const c = byName.get(name);
    if (c) ordered.push(c);
    for (const f of followers.get(name) ?? []) place(f.name);
  };
  for (const name of STAGE_ORDER) place(name);
  const missing = contributions.filter((c) => !ordered.includes(c));
  if (missing.length) throw new Error(`pipeline stage "${missing[0]!.name}" follows "${missing[0]!.after}", which no module contributes`);
  return ordered;
}

/** One function that runs the stages in order, each calling the next through `next()`. */
export function composeStages(stages: readonly Stage[]): (ctx: PipelineContext) => Promise<void> {
  const count = stages.length;
  return (ctx) => {
    const run = (i: number): Promise<void> => (i === count ? Promise.resolve() : stages[i]!(ctx, () => run(i + 1)));
    return run(0);
  };
}
