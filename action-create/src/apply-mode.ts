import { UserError } from '@efs-dr/core';
import type { ActionContext } from './context.ts';
import type { ModeResult } from './report.ts';

export async function runApply(_ctx: ActionContext): Promise<ModeResult> {
  throw new UserError('mode apply is not implemented yet');
}
