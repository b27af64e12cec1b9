export * from './logger.ts';
export * from './problem.ts';
