import { Random } from './random.js';

export interface Person {
  /** Stable key of the person across providers (each provider gives them its own id). */
  key: number;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  avatarUrl: string;
}

const FIRST = [
  'Ada',
  'Linus',
  'Grace',
  'Alan',
  'Margaret',
  'Ken',
  'Barbara',
  'Dennis',
  'Frances',
  'Edsger',
  'Radia',
  'Tim',
  'Katherine',
  'John',
  'Hedy',
  'Donald',
  'Lynn',
  'Niklaus',
  'Shafi',
  'Vint',
  'Anita',
  'Guido',
  'Sophie',
  'Bjarne',
];
const LAST = [
  'Lovelace',
  'Torvalds',
  'Hopper',
  'Turing',
  'Hamilton',
  'Thompson',
  'Liskov',
  'Ritchie',
  'Allen',
  'Dijkstra',
  'Perlman',
  'Berners-Lee',
  'Johnson',
  'McCarthy',
  'Lamarr',
  'Knuth',
  'Conway',
  'Wirth',
  'Goldwasser',
  'Cerf',
  'Borg',
  'van Rossum',
  'Wilson',
  'Stroustrup',
];

/**
 * The shared pool of people the five simulators draw requesters and assignees from, so
 * the same email appears at several providers, as it does in a real company.
 * The first `staff` people are agents (assignees); the rest are customers.
 */
export function createPeople(seed: number, size = 80): { people: Person[]; staff: Person[]; customers: Person[] } {
  const random = new Random(seed).fork('people');
  const people: Person[] = [];
  for (let key = 0; key < size; key++) {
    const firstName = FIRST[key % FIRST.length] as string;
    const lastName = LAST[(key * 7 + random.int(0, LAST.length - 1)) % LAST.length] as string;
    const local = `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z.]/g, '');
    people.push({
      key,
      firstName,
      lastName,
      email: `${local}${key}@${key < 12 ? 'support.example.com' : 'customer.example.org'}`,
      phone: `+4670${String(1_000_000 + random.int(0, 8_999_999))}`,
      avatarUrl: `https://avatars.example.com/${key}.png`,
    });
  }
  return { people, staff: people.slice(0, 12), customers: people.slice(12) };
}
