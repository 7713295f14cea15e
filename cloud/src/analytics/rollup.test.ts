import { describe, expect, it } from 'vitest';
import { addCounters, counterUpdate, metricsOf, missCauseOf, rollupDelta, rollupTargets, seconds } from './rollup.js';

const at = '2026-11-24T09:59:59.500Z';

describe('rollupDelta', () => {
  it('counts an answered call: wait, talk, hold and every service-level bucket the wait is within', () => {
    const d = rollupDelta({ queueCode: '630', agentCode: '804', queueTime: '17', talkingTime: '95', holdTime: 12, missCause: '' }, at)!;
    expect(d).toMatchObject({ hour: '2026-11-24T09', day: '2026-11-24', queue: '630', agent: '804', wait: 17 });
    expect(d.add).toEqual({ offered: 1, answered: 1, waitSum: 17, talkSum: 95, holdSum: 12, sl_20: 1, sl_25: 1, sl_30: 1, sl_45: 1, sl_60: 1, sl_90: 1, sl_120: 1 });
  });

  it('a wait exactly on a bound is within it', () => {
    expect(rollupDelta({ queueCode: 'q', agentCode: 'a', queueTime: '5' }, at)!.add.sl_5).toBe(1);
    expect(rollupDelta({ queueCode: 'q', agentCode: 'a', queueTime: '121' }, at)!.add.sl_120).toBeUndefined();
  });

  it('counts an abandoned call by its miss cause; unknown or empty causes as OTHER', () => {
    expect(rollupDelta({ queueCode: '630', agentCode: '', queueTime: '40', missCause: 'NO_AGENT_ANSWER' }, at)!.add).toEqual({ offered: 1, ab_NO_AGENT_ANSWER: 1 });
    expect(rollupDelta({ queueCode: '630', agentCode: '', missCause: 'SOMETHING' }, at)!.add).toEqual({ offered: 1, ab_OTHER: 1 });
    expect(rollupDelta({ queueCode: '630', agentCode: '', missCause: '' }, at)!.add).toEqual({ offered: 1, ab_OTHER: 1 });
    expect(rollupDelta({ queueCode: '630', missCause: 'MEMBER_CANCEL', queueTime: '3' }, at)!.wait).toBe(3);
  });

  it('ignores records without a queue and records with an unusable time', () => {
    expect(rollupDelta({ queueCode: '', agentCode: '804' }, at)).toBeUndefined();
    expect(rollupDelta({ agentCode: '804' }, at)).toBeUndefined();
    expect(rollupDelta({ queueCode: '630' }, 'nonsense')).toBeUndefined();
  });

  it('reads durations leniently', () => {
    expect([seconds('7'), seconds(7), seconds(''), seconds('x'), seconds(-3), seconds(undefined), seconds(' 12 ')]).toEqual([7, 7, 0, 0, 0, 0, 12]);
    expect(missCauseOf('NO_ASSIGN')).toBe('NO_ASSIGN');
    expect(missCauseOf(undefined)).toBe('OTHER');
  });

  it('targets the hourly item, the queue day and month, the agent day and month', () => {
    const answered = rollupTargets('site_1', rollupDelta({ queueCode: '630', agentCode: '804' }, at)!);
    expect(answered.map((t) => t.key)).toEqual([
      { PK: 'RU#site_1#H#2026-11', SK: '2026-11-24T09' },
      { PK: 'RU#site_1#Q#2026-11', SK: '2026-11-24#630' },
      { PK: 'RU#site_1#QM#2026', SK: '2026-11#630' },
      { PK: 'RU#site_1#A#2026-11', SK: '2026-11-24#804' },
      { PK: 'RU#site_1#AM#2026', SK: '2026-11#804' },
    ]);
    expect(answered[4].describe).toEqual({ kind: 'rollup-agent-month', siteId: 'site_1', month: '2026-11', agent: '804' });
    expect(rollupTargets('site_1', rollupDelta({ queueCode: '630' }, at)!)).toHaveLength(3);
  });
});

describe('metricsOf', () => {
  it('turns counters into rates and averages', () => {
    const c = {};
    addCounters(c, rollupDelta({ queueCode: 'q', agentCode: 'a', queueTime: '10', talkingTime: '60', holdTime: 0 }, at)!.add, 10);
    addCounters(c, rollupDelta({ queueCode: 'q', agentCode: 'b', queueTime: '31', talkingTime: '61', holdTime: 5 }, at)!.add, 31);
    addCounters(c, rollupDelta({ queueCode: 'q', missCause: 'NO_ASSIGN', queueTime: '50' }, at)!.add, 50);
    expect(metricsOf(c, 20)).toEqual({
      offered: 3,
      answered: 2,
      abandoned: 1,
      abandonedBy: { MEMBER_CANCEL: 0, NO_AGENT_LOGIN: 0, NO_ASSIGN: 1, NO_AGENT_ANSWER: 0, OTHER: 0 },
      answerRate: 0.6667,
      averageSpeedOfAnswer: 20.5,
      averageTalk: 60.5,
      averageHold: 2.5,
      serviceLevel: 0.3333,
      maxWait: 50,
    });
    expect(metricsOf(c, 45).serviceLevel).toBe(0.6667);
  });

  it('gives nulls rather than dividing by zero', () => {
    expect(metricsOf({}, 20)).toMatchObject({ offered: 0, answered: 0, abandoned: 0, answerRate: null, averageSpeedOfAnswer: null, serviceLevel: null, maxWait: null });
    const onlyAbandoned = metricsOf({ offered: 2, ab_MEMBER_CANCEL: 2 }, 20);
    expect(onlyAbandoned).toMatchObject({ answerRate: 0, averageTalk: null, serviceLevel: 0, maxWait: 0 });
  });

  it('adds maxWait as a maximum when summing items', () => {
    expect(addCounters({ offered: 1, maxWait: 30 }, { offered: 2, maxWait: 12 })).toEqual({ offered: 3, maxWait: 30 });
  });
});

describe('counterUpdate', () => {
  it('builds SET for descriptions and ADD for counters, all through placeholders', () => {
    const u = counterUpdate({ offered: 1, ab_NO_ASSIGN: 1 }, { kind: 'rollup-hour', siteId: 's' });
    expect(u.UpdateExpression).toBe('SET #d0 = :d0, #d1 = :d1 ADD #c0 :c0, #c1 :c1');
    expect(u.ExpressionAttributeNames).toEqual({ '#d0': 'kind', '#d1': 'siteId', '#c0': 'offered', '#c1': 'ab_NO_ASSIGN' });
    expect(u.ExpressionAttributeValues).toEqual({ ':d0': 'rollup-hour', ':d1': 's', ':c0': 1, ':c1': 1 });
  });
});
