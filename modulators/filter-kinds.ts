/**
 * The smoothing filters a route can run and the settings each one reads, declared once: the route
 * schema, the filters themselves and the control surface's editor all come from here (no schema
 * library in it, so the page can take it as it is).
 */
export const FilterFields = {
  time: { filter: 'lag', minimum: 0, maximum: 30, default: 0.1, label: 'time (s)', description: 'lag: seconds to cover ~63% of a jump.' },
  rise: { filter: 'slew', minimum: 0, maximum: 1000, default: 1, label: 'rise /s', description: 'slew: largest rise per second.' },
  fall: { filter: 'slew', minimum: 0, maximum: 1000, default: 1, label: 'fall /s', description: 'slew: largest fall per second.' },
  minCutoff: { filter: 'one-euro', minimum: 0.001, maximum: 100, default: 1, label: 'min cutoff (Hz)', description: 'one-euro: Hz of smoothing when still.' },
  beta: { filter: 'one-euro', minimum: 0, maximum: 10, default: 0.05, label: 'beta', description: 'one-euro: how fast smoothing drops when moving.' },
  dCutoff: { filter: 'one-euro', minimum: 0.001, maximum: 100, default: 1, label: 'speed cutoff (Hz)', description: 'one-euro: Hz of the speed estimate.' },
} as const;
export type FilterField = keyof typeof FilterFields;

export const FilterTypes = ['lag', 'slew', 'one-euro'] as const;
export type FilterType = (typeof FilterTypes)[number];

/** What each filter type does, for the schema and the surface. */
export const FilterDescriptions: Record<FilterType, string> = {
  lag: 'one-pole smoothing',
  slew: 'rate limit',
  'one-euro': 'jitter filter for tablets',
};

/** The settings a filter type reads. */
export function fieldsOf(type: FilterType): FilterField[] {
  return (Object.keys(FilterFields) as FilterField[]).filter((f) => FilterFields[f].filter === type);
}
