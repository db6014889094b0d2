/** Every rule id, in catalogue order (kept apart from the rule modules so configuration code can validate ids without loading rules). */
export const RULE_IDS = [
  'PA000', 'PA001', 'PA002', 'PA003', 'PA004', 'PA005', 'PA006', 'PA007',
  'PA010', 'PA011', 'PA012', 'PA013', 'PA014',
  'PA020', 'PA021', 'PA022', 'PA023', 'PA024',
  'PA030', 'PA031', 'PA032', 'PA033',
  'PA040', 'PA041', 'PA042',
  'PA050', 'PA051', 'PA052', 'PA053', 'PA054',
] as const;

export const ALL_RULE_IDS: ReadonlySet<string> = new Set(RULE_IDS);
