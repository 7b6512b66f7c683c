import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  budgetStatus,
  chapterElapsedMs,
  enterChapter,
  isTalkClock,
  startTalk,
  talkBudgetMs,
  talkElapsedMs,
} from '../../src/engine/talk-clock.js';
import type { Chapter } from '../../src/lesson/model.js';

const MIN = 60_000;

test('budget status: fraction, time left, over only past 100 %', () => {
  const table: [number, number | undefined, { fraction?: number; over: boolean; remainingMs?: number }][] = [
    [0, 10 * MIN, { fraction: 0, over: false, remainingMs: 10 * MIN }],
    [5 * MIN, 10 * MIN, { fraction: 0.5, over: false, remainingMs: 5 * MIN }],
    [10 * MIN, 10 * MIN, { fraction: 1, over: false, remainingMs: 0 }],
    [10 * MIN + 1, 10 * MIN, { fraction: (10 * MIN + 1) / (10 * MIN), over: true, remainingMs: -1 }],
    [15 * MIN, 10 * MIN, { fraction: 1.5, over: true, remainingMs: -5 * MIN }],
    [3 * MIN, undefined, { over: false }],
    [3 * MIN, 0, { over: false }],
  ];
  for (const [elapsed, budget, want] of table) {
    const got = budgetStatus(elapsed, budget);
    assert.equal(got.over, want.over, `${elapsed}/${budget}: over`);
    assert.equal(got.fraction, want.fraction, `${elapsed}/${budget}: fraction`);
    assert.equal(got.remainingMs, want.remainingMs, `${elapsed}/${budget}: remaining`);
  }
});

test("the talk's budget: the front matter's, else the sum of the chapters' when every one has one", () => {
  const chapter = (budgetMs?: number): Chapter =>
    ({
      id: 'c',
      title: 'C',
      blocks: [],
      steps: [],
      notes: [],
      pos: { file: 'f', line: 1, column: 1 },
      ...(budgetMs === undefined ? {} : { budgetMs }),
    }) as Chapter;
  const table: [number | undefined, (number | undefined)[], number | undefined][] = [
    [45 * MIN, [5 * MIN, 10 * MIN], 45 * MIN],
    [45 * MIN, [undefined], 45 * MIN],
    [undefined, [5 * MIN, 10 * MIN, 30_000], 15 * MIN + 30_000],
    [undefined, [5 * MIN, undefined], undefined],
    [undefined, [], undefined],
  ];
  for (const [front, chapters, want] of table) {
    const lesson = { ...(front === undefined ? {} : { budgetMs: front }), chapters: chapters.map(chapter) };
    assert.equal(talkBudgetMs(lesson), want, JSON.stringify({ front, chapters }));
  }
});

test('each chapter accumulates the time it was on screen, across going back and forth', () => {
  let clock = startTalk('a', 1000);
  assert.equal(chapterElapsedMs(clock, 'a', 61_000), 60_000);
  clock = enterChapter(clock, 'b', 61_000);
  clock = enterChapter(clock, 'b', 70_000); // the same chapter: nothing changes
  clock = enterChapter(clock, 'a', 91_000);
  assert.equal(chapterElapsedMs(clock, 'a', 101_000), 70_000);
  assert.equal(chapterElapsedMs(clock, 'b', 101_000), 30_000);
  assert.equal(chapterElapsedMs(clock, 'c', 101_000), 0);
  assert.equal(talkElapsedMs(clock, 101_000), 100_000);
  // A clock that went backwards never makes negative times.
  assert.equal(chapterElapsedMs(clock, 'a', 0), 60_000);
  assert.equal(talkElapsedMs(clock, 0), 0);
});

test('the chapters share the talk: their times add up to the time since it started', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 100_000 })), {
        maxLength: 30,
      }),
      (moves) => {
        let now = 5000;
        let clock = startTalk('a', now);
        for (const [chapter, wait] of moves) {
          now += wait;
          clock = enterChapter(clock, chapter, now);
        }
        now += 1234;
        const sum = ['a', 'b', 'c'].reduce((total, c) => total + chapterElapsedMs(clock, c, now), 0);
        return sum === talkElapsedMs(clock, now);
      },
    ),
  );
});

test('a talk clock read back from state.json is checked', () => {
  assert.ok(isTalkClock(startTalk('a', 1)));
  assert.ok(!isTalkClock(null));
  assert.ok(!isTalkClock({ startedAt: '1', chapter: 'a', chapterSince: 1, spentMs: {} }));
  assert.ok(!isTalkClock({ startedAt: 1, chapter: 'a', chapterSince: 1, spentMs: { a: 'x' } }));
});
