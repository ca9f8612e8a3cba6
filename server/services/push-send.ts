// One push request: encrypt the payload for the device (RFC 8291) and POST it with web-push, through the guarded
// transport. Runs on the push thread (push-send-worker.ts), or on the event loop if that thread cannot start.
import webpush from 'web-push';
import { AddressRefused, type PushTransport } from './push-transport.js';

export interface SendJob {
  id: number;
  endpoint: string;
  keys: { p256dh: string; auth: string };
  payload: string;
  authorization: string;
  ttl: number;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
  topic: string | null;
  timeoutMs: number;
}

export interface SendResult { id: number; status: number | null; retryAfter?: string; error?: string; refused?: boolean }

export async function sendPush(transport: Pick<PushTransport, 'agent'>, job: SendJob): Promise<SendResult> {
  try {
    const response = await webpush.sendNotification({ endpoint: job.endpoint, keys: job.keys }, job.payload, {
      headers: { Authorization: job.authorization }, TTL: job.ttl, urgency: job.urgency, timeout: job.timeoutMs, agent: transport.agent,
      ...(job.topic ? { topic: job.topic } : {}),
    });
    return { id: job.id, status: response.statusCode };
  } catch (error) {
    if (error instanceof webpush.WebPushError) {
      const retryAfter = (error.headers as Record<string, string | undefined>)['retry-after'];
      return { id: job.id, status: error.statusCode, ...(retryAfter ? { retryAfter } : {}) };
    }
    const refused = error instanceof AddressRefused || (error as { cause?: unknown }).cause instanceof AddressRefused;
    return { id: job.id, status: null, error: (error as Error).message, refused };
  }
}
