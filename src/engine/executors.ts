import type { LoadModel } from '../core/profile';
import { ClosedExecutor } from './closed';
import type { Executor, ExecutorContext } from './executor';
import { OpenExecutor } from './open';

/** One executor per load model, named as in profiles (load.model). */
export const executors: Record<LoadModel, (ctx: ExecutorContext) => Executor> = {
  closed: (ctx) => new ClosedExecutor(ctx),
  open: (ctx) => new OpenExecutor(ctx),
};
