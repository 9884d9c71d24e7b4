/**
 * Seed data for the value differential tests: NULLs, unicode, `%`/`_`, case
 * variants, boundary dates, big numbers, empty and padded bytes, Json of
 * every kind, and relations with missing, shared and self links.
 */
import type { TestApp } from '../support/test-app.ts';

const strings = ['a%_b', 'A%_B', 'hello', 'Hello', 'HELLO', 'héllo', 'Ünïcödé 日本', '', 'under_score', '100%', "quo'te", 'back\\slash', 'tab\there', 'line\nbreak', 'x'];
// Subnormals (5e-324) are left out: SQLite prints them with more digits than JavaScript (see scalar-json.ts).
const floats = [0, 1, 1.5, -2.25, 1e21, 1e-7, 0.1 + 0.2, 123456.789, -1e300, 2.5e-308, 1e15, 0.000123, 2 ** 53 + 2, 0.7999999999999999, 1e-6, -0, 4.35];
const decimals = ['1.50', '0', '-12.345', '100', '0.000001', '1e-7', '12345.6789', '0.1', '99999999999', '-0.5', '3', '2.5', '7.25', '1e21', '0.30'];
const bigs = [0n, 9007199254740993n, -9223372036854775808n, 9223372036854775807n, -1n, 42n];
const dates = ['1970-01-01T00:00:00.000Z', '1969-12-31T23:59:59.999Z', '2024-02-29T12:00:00.000Z', '9999-12-31T23:59:59.999Z', '2000-01-01T00:00:00.001Z', '0001-01-01T00:00:00.000Z', '2024-05-01T12:30:45.120Z'];
const docs: unknown[] = [{ a: 1 }, [1, 'x', null], 'str', 5, { b: { c: 'x%y' }, a: 'xy' }, { s: 'éx', a: [1, 2] }, true, { a: 'x' }, 1.5, { nested: { deep: [{ k: 'v' }] } }, { 'k"ey': 'a\\b "c"\n\t', sp: 'a  b', e: '' }, -0.25];
const moods = ['HAPPY', 'SAD', 'MEH'];

/** Byte strings of lengths 0..5 (every base64 padding) and 100 (past PostgreSQL's 76-column base64 lines). */
const blobs = [0, 1, 2, 3, 4, 5, 100].map((n) => new Uint8Array(Array.from({ length: n }, (_, i) => (i * 37 + n) % 256)));

export async function seedScalars(t: TestApp): Promise<void> {
  const p = t.prisma as any;
  const { DbNull, JsonNull } = t.app.db.Prisma;
  for (let i = 0; i < 24; i++) {
    const at = (k: number) => new Date(dates[(i + k) % dates.length]);
    await p.everything.create({
      data: {
        label: strings[i % strings.length],
        text: i % 4 === 0 ? null : strings[(i * 7) % strings.length],
        int: [-2147483648, 0, 7, 2147483647, -3, 12][i % 6],
        intOpt: i % 3 === 0 ? null : i * 5 - 20,
        float: floats[i % floats.length],
        floatOpt: i % 5 === 0 ? null : floats[(i * 3) % floats.length],
        flag: i % 2 === 0,
        flagOpt: i % 3 === 0 ? null : i % 3 === 1,
        big: bigs[i % bigs.length],
        bigOpt: i % 4 === 1 ? null : bigs[(i + 2) % bigs.length],
        money: decimals[i % decimals.length],
        moneyOpt: i % 4 === 2 ? null : decimals[(i * 5) % decimals.length],
        at: at(0),
        atOpt: i % 3 === 2 ? null : at(3),
        blob: blobs[i % blobs.length],
        blobOpt: i % 2 ? null : blobs[(i + 3) % blobs.length],
        doc: docs[i % docs.length],
        docOpt: i % 5 === 0 ? DbNull : i % 5 === 1 ? JsonNull : docs[(i * 3) % docs.length],
        mood: moods[i % 3],
        moodOpt: i % 4 === 0 ? null : moods[(i + 1) % 3],
        level: i % 2 ? 'HIGH' : 'LOW',
      },
    });
  }
  for (let i = 0; i < 8; i++) {
    await p.token.create({ data: { value: `tok-${strings[i]}`, owner: i % 3 ? 'ann' : 'Bob', kind: `k${i}`, uses: i } });
    await p.pairing.create({ data: { left: strings[i], right: strings[(i + 3) % strings.length], weight: floats[i], note: i % 2 ? null : 'n' } });
    await p.diary.create({ data: { day: new Date(dates[i % dates.length]), mood: moods[i % 3], entry: i % 3 ? strings[i] : null } });
  }
}

