// A time shown relative, the exact time (owner's zone) on hover and for screen readers.
import { exactTime, relativeTime } from "../lib/time";
import { useEnv, useNow } from "../context";

export function RelTime({ at, class: cls }: { at: string; class?: string }) {
  const { timezone } = useEnv();
  const now = useNow();
  const exact = exactTime(at, timezone);
  return (
    <time class={cls} dateTime={at} title={exact} aria-label={exact}>
      {relativeTime(at, now, timezone)}
    </time>
  );
}
