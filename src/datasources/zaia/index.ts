// PLACEHOLDER — replaced by the zaia datasource implementation.
import type { ProviderSettingsMap } from '../../config.js';
import type { ProviderDeps } from '../registry.js';
import type { TicketProvider } from '../provider.js';

export declare class ZaiaProvider implements TicketProvider {
  constructor(settings: ProviderSettingsMap['zaia'], deps: ProviderDeps);
  readonly key: 'zaia';
  readonly maxPageSize: number;
  readonly pushdown: TicketProvider['pushdown'];
  readonly timeline: TicketProvider['timeline'];
  getTicket: TicketProvider['getTicket'];
  listSources: TicketProvider['listSources'];
  listTickets: TicketProvider['listTickets'];
}
