import type { ProviderCapability } from '../generated/resolvers-types.js';
import type { TicketProvider, WriteOperation } from './provider.js';

/** GraphQL capability of each write, in one place. */
export const WRITE_CAPABILITIES: Record<WriteOperation, ProviderCapability> = {
  createTicket: 'CREATE_TICKET',
  addComment: 'ADD_COMMENT',
  closeTicket: 'CLOSE_TICKET',
  reopenTicket: 'REOPEN_TICKET',
  setTicketStatus: 'SET_TICKET_STATUS',
  assignTicket: 'ASSIGN_TICKET',
  takeOverTicket: 'TAKE_OVER_TICKET',
  addTicketTag: 'ADD_TICKET_TAG',
  removeTicketTag: 'REMOVE_TICKET_TAG',
};

/**
 * The capability matrix, derived from what each datasource implements: a write is a
 * capability exactly when the provider class defines its method (a provider whose
 * configuration cannot do a write, such as Spacebring on Basic auth, leaves it out).
 */
export function capabilitiesOf(provider: TicketProvider): ProviderCapability[] {
  const capabilities: ProviderCapability[] = ['READ_TICKET', 'LIST_TICKETS', 'READ_ACTIVITIES'];
  if (provider.listTags || provider.readsTags) capabilities.push('READ_TAGS');
  for (const [operation, capability] of Object.entries(WRITE_CAPABILITIES) as [WriteOperation, ProviderCapability][]) {
    if (typeof provider[operation] === 'function') capabilities.push(capability);
  }
  return capabilities;
}

export function supports(provider: TicketProvider, operation: WriteOperation): boolean {
  return typeof provider[operation] === 'function';
}
