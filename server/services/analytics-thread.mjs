// Entry of the analytics thread (services/analytics.ts). A worker does not inherit tsx's loader from a process started
// by the tsx CLI, so this plain module registers it before loading the TypeScript that does the work.
import { register } from 'tsx/esm/api';

register();
await import('./analytics-worker.ts');
