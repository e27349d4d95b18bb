// PLACEHOLDER — replaced by the spacebring datasource implementation.
import type { ProviderSettingsMap } from '../../config.js';
import type { ProviderDeps } from '../registry.js';
import type { TicketProvider } from '../provider.js';

export declare class SpacebringProvider implements TicketProvider {
  constructor(settings: ProviderSettingsMap['spacebring'], deps: ProviderDeps);
  readonly key: 'spacebring';
  readonly maxPageSize: number;
  readonly pushdown: TicketProvider['pushdown'];
  readonly timeline: TicketProvider['timeline'];
  getTicket: TicketProvider['getTicket'];
  listSources: TicketProvider['listSources'];
  listTickets: TicketProvider['listTickets'];
}
