export * from './activity.js';
export * from './membership.js';
export * from './page.js';
export * from './provider.js';
export * from './tag.js';
export * from './ticket.js';
