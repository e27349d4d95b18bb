// PLACEHOLDER — replaced by the sonzai datasource implementation.
import type { ProviderSettingsMap } from '../../config.js';
import type { ProviderDeps } from '../registry.js';
import type { TicketProvider } from '../provider.js';

export declare class SonzaiProvider implements TicketProvider {
  constructor(settings: ProviderSettingsMap['sonzai'], deps: ProviderDeps);
  readonly key: 'sonzai';
  readonly maxPageSize: number;
  readonly pushdown: TicketProvider['pushdown'];
  readonly timeline: TicketProvider['timeline'];
  getTicket: TicketProvider['getTicket'];
  listSources: TicketProvider['listSources'];
  listTickets: TicketProvider['listTickets'];
}
