/**
 * POST /v1/neighbors/:name/disable|enable|restart|refresh: what `birdc disable|enable|restart|
 * reload` do to one protocol. disable ends the session with Cease/Administrative Shutdown and
 * the operator's text (RFC 8203) and keeps it down; restart is Cease/Administrative Reset and
 * a new session; refresh asks the neighbor for its routes again (ROUTE-REFRESH, RFC 2918)
 * and/or sends ours again, without touching the session.
 */
import type { FastifyInstance } from 'fastify';
import type { NeighborSet, RefreshDirection } from '../../routing/neighbor-set.js';
import { actionResultSchema, errorSchema, neighborNameParamsSchema } from '../schemas.js';

export type NeighborControl = Pick<NeighborSet, 'disable' | 'enable' | 'restart' | 'refresh'>;

interface ActionBody {
  /** RFC 8203 shutdown communication (at most 255 bytes of UTF-8, RFC 9003). */
  message?: string;
  direction?: RefreshDirection;
}

const bodySchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    message: { type: 'string', maxLength: 255, description: 'shutdown communication sent to the neighbor (RFC 8203)' },
    direction: { type: 'string', enum: ['in', 'out', 'both'], description: 'refresh only: routes in, out, or both (default)' },
  },
} as const;

const ACTIONS = ['disable', 'enable', 'restart', 'refresh'] as const;
type Action = (typeof ACTIONS)[number];

export function registerNeighborActions(server: FastifyInstance, control: NeighborControl): void {
  for (const action of ACTIONS) {
    server.post<{ Params: { name: string }; Body: ActionBody | null }>(
      `/v1/neighbors/:name/${action}`,
      {
        schema: { params: neighborNameParamsSchema, body: bodySchema, response: { 200: actionResultSchema, 400: errorSchema, 404: errorSchema } },
        attachValidation: true,
      },
      async (request, reply) => {
        if (request.validationError) {
          return reply.code(400).send({ error: `bad request: ${request.validationError.message.replace(/^(body|params)\/?/, '')}` });
        }
        const { name } = request.params;
        const body = request.body ?? {};
        // RFC 9003 §2: the communication is at most 255 octets of UTF-8, not characters.
        if (body.message !== undefined && Buffer.byteLength(body.message) > 255) {
          return reply.code(400).send({ error: 'message: longer than 255 bytes of UTF-8 (RFC 9003)' });
        }
        const result = await run(control, action, name, body);
        if (result === null) return reply.code(404).send({ error: `no neighbor named ${name}` });
        return result;
      },
    );
  }
}

async function run(control: NeighborControl, action: Action, name: string, body: ActionBody): Promise<{ ok: boolean; message: string; details?: object } | null> {
  const text = body.message ?? `${action} by the operator`;
  switch (action) {
    case 'disable':
      return (await control.disable(name, text)) ? { ok: true, message: `${name} disabled` } : null;
    case 'enable':
      return control.enable(name) ? { ok: true, message: `${name} enabled` } : null;
    case 'restart':
      return control.restart(name, text) ? { ok: true, message: `${name} restarting` } : null;
    case 'refresh': {
      const direction = body.direction ?? 'both';
      const r = await control.refresh(name, direction);
      if (r === null) return null;
      const done = [r.in ? 'routes requested again' : '', r.out ? 'routes sent again' : ''].filter(Boolean).join(', ');
      const ok = (direction === 'out' || r.in) && (direction === 'in' || r.out);
      const why = ok ? '' : ' (the session is not Established, or route refresh was not negotiated)';
      return { ok, message: `${name}: ${done || 'nothing done'}${why}`, details: r };
    }
  }
}
