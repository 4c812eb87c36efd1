/** GET /v1/neighbors and GET /v1/neighbors/:name. */
import type { FastifyInstance } from 'fastify';
import { errorSchema, neighborNameParamsSchema, neighborViewSchema } from '../schemas.js';
import type { NeighborProvider } from '../types.js';

export function registerNeighborRoutes(server: FastifyInstance, provider: NeighborProvider): void {
  server.get(
    '/v1/neighbors',
    { schema: { response: { 200: { type: 'array', items: neighborViewSchema } } } },
    async () => provider.listNeighbors(),
  );

  server.get<{ Params: { name: string } }>(
    '/v1/neighbors/:name',
    {
      schema: {
        params: neighborNameParamsSchema,
        response: { 200: neighborViewSchema, 400: errorSchema, 404: errorSchema },
      },
      // The handler words the 400 itself: "must match pattern ^[A-Za-z0-9_.-]+$" helps nobody.
      attachValidation: true,
    },
    async (request, reply) => {
      const { name } = request.params;
      if (request.validationError) {
        return reply.code(400).send({
          error: `invalid neighbor name ${JSON.stringify(name)}: a name has only letters, digits, "_", "." and "-"`,
        });
      }
      const neighbor = provider.neighbor ? provider.neighbor(name) : (provider.listNeighbors().find((candidate) => candidate.name === name) ?? null);
      if (neighbor === null) return reply.code(404).send({ error: `no neighbor named ${name}` });
      return neighbor;
    },
  );
}
