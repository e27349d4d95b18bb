// PLACEHOLDER — replaced by the moov datasource implementation.
import type { ProviderSettingsMap } from '../../config.js';
import type { ProviderDeps } from '../registry.js';
import type { TicketProvider } from '../provider.js';

export declare class MoovProvider implements TicketProvider {
  constructor(settings: ProviderSettingsMap['moov'], deps: ProviderDeps);
  readonly key: 'moov';
  readonly maxPageSize: number;
  readonly pushdown: TicketProvider['pushdown'];
  readonly timeline: TicketProvider['timeline'];
  getTicket: TicketProvider['getTicket'];
  listSources: TicketProvider['listSources'];
  listTickets: TicketProvider['listTickets'];
}