export async function seedRelations(t: TestApp): Promise<void> {
  const p = t.prisma as any;
  const handles = ['ann', 'Ann', 'bob', 'b_b', 'c%d', 'dörte', 'eve', 'Zed', 'x_y', 'mallory'];
  const members: { id: string }[] = [];
  for (const [i, handle] of handles.entries()) {
    members.push(await p.member.create({ data: { handle, mentorId: i > 0 && i % 3 !== 0 ? members[i - 1].id : undefined } }));
  }
  for (const [i, m] of members.entries()) {
    const followers = members.filter((_, j) => (i * 3 + j) % 4 === 0 && j !== i).map((f) => ({ id: f.id }));
    if (followers.length) await p.member.update({ where: { id: m.id }, data: { followers: { connect: followers } } });
    if (i % 3 === 0) await p.passport.create({ data: { memberId: m.id, number: `P${i}`, issuedAt: new Date(dates[i % dates.length]) } });
    if (i % 4 === 1) await p.badge.create({ data: { memberId: m.id } });
    if (i % 2) await p.car.create({ data: { plate: `CAR-${i}`, ownerId: m.id } });
    if (i % 3 === 1) await p.boat.create({ data: { name: strings[i], ownerId: m.id } });
  }
  const articles: { id: string }[] = [];
  for (let i = 0; i < 14; i++) {
    articles.push(
      await p.article.create({
        data: { title: strings[i % strings.length], authorId: members[(i * 3) % members.length].id, reviewerId: i % 3 === 0 ? null : members[(i + 1) % members.length].id },
      }),
    );
  }
  for (let i = 0; i < 20; i++) {
    await p.note.create({ data: { body: strings[(i * 5) % strings.length], articleId: articles[(i * 7) % 9].id } });
  }
  for (let i = 0; i < 18; i++) {
    const key = { memberId: members[i % members.length].id, articleId: articles[(i * 5) % articles.length].id };
    await p.star.upsert({ where: { pair: key }, create: { ...key, at: new Date(dates[i % dates.length]) }, update: {} });
  }
  const books: { title: string; author: string }[] = [];
  for (let i = 0; i < 5; i++) books.push(await p.book.create({ data: { title: strings[i], author: handles[i % 3], year: 1990 + (i % 3) } }));
  for (let i = 0; i < 8; i++) {
    const book = books[i % 4];
    await p.edition.create({ data: { bookTitle: book.title, bookAuthor: book.author, printRun: [1000, 500, 1000, 20, 7][i % 5] } });
  }
  let parent: { id: string } | undefined;
  for (let i = 0; i < 7; i++) {
    const made: { id: string } = await p.category.create({ data: { name: strings[i], parentId: i % 3 === 0 ? null : parent?.id } });
    if (i % 2 === 0) parent = made;
  }
}

export async function seedLists(t: TestApp): Promise<void> {
  const p = t.prisma as any;
  for (let i = 0; i < 12; i++) {
    await p.bag.create({
      data: {
        name: strings[i],
        tags: i % 4 === 0 ? [] : strings.slice(i % 5, (i % 5) + (i % 3) + 1),
        scores: i % 5 === 0 ? undefined : [i, i * 2, -i],
        weights: [floats[i % floats.length], floats[(i + 4) % floats.length]],
        colors: i % 3 === 0 ? undefined : ['RED', 'GREEN', 'BLUE'].slice(0, 1 + (i % 3)),
        stamps: i % 2 ? [new Date(dates[i % dates.length])] : [],
        flags: [i % 2 === 0, true],
      },
    });
  }
}
