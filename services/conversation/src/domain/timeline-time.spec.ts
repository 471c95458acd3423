import { timelineTime } from './timeline-time';

describe('timelineTime', () => {
  const arrived = new Date('2026-11-22T10:00:05.730Z');

  it('refines a whole-second Date header with the arrival inside that second', () => {
    expect(timelineTime(new Date('2026-11-22T10:00:05.000Z'), arrived)).toEqual(arrived);
  });

  it('keeps the channel time when it is precise or far from the arrival', () => {
    const precise = new Date('2026-11-22T10:00:05.120Z');
    expect(timelineTime(precise, arrived)).toEqual(precise);
    const earlier = new Date('2026-11-22T09:58:00.000Z');
    expect(timelineTime(earlier, arrived)).toEqual(earlier);
  });

  it('keeps a channel time after the arrival (a sender clock ahead) and falls back to arrival when absent', () => {
    const ahead = new Date('2026-11-22T10:00:06.000Z');
    expect(timelineTime(ahead, arrived)).toEqual(ahead);
    expect(timelineTime(undefined, arrived)).toEqual(arrived);
  });
});
