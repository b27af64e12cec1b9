export * from './args.ts';
export * from './cli.ts';
export type * from './command.ts';
export { commands } from './commands.ts';
