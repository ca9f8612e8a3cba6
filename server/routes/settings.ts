import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { SettingsPatchSchema, SettingsSchema } from '../contracts/api.js';
import { AlertWebhookTestBodySchema, AlertWebhookTestResultSchema } from '../contracts/push.js';
import { errorResponses } from './schemas.js';
import { callerOf } from '../plugins/auth.js';

export const settingsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { settings, push } = app.services;
  const admin = app.requireRole('admin');

  // Experts read the settings too: the attribution template shapes the preview they see while writing.
  app.get(
    '/api/settings',
    {
      schema: { tags: ['settings'], response: { 200: SettingsSchema, ...errorResponses } },
      onRequest: app.requireRole('expert'),
    },
    async (request) => settings.forRole(callerOf(request).user.role),
  );

  app.put(
    '/api/settings',
    {
      schema: { tags: ['settings'], body: SettingsPatchSchema, response: { 200: SettingsSchema, ...errorResponses } },
      onRequest: admin,
    },
    async (request) => settings.update(request.body),
  );

  app.post(
    '/api/settings/alert-webhook/test',
    {
      schema: {
        tags: ['settings'],
        body: AlertWebhookTestBodySchema,
        response: { 200: AlertWebhookTestResultSchema, ...errorResponses },
      },
      onRequest: admin,
    },
    async (request) => push.testWebhook(request.body.url),
  );
};
