/** GET and PUT /v1/log-level: the daemon's log level, changed at run time without a reload. */
import type { FastifyInstance } from 'fastify';
import { LOG_LEVELS } from '../../config/parse-config.js';
import type { LogLevel } from '../../config/types.js';
import { errorSchema } from '../schemas.js';

export interface LogLevelControl {
  get(): LogLevel;
  set(level: LogLevel): void;
}

const levelSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['level'],
  properties: { level: { type: 'string', enum: [...LOG_LEVELS] } },
} as const;

export function registerLogLevelRoutes(server: FastifyInstance, control: LogLevelControl): void {
  server.get('/v1/log-level', { schema: { response: { 200: levelSchema } } }, async () => ({ level: control.get() }));

  server.put<{ Body: { level: LogLevel } }>(
    '/v1/log-level',
    { schema: { body: levelSchema, response: { 200: levelSchema, 400: errorSchema } }, attachValidation: true },
    async (request, reply) => {
      if (request.validationError) {
        return reply.code(400).send({ error: `level: must be one of ${LOG_LEVELS.join(', ')}` });
      }
      control.set(request.body.level);
      return { level: control.get() };
    },
  );
}
