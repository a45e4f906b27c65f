import { useSignal } from '@preact/signals';

/** The field's own attributes: what kind, its bounds, its name, and the data- marks tests and styles find it by. */
interface Attributes {
  type: 'number' | 'range';
  min?: number | undefined;
  max?: number | undefined;
  step?: string;
  inputMode?: 'decimal' | 'numeric';
  'aria-label': string;
  [data: `data-${string}`]: string | number | undefined;
}

/**
 * A number (or range) field over a value the host owns and the page reads again every second. What the
 * finger or the keyboard has put in it stays until it is committed (Enter, leaving the field, letting go
 * of a slider), and after that until the host has answered: a refresh never throws away a half-typed
 * value or a slider mid-drag. A refused value goes back to the host's.
 */
export function DraftInput({ value, onCommit, ...rest }: Attributes & { value: number; onCommit: (v: number) => Promise<unknown> | void }) {
  const draft = useSignal<string | null>(null);
  return (
    <input
      {...rest}
      value={draft.value ?? String(value)}
      onInput={(e) => (draft.value = e.currentTarget.value)}
      onChange={(e) => {
        const typed = e.currentTarget.value;
        const v = Number(typed);
        if (typed.trim() === '' || !Number.isFinite(v)) {
          draft.value = null;
          return;
        }
        void Promise.resolve(onCommit(v)).finally(() => {
          // A value typed since this one was sent stays.
          if (draft.value === typed) draft.value = null;
        });
      }}
    />
  );
}
