/** Rewrites every `<time data-local>` in the reader's own time zone and language. */
export function showLocalTimes(): void {
  const format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  for (const el of document.querySelectorAll<HTMLTimeElement>('time[data-local]')) {
    const at = new Date(el.dateTime);
    if (!Number.isNaN(at.getTime())) el.textContent = format.format(at);
  }
}
