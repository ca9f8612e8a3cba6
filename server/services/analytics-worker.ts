// The analytics thread: the insight digest and recognition, computed from a read-only connection of its own so that
// reading and tokenizing a range of the history never holds the server's event loop (services/analytics.ts).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { Db } from '../../db/client.js';
import * as schema from '../../db/schema.js';
import { AppError } from '../errors.js';
import { createInsightsRepository } from '../repositories/insights.js';
import { createNameRepository } from '../repositories/names.js';
import { createRecognitionRepository } from '../repositories/recognition.js';
import { createSentimentRepository } from '../repositories/sentiment.js';
import { type AnalyticsData, analyze, type AnalyticsRequest, type AnalyticsResponse } from './analytics.js';

const sqlite = new Database((workerData as { path: string }).path, { readonly: true, fileMustExist: true });
sqlite.pragma('busy_timeout = 5000');
const db = drizzle(sqlite, { schema }) as Db;
// Only the reads the work makes, each prepared once for the thread's life.
const data: AnalyticsData = {
  insights: createInsightsRepository(db).read,
  recognition: createRecognitionRepository(db).read,
  sentiment: createSentimentRepository(db).read,
  names: createNameRepository(db).read,
};

// The connection is open: from now on a failure is the work's, not the thread's (services/analytics.ts tells them apart).
parentPort!.postMessage({ ready: true } satisfies AnalyticsResponse);

// The server ends this thread with terminate() (idle, or closing); the connection closes with it.
parentPort!.on('message', async (request: AnalyticsRequest) => {
  let response: AnalyticsResponse;
  try {
    response = { id: request.id, result: await analyze(data, request, request.now) };
  } catch (error) {
    response =
      error instanceof AppError
        ? { id: request.id, error: { status: error.status, code: error.code, message: error.message } }
        : { id: request.id, error: { message: error instanceof Error ? error.message : String(error) } };
  }
  parentPort!.postMessage(response);
});
