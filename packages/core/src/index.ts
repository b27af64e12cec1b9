export * from './logger.ts';
export * from './problem.ts';
export * from './yaml-document.ts';
export * from './quantity.ts';
export * from './request.ts';
export * from './config.ts';
export * from './naming.ts';
