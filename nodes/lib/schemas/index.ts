// Every payload the package reads or emits, as zod schemas: one file per source.

export * from './common';
export * from './claude-api';
export * from './claude-code-credentials';
export * from './claude-code-log';
export * from './usage-payload';
