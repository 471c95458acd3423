/**
 * When a message goes on the timeline. The channel's timestamp decides, but an
 * email Date header only has whole seconds: a customer answering within the
 * second of an agent's reply would sort before it. When the channel's time is
 * a whole second and the arrival falls inside that second, the arrival time is
 * the same instant told more precisely, so it is used instead.
 */
export function timelineTime(channelTime: Date | undefined, arrivedAt: Date): Date {
  if (!channelTime) return arrivedAt;
  const wholeSecond = channelTime.getTime() % 1000 === 0;
  const delta = arrivedAt.getTime() - channelTime.getTime();
  return wholeSecond && delta >= 0 && delta < 1000 ? arrivedAt : channelTime;
}
