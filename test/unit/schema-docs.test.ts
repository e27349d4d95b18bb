import { readFileSync } from 'node:fs';
import { buildSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';

const CLIENT_SCHEMA = readFileSync(new URL('../../schema.client.graphql', import.meta.url), 'utf8');

describe('the client schema (issue 14)', () => {
  it('describes every type, field, argument and enum value', () => {
    const schema = buildSchema(CLIENT_SCHEMA);
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (isEnumType(type)) for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
    }
    expect(missing).toEqual([]);
  });

  it('states the page-size limits where clients read them', () => {
    expect(CLIENT_SCHEMA).toMatch(/Entries per page, 0–500/);
    expect(CLIENT_SCHEMA).toMatch(/Tickets per page, 0–MAX_PAGE_SIZE \(100 by default\)/);
  });

  it('carries no federation machinery (relay-compiler refuses it)', () => {
    // (Person's description mentions `@key` in prose: directives on definitions are what count.)
    expect(CLIENT_SCHEMA).not.toMatch(/^extend schema|^(type|interface) [^\n]*@|_entities|_service|_Any/m);
    expect(CLIENT_SCHEMA).toMatch(/^scalar DateTime$/m);
  });
});
