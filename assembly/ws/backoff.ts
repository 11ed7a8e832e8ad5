// Reconnection back-off (Part 4 §5.3 and the RetryBackOff* variables, Part 4 §8.1-8.3).
// Reading used here: the base wait starts at WaitMinimum and doubles after every failed attempt, at most
// RepeatTimes times; every wait gets its own random part in [0, RandomRange] seconds (ms resolution).
//   attempt k (0 = first reconnect):  WaitMinimum * 2^min(k, RepeatTimes) s + rnd % (RandomRange*1000 + 1) ms

/** Doubling cap: keeps the shift harmless whatever the device model stores. */
const MAX_DOUBLINGS: i32 = 16;

export function backoffDelayMs(attempt: i32, waitMinimumS: i32, randomRangeS: i32, repeatTimes: i32, rnd: u32): i64 {
  let doublings = attempt < repeatTimes ? attempt : repeatTimes;
  if (doublings < 0) doublings = 0;
  if (doublings > MAX_DOUBLINGS) doublings = MAX_DOUBLINGS;
  const base: i64 = (waitMinimumS > 0 ? <i64>waitMinimumS : 0) * 1000 << doublings;
  const range: i64 = randomRangeS > 0 ? <i64>randomRangeS * 1000 + 1 : 1;
  return base + <i64>rnd % range;
}
