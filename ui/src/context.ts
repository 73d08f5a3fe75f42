// Values every component may read: the owner's time zone and a clock that ticks, so relative
// times stay true while the window is open.
import { createContext } from "preact";
import { useContext, useEffect, useState } from "preact/hooks";

export interface Env {
  timezone: string | null;
  /** shows a short message in the corner; kind "error" also fills the error banner */
  notify: (message: string, kind?: "info" | "error") => void;
  /** a mail's link was clicked: open it in the browser, asking first when it deceives */
  openLink: (href: string, text: string) => void;
}

export const EnvContext = createContext<Env>({ timezone: null, notify: () => {}, openLink: () => {} });

export function useEnv(): Env {
  return useContext(EnvContext);
}

/** The current time, refreshed every `ms`. */
export function useNow(ms = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
