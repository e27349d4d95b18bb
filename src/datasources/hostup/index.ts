// PLACEHOLDER — replaced by the hostup datasource implementation.
import type { ProviderSettingsMap } from '../../config.js';
import type { ProviderDeps } from '../registry.js';
import type { TicketProvider } from '../provider.js';

export declare class HostupProvider implements TicketProvider {
  constructor(settings: ProviderSettingsMap['hostup'], deps: ProviderDeps);
  readonly key: 'hostup';
  readonly maxPageSize: number;
  readonly pushdown: TicketProvider['pushdown'];
  readonly timeline: TicketProvider['timeline'];
  getTicket: TicketProvider['getTicket'];
  listSources: TicketProvider['listSources'];
  listTickets: TicketProvider['listTickets'];
}
