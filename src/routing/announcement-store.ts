// Routes announced through the API, kept by prefix and fed into their own RIB source.
import type { Logger } from 'pino';
import { LocalRoutes, type LocalRoute } from './local-routes.js';
import type { RouteEngine } from './route-engine.js';

/** The API's announcements, by prefix. */
export interface AnnouncementStore {
  list(): LocalRoute[];
  announce(route: LocalRoute): void;
  /** False when nothing was announced for the prefix. */
  withdraw(prefix: string): boolean;
}

export function announcementStore(engine: RouteEngine, logger: Logger): AnnouncementStore {
  const routes = new LocalRoutes(engine.rib, engine.addLocalSource('api', 'api'), () => engine.changed());
  const announced = new Map<string, LocalRoute>();
  return {
    list: () => [...announced.values()],
    announce: (route) => {
      announced.set(route.prefix, route);
      routes.apply([route], []);
      logger.info({ prefix: route.prefix }, 'route announced through the API');
    },
    withdraw: (prefix) => {
      if (!announced.delete(prefix)) return false;
      routes.apply([], [prefix]);
      logger.info({ prefix }, 'route withdrawn through the API');
      return true;
    },
  };
}
