// A scrolling listbox of any length with a fixed row height: only the rows in view (plus a
// margin) are in the DOM, placed absolutely inside a box as tall as all of them. It reports
// the rows in view (so their pages load) and scrolls the cursor's row into view.
import type { ComponentChildren } from "preact";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { scrollToShow, visibleRange } from "../lib/ticketPages";

/** Without layout (tests, a hidden window) the list assumes a viewport this tall. */
export const FALLBACK_VIEWPORT = 800;

export function VirtualList(props: {
  total: number;
  rowHeight: number;
  /** the row at `index`, at `top` px: an <li> */
  row: (index: number, top: number) => ComponentChildren;
  /** the cursor's index (-1: none or not loaded); kept in view when it changes */
  focusIndex: number;
  /** a new query starts again at the top */
  resetKey: string;
  onRange: (start: number, end: number) => void;
  label: string;
  activeDescendant?: string;
  testid?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(FALLBACK_VIEWPORT);
  const measure = () => setViewport(ref.current?.clientHeight || FALLBACK_VIEWPORT);

  useLayoutEffect(() => {
    measure();
    const el = ref.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  useLayoutEffect(() => {
    if (ref.current) ref.current.scrollTop = 0;
    setScrollTop(0);
  }, [props.resetKey]);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || props.focusIndex < 0) return;
    const next = scrollToShow(props.focusIndex, el.scrollTop, viewport, props.rowHeight);
    if (next !== el.scrollTop) {
      el.scrollTop = next;
      setScrollTop(next);
    }
  }, [props.focusIndex]);

  const { start, end } = visibleRange(scrollTop, viewport, props.rowHeight, props.total);
  const onRange = useRef(props.onRange);
  onRange.current = props.onRange;
  useEffect(() => onRange.current(start, end), [start, end, props.resetKey]);

  const rows: ComponentChildren[] = [];
  for (let i = start; i < end; i++) rows.push(props.row(i, i * props.rowHeight));
  return (
    <div
      class="list-wrap"
      ref={ref}
      data-testid={props.testid}
      data-count={props.total}
      data-first={start}
      onScroll={(e) => setScrollTop((e.currentTarget as HTMLDivElement).scrollTop)}
    >
      <ul
        class="list vlist"
        role="listbox"
        aria-label={props.label}
        // Focusable, so the scrolling list can be reached from the keyboard and the cursor's
        // row is announced; the id must name a row in the DOM (off-screen rows are not).
        tabIndex={0}
        aria-activedescendant={props.focusIndex >= start && props.focusIndex < end ? props.activeDescendant : undefined}
        style={{ height: `${props.total * props.rowHeight}px` }}
      >
        {rows}
      </ul>
    </div>
  );
}
